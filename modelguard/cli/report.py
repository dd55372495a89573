"""`modelguard report merge`: many repositories' JSON reports into one picture."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from modelguard import __version__
from modelguard.cli.common import fatal, parse_date, registry_in_use
from modelguard.cli.registry import source_options
from modelguard.files import write_atomic
from modelguard.registry.load import Registry
from modelguard.report.dashboard import missing_html_extra, render_html
from modelguard.report.merge import Merged, MergeError, merge, render_json, render_markdown


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


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    return parse_date(ctx, param, value) or dt.date.today()


def _sources(registry: Registry) -> Mapping[tuple[str, str], str]:
    """(provider, entry id) -> the page the entry's dates come from."""
    return {(provider.slug, entry.id): entry.source
            for provider in registry.providers for entry in provider.models
            if entry.source is not None}


def _render(merged: Merged, fmt: str, as_of: dt.date, registry_dir: str | None,
            offline: bool) -> str:
    if fmt == "json":
        return render_json(merged, __version__)
    if fmt == "markdown":
        return render_markdown(merged)
    return render_html(merged, today=as_of, tool_version=__version__,
                       sources=_sources(registry_in_use(registry_dir, offline)))


@report_group.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "markdown", "html"]),
              default="markdown", show_default=True,
              help="html: one self-contained page (timeline, a sortable table per repository); "
                   "needs the html extra.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the merged report here instead of standard output.")
@click.option("--as-of", callback=_day, metavar="YYYY-MM-DD",
              help="html: the day the timeline marks as today (default: today).")
@source_options
def merge_command(reports: tuple[Path, ...], fmt: str, output: Path | None, as_of: dt.date,
                  registry_dir: str | None, offline: bool) -> None:
    """Merge JSON reports of many repositories: totals, and what each must move by when.

    For html, the registry (--registry, --offline) gives each entry's source link."""
    if fmt == "html" and (missing := missing_html_extra()) is not None:
        fatal(missing)
    try:
        merged = merge(_documents(reports))
    except MergeError as error:
        fatal(str(error))
    text = _render(merged, fmt, as_of, registry_dir, offline)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        fatal(f"cannot write {output}: {error.strerror or error}")
