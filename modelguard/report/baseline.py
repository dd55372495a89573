"""Baselines: accept today's findings, report only new ones.

A baseline file records each finding's path, model (as written) and line-independent fingerprint
(see report/fingerprint.py), so inserting lines above a finding does not bring it back. It also
records the rule: a finding accepted while its model was only deprecated comes back once the
model is retired or its shutdown is imminent, because that is news the team must see.
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
# How serious each rule is; a finding stays accepted only while it is no more serious.
_SEVERITY = {"MG004": 0, "MG002": 1, "MG005": 2, "MG003": 2, "MG001": 3}


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


def parse_baseline(text: str) -> dict[Key, str | None]:
    """The keys a baseline accepts, each with the rule it was accepted under (`line` is
    informative only)."""
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
    keys: dict[Key, str | None] = {}
    for i, entry in enumerate(entries):
        fields = [entry.get(k) if isinstance(entry, dict) else None
                  for k in ("path", "model", "fingerprint")]
        path, model, print_ = fields
        if not (isinstance(path, str) and isinstance(model, str) and isinstance(print_, str)):
            raise BaselineError(f"findings[{i}]: needs string path, model and fingerprint")
        rule = entry.get("rule")
        keys[(path, model, print_)] = rule if rule in _SEVERITY else None
    return keys


def _accepted(rule: str, accepted_as: str | None) -> bool:
    return accepted_as is None or _SEVERITY[rule] <= _SEVERITY[accepted_as]


def apply_baseline(report: Report, accepted: dict[Key, str | None]) -> tuple[Report, int]:
    """The report without accepted findings, and how many were dropped."""
    kept = tuple(
        f for f, p in zip(report.findings, fingerprints(report.findings), strict=True)
        if (f.path, f.model, p) not in accepted
        or not _accepted(f.rule.code, accepted[(f.path, f.model, p)])
    )
    return dataclasses.replace(report, findings=kept), len(report.findings) - len(kept)
