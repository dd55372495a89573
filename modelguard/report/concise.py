"""One finding per line, `path:line:col: CODE message`, no colour and no hints: for grep."""

from __future__ import annotations

from modelguard.report.interface import Reporter
from modelguard.report.model import Report


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class ConciseReporter(Reporter):
    def render(self, report: Report) -> str:
        lines = [
            f"{_one_line(f.path)}:{f.line}:{f.column}: {f.rule.code} {_one_line(f.message)}"
            for f in report.findings
        ]
        lines += [f"{_one_line(e.path)}: error: {_one_line(e.message)}" for e in report.errors]
        return "".join(line + "\n" for line in lines)
