"""`modelguard rule CODE`: a rule's documentation, from the same source as docs/rules.md."""

from __future__ import annotations

import click

from modelguard.ruledocs import DOCS, render_rule


@click.command("rule")
@click.argument("code", type=click.Choice(sorted(DOCS), case_sensitive=False))
def rule_command(code: str) -> None:
    """Explain rule CODE (MG001…): what it finds, why, and how it is fixed."""
    click.echo(render_rule(code), nl=False)
