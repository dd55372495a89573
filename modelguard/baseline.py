"""Baselines: accept today's findings, report only new ones.

A baseline file records each finding's path, model (as written) and line-independent fingerprint
(see report/fingerprint.py), so inserting lines above a finding does not bring it back.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from modelguard.report.fingerprint import fingerprints
from modelguard.report.model import Report

FORMAT = "modelguard-baseline"
VERSION = 1

Key = tuple[str, str, str]  # path, model, fingerprint


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message is one line for users."""


def baseline_text(report: Report) -> str:
    entries = [
        {"path": f.path, "model": f.model, "fingerprint": p, "rule": f.rule.code, "line": f.line}
        for f, p in zip(report.findings, fingerprints(report.findings), strict=True)
    ]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "registry": report.registry_version,
        "as_of": report.as_of.isoformat(),
        "findings": entries,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_baseline(text: str) -> frozenset[Key]:
    """The keys a baseline accepts; `line` and `rule` are informative only."""
    try:
        document: Any = json.loads(text)
    except ValueError as error:
        raise BaselineError(f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BaselineError(f"not a modelguard baseline (no \"format\": \"{FORMAT}\")")
    if document.get("version") != VERSION:
        raise BaselineError(f"unsupported baseline version {document.get('version')!r}")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError("\"findings\" must be a list")
    keys: set[Key] = set()
    for i, entry in enumerate(entries):
        fields = [entry.get(k) if isinstance(entry, dict) else None
                  for k in ("path", "model", "fingerprint")]
        path, model, print_ = fields
        if not (isinstance(path, str) and isinstance(model, str) and isinstance(print_, str)):
            raise BaselineError(f"findings[{i}]: needs string path, model and fingerprint")
        keys.add((path, model, print_))
    return frozenset(keys)


def apply_baseline(report: Report, accepted: frozenset[Key]) -> tuple[Report, int]:
    """The report without accepted findings, and how many were dropped."""
    kept = tuple(
        f for f, p in zip(report.findings, fingerprints(report.findings), strict=True)
        if (f.path, f.model, p) not in accepted
    )
    return dataclasses.replace(report, findings=kept), len(report.findings) - len(kept)
