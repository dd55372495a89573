"""Which registry a command uses: --registry DIR, else the newest of the bundled and the synced
registry, plus private provider files. Apart from `registry_cli` so that scanning commands do
not import the `registry` commands' tables and importers."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from modelguard.cli.common import EXIT_USAGE
from modelguard.registry.load import Registry, RegistryError, extend_registry, load_registry
from modelguard.registry.sync import active_registry


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
