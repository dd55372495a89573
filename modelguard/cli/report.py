"""`modelguard report merge`: many repositories' JSON reports into one picture."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from modelguard import __version__
from modelguard.cli.common import fatal
from modelguard.files import write_atomic
from modelguard.report.merge import MergeError, merge, render_json, render_markdown


@click.group("report")
def report_group() -> None:
    """Combine JSON reports written by `check --format json`."""


def _documents(paths: tuple[Path, ...]) -> Iterator[tuple[str, Any]]:
    """Each report parsed only when the merge asks for it, so one is in memory at a time."""
    for path in paths:
        try:
            with path.open("rb") as handle:
                yield str(path), json.load(handle)
        except OSError as error:
            raise MergeError(f"cannot read {path}: {error.strerror or error}") from None
        except (ValueError, RecursionError):  # JSON and UTF-8 errors are ValueErrors
            raise MergeError(f"{path}: not a modelguard JSON report (not valid JSON)") from None


@report_group.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="markdown",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the merged report here instead of standard output.")
def merge_command(reports: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Merge JSON reports of many repositories: totals, and what each must move by when."""
    try:
        merged = merge(_documents(reports))
    except MergeError as error:
        fatal(str(error))
    text = render_json(merged, __version__) if fmt == "json" else render_markdown(merged)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        fatal(f"cannot write {output}: {error.strerror or error}")
