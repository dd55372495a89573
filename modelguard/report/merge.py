"""Many repositories' JSON reports folded into one picture: who ships which dead or dying model,
and by when each must move.

Reports are consumed one at a time from an iterable and only aggregates are kept (counts per
repository, model, provider and shutdown month; one row per repository and model; one 16-byte
key per distinct finding for deduplication), so memory does not grow with the size of the reports
themselves. The same finding (repository, commit, fingerprint) read twice — a report merged twice,
or two overlapping scans of one commit — is counted once.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from modelguard.report.fingerprint import fingerprint
from modelguard.report.json import SCHEMA_VERSION
from modelguard.report.markdown import cell, code

# Check reports this version reads: 1 had no schema_version field and no repository.
READABLE_SCHEMAS = frozenset(range(1, SCHEMA_VERSION + 1))
MERGE_SCHEMA_VERSION = 1
# The worse of two statuses wins when one repository has a model in several states.
_SEVERITY = {"retired": 3, "deprecated": 2, "active": 1}
_FINDING_KEYS = ("path", "model", "context", "provider", "status")


class MergeError(ValueError):
    """A report that cannot be merged; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class Move:
    """One model one repository must move off, and by when."""

    repository: str
    provider: str
    model: str
    status: str
    shutdown: str | None  # YYYY-MM-DD; None when the provider announced no date
    replacement: str | None
    findings: int
    manual_migration: str | None = None  # "completions → chat": the move changes the call
    entry: str | None = None  # the registry entry the model id resolved to (its source page)


@dataclass(frozen=True, slots=True)
class RepositoryTotal:
    name: str
    commits: tuple[str, ...]
    findings: int


@dataclass(frozen=True, slots=True)
class Merged:
    reports: int
    findings: int
    duplicates: int
    repositories: tuple[RepositoryTotal, ...]
    by_model: tuple[tuple[str, int], ...]
    by_provider: tuple[tuple[str, int], ...]
    by_shutdown_month: tuple[tuple[str, int], ...]  # YYYY-MM, or "none" when no date
    moves: tuple[Move, ...]  # soonest shutdown first


@dataclass(frozen=True, slots=True)
class _Finding:
    path: str
    model: str
    context: str
    provider: str
    status: str
    shutdown: str | None
    replacement: str | None
    manual_migration: str | None = None  # absent from reports before endpoints were recorded
    entry: str | None = None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _parse_finding(item: Any, source: str, number: int) -> _Finding:
    if not isinstance(item, dict) or any(not isinstance(item.get(k), str) for k in _FINDING_KEYS):
        raise MergeError(f"{source}: finding #{number} lacks one of {', '.join(_FINDING_KEYS)}")
    return _Finding(item["path"], item["model"], item["context"], item["provider"],
                    item["status"], _text(item.get("shutdown")), _text(item.get("replacement")),
                    _text(item.get("manual_migration")),
                    _text(item.get("entry")))


def read_report(document: Any, source: str) -> tuple[str, str | None, list[_Finding]]:
    """(repository, commit, findings) of one check report; MergeError when it is not one this
    version reads. A report that names no repository is known by its `source`."""
    tool = document.get("tool") if isinstance(document, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != "modelguard" \
            or not isinstance(document.get("findings"), list):
        raise MergeError(f"{source}: not a modelguard JSON report "
                         "(write one with `modelguard check --format json`)")
    version = document.get("schema_version", 1)
    if version not in READABLE_SCHEMAS or isinstance(version, bool):
        raise MergeError(f"{source}: report schema version {version!r} is not supported "
                         f"(this modelguard reads 1 to {SCHEMA_VERSION}; upgrade modelguard)")
    repository = document.get("repository")
    repository = repository if isinstance(repository, dict) else {}
    # MG005 rows (they name a `parameter`) are about a request, not a model to move.
    findings = [_parse_finding(item, source, number)
                for number, item in enumerate(document["findings"], 1)
                if not (isinstance(item, dict) and "parameter" in item)]
    return _text(repository.get("name")) or source, _text(repository.get("commit")), findings


def worse_status(status: str, other: str) -> str:
    return status if _SEVERITY.get(status, 0) >= _SEVERITY.get(other, 0) else other


def _sooner(date: str | None, other: str | None) -> str | None:
    return min((d for d in (date, other) if d is not None), default=None)


def merge(reports: Iterable[tuple[str, Any]]) -> Merged:
    """Fold (source, parsed JSON document) pairs, read lazily one at a time, into one picture."""
    seen: set[bytes] = set()
    count = duplicates = 0
    per_repository: Counter[str] = Counter()
    commits: dict[str, set[str]] = {}
    by_model: Counter[str] = Counter()
    by_provider: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    moves: dict[tuple[str, str, str], Move] = {}
    for source, document in reports:
        name, commit, findings = read_report(document, source)
        count += 1
        commits.setdefault(name, set())
        if commit is not None:
            commits[name].add(commit)
        occurrences: Counter[tuple[str, str, str]] = Counter()
        for finding in findings:
            place = (finding.path, finding.model, finding.context)
            key = hashlib.sha256("\0".join(
                (name, commit or "", fingerprint(*place, occurrences[place]))
            ).encode("utf-8", "surrogateescape")).digest()[:16]
            occurrences[place] += 1
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            per_repository[name] += 1
            by_model[finding.model] += 1
            by_provider[finding.provider] += 1
            by_month[finding.shutdown[:7] if finding.shutdown else "none"] += 1
            row = (name, finding.provider, finding.model)
            known = moves.get(row)
            # The replacement and what moving to it takes come from the same finding.
            replacement, migration = (
                (known.replacement, known.manual_migration) if known and known.replacement
                else (finding.replacement, finding.manual_migration))
            moves[row] = Move(
                name, finding.provider, finding.model,
                worse_status(finding.status, known.status) if known else finding.status,
                _sooner(finding.shutdown, known.shutdown) if known else finding.shutdown,
                replacement,
                (known.findings if known else 0) + 1,
                migration,
                (known.entry if known else None) or finding.entry,
            )
    return Merged(
        reports=count,
        findings=sum(per_repository.values()),
        duplicates=duplicates,
        repositories=tuple(RepositoryTotal(name, tuple(sorted(commits[name])),
                                           per_repository[name]) for name in sorted(commits)),
        by_model=_ranked(by_model),
        by_provider=_ranked(by_provider),
        by_shutdown_month=tuple(sorted(by_month.items())),
        moves=tuple(sorted(moves.values(), key=lambda m: (
            m.shutdown is None, m.shutdown or "", m.repository, m.provider, m.model))),
    )


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def render_json(merged: Merged, tool_version: str) -> str:
    document = {
        "schema_version": MERGE_SCHEMA_VERSION,
        "tool": {"name": "modelguard", "version": tool_version},
        "kind": "merge",
        "reports": merged.reports,
        "findings": merged.findings,
        "duplicates": merged.duplicates,
        "repositories": [
            {"name": r.name, "commits": list(r.commits), "findings": r.findings,
             "moves": [_move_json(m) for m in merged.moves if m.repository == r.name]}
            for r in merged.repositories
        ],
        "by_model": dict(merged.by_model),
        "by_provider": dict(merged.by_provider),
        "by_shutdown_month": dict(merged.by_shutdown_month),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _move_json(move: Move) -> Mapping[str, Any]:
    return {"provider": move.provider, "model": move.model, "status": move.status,
            "shutdown": move.shutdown, "replacement": move.replacement,
            "manual_migration": move.manual_migration, "findings": move.findings}


def render_markdown(merged: Merged) -> str:
    lines = [
        "## modelguard: models to move across repositories",
        "",
        f"{merged.findings} finding(s) in {len(merged.repositories)} repositor"
        f"{'y' if len(merged.repositories) == 1 else 'ies'} from {merged.reports} report(s)"
        + (f"; {merged.duplicates} duplicate(s) counted once" if merged.duplicates else "")
        + ".",
        "",
    ]
    if merged.moves:
        lines += ["### Must move, soonest first", "",
                  "| Shutdown | Repository | Model | Status | Replacement | Findings |",
                  "|---|---|---|---|---|---:|"]
        lines += [
            f"| {m.shutdown or 'no date'} | {cell(m.repository)} | {code(m.model)} "
            f"({cell(m.provider)}) | {m.status} | "
            f"{code(m.replacement) if m.replacement else '—'}"
            f"{f' (manual migration: {cell(m.manual_migration)})' if m.manual_migration else ''}"
            f" | {m.findings} |"
            for m in merged.moves
        ]
        lines.append("")
    lines += ["### Per repository", "", "| Repository | Commit(s) | Findings |", "|---|---|---:|"]
    lines += [f"| {cell(r.name)} | {', '.join(c[:12] for c in r.commits) or '—'} | "
              f"{r.findings} |" for r in merged.repositories]
    for label, rows in (("Model", merged.by_model), ("Provider", merged.by_provider),
                        ("Shutdown month", merged.by_shutdown_month)):
        if rows:
            lines += ["", f"### Per {label.lower()}", "", f"| {label} | Findings |", "|---|---:|"]
            lines += [f"| {cell(key)} | {value} |" for key, value in rows]
    return "\n".join(lines) + "\n"
