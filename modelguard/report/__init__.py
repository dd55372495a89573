"""Reports: one module per format; this enum is the only list of them."""

from __future__ import annotations

import enum

from modelguard.report import json as json_report
from modelguard.report.model import FailOn, Report


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


def render(report: Report, fmt: OutputFormat) -> str:
    """A report as a string, for formats that are files (text is printed by report.text)."""
    if fmt is OutputFormat.JSON:
        return json_report.render(report)
    if fmt is OutputFormat.TEXT:
        from modelguard.report.text import finding_line

        lines = [finding_line(f) for f in report.findings]
        lines += [f"{e.path}: error: {e.message}" for e in report.errors]
        return "".join(line + "\n" for line in lines)
    raise AssertionError(fmt)


__all__ = ["FailOn", "OutputFormat", "Report", "render"]
