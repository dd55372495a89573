"""Line-independent identities for findings, shared by SARIF and the baseline.

A finding is known by its path, the id as written, its syntactic context and which occurrence of
that (model, context) pair it is within the file, counted in source order. Inserting or deleting
lines elsewhere in the file changes none of these, so the identity survives ordinary edits.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from modelguard.findings import Finding

VERSION = "modelguard/v1"


def fingerprint(path: str, model: str, context: str, occurrence: int) -> str:
    key = "\0".join((path, model, context, str(occurrence)))
    # surrogateescape: a file name that is not UTF-8 is known by its own bytes
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def fingerprints(findings: Sequence[Finding]) -> tuple[str, ...]:
    """One fingerprint per finding, in the order given (occurrences counted by position)."""
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key)
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(findings)
    for i in order:
        finding = findings[i]
        key = (finding.path, finding.model, finding.context)
        result[i] = fingerprint(*key, seen[key])
        seen[key] += 1
    return tuple(result)
