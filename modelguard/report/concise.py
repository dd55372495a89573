"""One finding per line, `path:line:col: CODE message`, no colour and no hints: for grep.

A notebook finding points at the line of the .ipynb file holding it, column 1 (the cell's
columns are not the file's), and names its place in the cell after the message."""

from __future__ import annotations

from modelguard.findings import Finding
from modelguard.report.interface import Reporter
from modelguard.report.model import Report


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _line(finding: Finding) -> str:
    if finding.in_file:
        where = f"{finding.line}:{finding.column}"
        message = _one_line(finding.message)
    else:
        where = f"{finding.line_in_file}:1"
        message = f"{_one_line(finding.message)} ({finding.cell_location})"
    return f"{_one_line(finding.path)}:{where}: {finding.rule.code} {message}"


class ConciseReporter(Reporter):
    def render(self, report: Report) -> str:
        lines = [_line(f) for f in report.findings]
        lines += [f"{_one_line(e.path)}: error: {_one_line(e.message)}" for e in report.errors]
        return "".join(line + "\n" for line in lines)
