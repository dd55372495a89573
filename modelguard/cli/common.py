"""What every command shares: the usage-error exit, date options, and the registry a command
uses: --registry, else the project's `registry` setting (the bundled data by default; the
synced one only where a project opts in), plus private provider files."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from modelguard.defaults import BUNDLED, SYNCED
from modelguard.files import display_path
from modelguard.registry.load import Registry, RegistryError, extend_registry
from modelguard.registry.sync import chosen_registry

EXIT_USAGE = 2


def fatal(message: str) -> NoReturn:
    """One line on stderr and exit 2: the user can act on it, no traceback."""
    from modelguard.report.text import printable

    click.echo(printable(f"modelguard: error: {message}"), err=True)
    sys.exit(EXIT_USAGE)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback for YYYY-MM-DD options; None when the option is not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def registry_problems(error: RegistryError) -> NoReturn:
    for problem in error.problems:
        click.echo(problem, err=True)
    sys.exit(EXIT_USAGE)


def registry_spec(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for --registry: bundled, synced, or an existing folder or bundle file."""
    if value is None or value in (BUNDLED, SYNCED) or Path(value).exists():
        return value
    raise click.BadParameter(
        f"{value!r}: no such folder or file (or {BUNDLED!r}, {SYNCED!r})")


registry_option = click.option(
    "--registry", "registry_dir", callback=registry_spec, metavar="bundled|synced|PATH",
    help="Use the bundled data, the synced registry (`registry sync`), or a registry folder "
         "or bundle file (default: the configuration's `registry`, else bundled).")


def registry_in_use(
    registry_dir: str | None, offline: bool, extra_files: Sequence[Path] = (),
    configured: str = BUNDLED,
) -> Registry:
    """--registry, else the configuration's `registry` (bundled by default; `--offline` turns
    "synced" into bundled); plus private provider files."""
    if registry_dir is not None:
        spec = registry_dir
    else:
        spec = BUNDLED if offline and configured == SYNCED else configured
    shown = spec if spec in (BUNDLED, SYNCED) else display_path(Path(spec))
    try:
        found, warnings = chosen_registry(spec, shown)
        found = extend_registry(found, extra_files)
    except RegistryError as error:
        registry_problems(error)
    for warning in warnings:
        click.echo(f"modelguard: warning: {warning}", err=True)
    return found
