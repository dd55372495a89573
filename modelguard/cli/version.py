"""`modelguard --version`: the package version and the registry a scan of the working folder
would use (its version and where it comes from), so a bug report names both."""

from __future__ import annotations

from pathlib import Path

import click

from modelguard import __version__
from modelguard.defaults import BUNDLED, DISTRIBUTION, SYNCED
from modelguard.files import display_path
from modelguard.registry.load import RegistryError
from modelguard.registry.sync import chosen_registry, load_synced
from modelguard.workspace.config import ConfigError, load_config, locate_config


def version_lines() -> list[str]:
    lines = [f"modelguard {__version__} ({DISTRIBUTION})"]
    try:
        spec = load_config(locate_config(Path("."))).registry
    except ConfigError as error:
        spec = BUNDLED
        lines.append(f"configuration: {error.problems[0]}")
    shown = spec if spec in (BUNDLED, SYNCED) else display_path(Path(spec))
    try:
        registry, warnings = chosen_registry(spec, shown)
        lines.append(f"registry {registry.version} ({registry.label})")
        lines.extend(f"note: {warning}" for warning in warnings)
        synced = load_synced() if registry.origin != SYNCED else None
        if synced is not None:
            lines.append(f"synced registry {synced.version} installed, not used here (opt in "
                         f'with `registry = "synced"` in [tool.modelguard])')
    except RegistryError as error:
        lines.append(f"registry: {error.problems[0]}")
    return lines


def print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Click callback for the eager --version flag."""
    if not value or ctx.resilient_parsing:
        return
    click.echo("\n".join(version_lines()))
    ctx.exit()
