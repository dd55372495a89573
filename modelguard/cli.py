"""Command line: parse options, wire the stages together, map outcomes to exit codes."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from modelguard import __version__
from modelguard.api import Selection, check_paths
from modelguard.atomic import write_atomic
from modelguard.cache import default_cache_dir
from modelguard.findings import RULES
from modelguard.index import ModelIndex, build_index
from modelguard.registry import Registry, RegistryError, bundled_registry_dir, load_registry
from modelguard.report import FailOn, OutputFormat, render
from modelguard.report.text import print_findings, print_summary
from modelguard.scan import ScanSettings

EXIT_USAGE = 2


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _fatal(message: str) -> None:
    click.echo(f"modelguard: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _load(registry_dir: Path | None) -> Registry:
    try:
        return load_registry(registry_dir or bundled_registry_dir())
    except RegistryError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modelguard")
def cli() -> None:
    """Find deprecated and retired LLM model ids in a codebase."""


registry_option = click.option(
    "--registry",
    "registry_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Use this registry folder instead of the bundled data.",
)


rule_code = click.Choice(sorted(RULES), case_sensitive=False)


def scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options shared by every command that scans: dates, rules, providers, registry."""
    options = [
        click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
                     help="Judge lifecycles at this date (default: today)."),
        click.option("--warn-within", type=click.IntRange(min=0), default=90, show_default=True,
                     metavar="DAYS", help="A deprecated model shutting down this soon is MG003."),
        click.option("--fail-on", type=click.Choice([f.value for f in FailOn]), default="retired",
                     show_default=True, help="Least severe finding that fails the run."),
        click.option("--select", multiple=True, type=rule_code,
                     help="Report only these rules (repeatable)."),
        click.option("--ignore", multiple=True, type=rule_code,
                     help="Do not report these rules (repeatable)."),
        click.option("--provider", "providers", multiple=True, metavar="NAME",
                     help="Only these providers' entries apply to bare ids (repeatable)."),
        registry_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What a scanning command needs, built once from the shared options."""

    index: ModelIndex
    settings: ScanSettings
    fail_on: FailOn
    selection: Selection


def scan_context(
    *,
    as_of: dt.date | None,
    warn_within: int,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    providers: tuple[str, ...],
    registry_dir: Path | None,
) -> ScanContext:
    registry = _load(registry_dir)
    unknown = sorted(set(providers) - {p.slug for p in registry.providers})
    if unknown:
        known = ", ".join(p.slug for p in registry.providers)
        _fatal(f"unknown provider {unknown[0]!r} (known: {known})")
    return ScanContext(
        index=build_index(registry, providers or None),
        settings=ScanSettings(as_of=as_of or dt.date.today(), warn_within_days=warn_within),
        fail_on=FailOn(fail_on),
        selection=Selection(
            frozenset(code.upper() for code in select), frozenset(code.upper() for code in ignore)
        ),
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@scan_options
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]),
              default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here (only once the run has finished).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Scan with N processes (default: the number of CPUs).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .modelguard_cache/.")
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    jobs: int | None,
    no_cache: bool,
    **options: Any,
) -> None:
    """Report deprecated and retired model ids under PATHS (default: the current folder)."""
    context = scan_context(**options)
    try:
        report = check_paths(
            list(paths), context.index, context.settings, context.fail_on, context.selection,
            jobs=jobs or os.cpu_count() or 1, cache_dir=None if no_cache else default_cache_dir(),
        )
    except FileNotFoundError as error:
        _fatal(str(error))
    output_format = OutputFormat(fmt)
    if output is not None:
        try:
            write_atomic(output, render(report, output_format))
        except OSError as error:
            _fatal(f"cannot write {output}: {error.strerror or error}")
    elif output_format is OutputFormat.TEXT:
        print_findings(report, Console())
    else:
        click.echo(render(report, output_format), nl=False)
    print_summary(report, Console(stderr=True))
    sys.exit(report.exit_code)


@cli.group()
def registry() -> None:
    """Inspect and validate registry data."""


@registry.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def registry_validate(paths: tuple[Path, ...]) -> None:
    """Validate the bundled registry, or registry folders and provider files given as PATHS."""
    problems: list[str] = []
    checked = 0
    targets = list(paths) or [bundled_registry_dir()]
    for target in targets:
        try:
            if target.is_dir():
                found = load_registry(target)
            else:
                found = load_registry(bundled_registry_dir(), extra_files=[target])
            checked += sum(len(p.models) for p in found.providers)
        except RegistryError as error:
            problems.extend(error.problems)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    click.echo(f"ok: {checked} model entries")


def main() -> None:
    cli(prog_name="modelguard")
