"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from modelguard.findings import Finding, FixSafety
from modelguard.report.fingerprint import VERSION, fingerprints
from modelguard.report.interface import Reporter
from modelguard.report.jsontext import Stream, chunks
from modelguard.report.model import Report
from modelguard.ruledocs import DOCS, HOMEPAGE

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"


def _uri(path: str) -> str:
    # the file's own bytes, percent-encoded, even where they are not UTF-8
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _rule(code: str) -> dict[str, Any]:
    doc = DOCS[code]
    return {
        "id": code,
        "name": doc.rule.name,
        "shortDescription": {"text": doc.rule.summary},
        "fullDescription": {"text": doc.what},
        "helpUri": doc.url,
        "help": {"text": f"{doc.why}\n\n{doc.fix_safety}"},
        "defaultConfiguration": {"level": doc.level},
    }


def _level(report: Report, finding: Finding) -> str:
    if report.fails(finding):
        return "error"
    if finding.advisory:
        return "note"
    level = DOCS[finding.rule.code].level
    return "warning" if level == "error" else level


def id_region(finding: Finding) -> dict[str, int] | None:
    """Where the id itself sits inside the reported literal, when that can be told from the span.

    A whole-string literal's span includes its prefix (at most two letters) and its quotes (one
    or three characters each side): the length left over after the id says which. Anything else
    (multi-line spans, implicit concatenation) gets no machine fix.
    """
    if finding.line != finding.end_line:
        return None
    written = finding.parameter or finding.model  # MG005 rewrites the parameter's name
    extra = (finding.end_column - finding.column) - len(written)
    if extra == 0:
        quote_width = 0
    elif 2 <= extra <= 4:
        quote_width = 1
    elif 6 <= extra <= 8:
        quote_width = 3
    else:
        return None
    end = finding.end_column - quote_width
    return {"startLine": finding.line, "startColumn": end - len(written),
            "endLine": finding.line, "endColumn": end}


def _fixes(finding: Finding) -> list[dict[str, Any]]:
    # A notebook's span is in a cell's source, not in the JSON text a replacement would edit.
    if not finding.rewritable or not finding.in_file:
        return []
    region = id_region(finding)
    if region is None or not finding.replacement:
        return []  # a removed argument spans more than its name: `fix` does it, not SARIF
    unsafe = " (unsafe fix: review the surrounding code)" if finding.fix is FixSafety.UNSAFE else ""
    return [{
        "description": {"text": f"Replace with `{finding.replacement}`{unsafe}"},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": BASE_ID},
            "replacements": [{
                "deletedRegion": region,
                "insertedContent": {"text": finding.replacement},
            }],
        }],
    }]


def _region(finding: Finding) -> dict[str, int]:
    if not finding.in_file:
        # A notebook: the line of the .ipynb JSON holding the cell's line; the cell's columns
        # are not the file's, so the region is the whole line (the cell position is in the
        # result's `notebookCell` property).
        return {"startLine": finding.line_in_file}
    return {"startLine": finding.line, "startColumn": finding.column,
            "endLine": finding.end_line, "endColumn": finding.end_column}


def _result(report: Report, finding: Finding, print_: str) -> dict[str, Any]:
    text = finding.message
    if finding.replacement == "" and finding.parameter is not None:
        text += f". Fix: {finding.fix_title}"
    elif finding.replacement is not None:
        text += f". Replacement: `{finding.replacement}`"
        if finding.manual_migration is not None:
            text += f" (manual migration: {finding.manual_migration})"
    result: dict[str, Any] = {
        "ruleId": finding.rule.code,
        "level": _level(report, finding),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": BASE_ID},
                "region": _region(finding),
            },
        }],
        "partialFingerprints": {VERSION: print_},
        "properties": {
            "model": finding.model,
            "provider": finding.provider,
            "status": finding.status.value,
            "shutdown": finding.shutdown.isoformat() if finding.shutdown else None,
            "daysLeft": finding.days_left,
            "replacement": finding.replacement,
            "fixSafety": finding.fix.value,
            "manualMigration": finding.manual_migration,
        },
    }
    if not finding.in_file:
        result["properties"]["notebookCell"] = {
            "cell": finding.cell, "startLine": finding.line, "startColumn": finding.column,
            "endLine": finding.end_line, "endColumn": finding.end_column,
        }
    fixes = _fixes(finding)
    if fixes:
        result["fixes"] = fixes
    return result


def sarif_document(report: Report, streamed: bool = False) -> dict[str, Any]:
    """The SARIF log; with `streamed`, its results are a `Stream`, built as they are written."""
    prints = fingerprints(report.findings)
    results = (_result(report, finding, print_)
               for finding, print_ in zip(report.findings, prints, strict=True))
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(error.path), "uriBaseId": BASE_ID},
            }}],
        }
        for error in report.errors
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "modelguard",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": HOMEPAGE,
                "rules": [_rule(code) for code in sorted(DOCS)],
            }},
            "invocations": [{
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": Stream(results) if streamed else list(results),
            "properties": {
                "registryVersion": report.registry_version,
                "registrySource": report.registry_origin,
                "registryLocation": report.registry_location,
                "asOf": report.as_of.isoformat(),
                "failOn": report.fail_on.value,
            },
        }],
    }


class SarifReporter(Reporter):
    def render(self, report: Report) -> str:
        return "".join(self.chunks(report))

    def chunks(self, report: Report) -> Iterator[str]:
        yield from chunks(sarif_document(report, streamed=True))
        yield "\n"
