"""JSON Lines: one object per finding (the JSON report's finding shape), then one per error."""

from __future__ import annotations

import json

from modelguard.report.interface import Reporter
from modelguard.report.json import finding_json
from modelguard.report.model import Report


class JsonLinesReporter(Reporter):
    def render(self, report: Report) -> str:
        lines = []
        for finding in report.findings:
            item = finding_json(finding)
            item["fails"] = report.fails(finding)
            lines.append(json.dumps(item, ensure_ascii=False))
        for error in report.errors:
            item = {"path": error.path, "error": error.message}
            lines.append(json.dumps(item, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
