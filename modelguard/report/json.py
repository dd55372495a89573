"""The JSON report: a stable shape other tools and CI read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from modelguard.findings import Finding
from modelguard.report.interface import Reporter
from modelguard.report.jsontext import Stream, chunks
from modelguard.report.model import Report

# Bumped when a reader must change: 1 is the shape before this field (no repository), 2 adds
# "schema_version" and "repository". `report merge` reads both.
SCHEMA_VERSION = 2


def finding_json(finding: Finding) -> dict[str, Any]:
    item = {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "rule": finding.rule.code,
        "rule_name": finding.rule.name,
        "model": finding.model,
        "provider": finding.provider,
        "entry": finding.entry,
        "status": finding.status.value,
        "announced": finding.announced.isoformat() if finding.announced else None,
        "shutdown": finding.shutdown.isoformat() if finding.shutdown else None,
        "shutdown_qualifier": finding.shutdown_qualifier,
        "days_left": finding.days_left,
        "replacement": finding.replacement,
        "fix": finding.fix.value,
        # The endpoints the model and its replacement serve, and "old → new" when they share
        # none: a manual migration `fix` never rewrites.
        "endpoints": list(finding.endpoints),
        "replacement_endpoints": list(finding.replacement_endpoints),
        "manual_migration": finding.manual_migration,
        "context": finding.context,
        "message": finding.message,
        "fails": None,  # filled in by render: depends on the run's --fail-on
    }
    if finding.parameter is not None:  # MG005: the parameter (its new name is `replacement`)
        item["parameter"] = finding.parameter
    if finding.cell is not None:  # notebooks: line and column are in the cell's source
        item["cell"] = finding.cell
        item["file_line"] = finding.file_line
    return item


def _findings(report: Report) -> Iterator[dict[str, Any]]:
    for finding in report.findings:
        item = finding_json(finding)
        item["fails"] = report.fails(finding)
        yield item


def render(report: Report) -> str:
    return "".join(render_chunks(report))


def render_chunks(report: Report) -> Iterator[str]:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "modelguard", "version": report.tool_version},
        "repository": {"name": report.repository_name, "commit": report.repository_commit},
        "registry": {"version": report.registry_version, "source": report.registry_origin,
                     "location": report.registry_location},
        "as_of": report.as_of.isoformat(),
        "findings": Stream(_findings(report)),
        "errors": [{"path": e.path, "message": e.message} for e in report.errors],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "summary": report.summary(),
    }
    yield from chunks(document)
    yield "\n"


class JsonReporter(Reporter):
    def render(self, report: Report) -> str:
        return render(report)

    def chunks(self, report: Report) -> Iterator[str]:
        return render_chunks(report)
