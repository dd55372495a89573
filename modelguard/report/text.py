"""Terminal output: one line per finding, then a summary. Colour only where rich detects a
terminal (and never when NO_COLOR is set)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from modelguard.findings import Finding, FixSafety
from modelguard.report.interface import Reporter
from modelguard.report.model import Report

_STYLE = {"MG001": "bold red", "MG002": "yellow", "MG003": "bold yellow", "MG004": "cyan"}


def finding_line(finding: Finding) -> str:
    """`path:line:col MG001 message, Replace with …` as plain text (markup-escaped)."""
    where = f"{finding.path}:" + (f"cell {finding.cell}:" if finding.cell is not None else "")
    line = f"{where}{finding.line}:{finding.column} {finding.rule.code} {finding.message}"
    if finding.replacement is not None and finding.fix is not FixSafety.NONE:
        line += f", Replace with `{finding.replacement}`"
        if finding.fix is FixSafety.UNSAFE:
            line += " (unsafe fix)"
    return line


class TextReporter(Reporter):
    """The terminal format without colour: what `--output` and `--output-format text=` write."""

    def render(self, report: Report) -> str:
        lines = [finding_line(f) for f in report.findings]
        lines += [f"{e.path}: error: {e.message}" for e in report.errors]
        return "".join(line + "\n" for line in lines)


def print_findings(report: Report, out: Console) -> None:
    for finding in report.findings:
        text = escape(finding_line(finding))
        head, _, rest = text.partition(f" {finding.rule.code} ")
        style = _STYLE[finding.rule.code]
        out.print(f"[bold]{head}[/bold] [{style}]{finding.rule.code}[/{style}] {rest}",
                  highlight=False, soft_wrap=True)
    for failed in report.errors:
        out.print(f"[bold]{escape(failed.path)}[/bold]: [red]error[/red]: {escape(failed.message)}",
                  highlight=False, soft_wrap=True)


def print_summary(report: Report, err: Console) -> None:
    summary = report.summary()
    counts = ", ".join(f"{code}: {n}" for code, n in summary["by_rule"].items())  # type: ignore[attr-defined]
    err.print(
        f"Scanned {report.files_scanned} file(s) with registry {report.registry_version} "
        f"as of {report.as_of}: {len(report.findings)} finding(s)"
        + (f" ({counts})" if counts else "")
        + f", {len(report.failing)} failing (--fail-on {report.fail_on.value})"
        + (f", {len(report.errors)} error(s)" if report.errors else ""),
        highlight=False,
        soft_wrap=True,
    )
