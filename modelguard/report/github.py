"""GitHub Actions workflow commands: annotations on the PR diff and the run page.

https://docs.github.com/actions/reference/workflow-commands-for-github-actions
"""

from __future__ import annotations

from modelguard.findings import Finding, FixSafety
from modelguard.report.interface import Reporter
from modelguard.report.model import Report


def escape_data(text: str) -> str:
    """The message part of a command: `%`, CR and LF are percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property: as data, plus `:` and `,`, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def _kind(report: Report, finding: Finding) -> str:
    if report.fails(finding):
        return "error"
    return "notice" if finding.rule.code == "MG004" or finding.advisory else "warning"


def _message(finding: Finding) -> str:
    message = finding.message
    if finding.replacement is not None and finding.fix is not FixSafety.NONE:
        message += f", {finding.fix_title}{finding.replacement_note}"
    if finding.cell_location is not None:
        message += f" ({finding.cell_location})"
    return message


def _position(finding: Finding) -> dict[str, str | int]:
    if not finding.in_file:
        # A notebook: the cell's columns are not the JSON file's, so the annotation marks the
        # whole file line (the message names the place in the cell).
        return {"line": finding.line_in_file}
    return {"line": finding.line, "col": finding.column,
            "endLine": finding.end_line, "endColumn": finding.end_column}


class GithubReporter(Reporter):
    def render(self, report: Report) -> str:
        lines = [
            command(
                _kind(report, f),
                _message(f),
                file=f.path,
                **_position(f),
                title=f.rule.code,
            )
            for f in report.findings
        ]
        lines += [
            command("error", e.message, file=e.path, title="modelguard: file not scanned")
            for e in report.errors
        ]
        return "".join(line + "\n" for line in lines)
