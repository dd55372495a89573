"""What every command shares: the usage-error exit, date options, and the registry a command
uses: --registry DIR, else the newest of the bundled and the synced registry, plus private
provider files."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from modelguard.registry.load import Registry, RegistryError, extend_registry, load_registry
from modelguard.registry.sync import active_registry

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


def registry_in_use(
    registry_dir: Path | None, offline: bool, extra_files: Sequence[Path] = ()
) -> Registry:
    """--registry DIR, else the newest of the bundled and the synced registry; plus private
    provider files."""
    warnings: Sequence[str] = ()
    try:
        if registry_dir is not None:
            found = load_registry(registry_dir)
        else:
            found, warnings = active_registry(offline)
        found = extend_registry(found, extra_files)
    except RegistryError as error:
        registry_problems(error)
    for warning in warnings:
        click.echo(f"modelguard: warning: {warning}", err=True)
    return found
