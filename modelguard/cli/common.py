"""What every command shares: the usage-error exit, and date options."""

from __future__ import annotations

import datetime as dt
import sys
from typing import NoReturn

import click

EXIT_USAGE = 2


def fatal(message: str) -> NoReturn:
    """One line on stderr and exit 2: the user can act on it, no traceback."""
    click.echo(f"modelguard: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback for YYYY-MM-DD options; None when the option is not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None
