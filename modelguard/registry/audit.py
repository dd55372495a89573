"""`registry audit`: where the registry disagrees with LiteLLM's table and the providers' tables.

Pure functions: the registry, LiteLLM's dated records (read by `importer.read_litellm`), the
providers' own table rows (`tables.provider_tables`) and the allow-list go in; disagreements and
coverage figures come out. Nothing is written. A disagreement someone has checked is on the
allow-list (registry/audit-allow.toml) with the reason; the rest are the work to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelguard.registry.chain import follow
from modelguard.registry.importer import Lead, Upstream, rehome
from modelguard.registry.load import ModelEntry, Provider, Registry
from modelguard.registry.tables import PageRow
from modelguard.tomlcompat import tomllib

LITELLM = "litellm"  # the allow-list's name for LiteLLM's table; tables go by their file name
# What a disagreement is about:
# - unknown: the upstream dates an id the registry does not know
# - date: both date the id, on other days (the registry's day may be empty)
# - replacement: both name a replacement, and they name other models
# - provider: the upstream dates ids of a provider the registry has no file for
KINDS = ("unknown", "date", "replacement", "provider")
ANY_ID = "*"  # an allow-list `ids` item covering every id of the provider
MIN_REASON = 20  # characters: a reason says why, not "ok"
WINS = ("registry", "upstream", "neither")  # which side holds the fact, as far as it was checked
_ALLOW_KEYS = frozenset({"source", "provider", "kind", "ids", "wins", "reason"})


class AllowListError(Exception):
    """The allow-list cannot be used; each problem names the file, the entry and the field."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class Allowance:
    """A known disagreement: `kind` for `ids` of `provider` against `source`, and why."""

    source: str
    provider: str
    kind: str
    ids: frozenset[str]  # casefolded
    reason: str
    wins: str = "registry"

    def covers(self, item: Disagreement) -> bool:
        return (self.source == item.source and self.provider == item.provider
                and self.kind == item.kind
                and (ANY_ID in self.ids or item.id.casefold() in self.ids))


@dataclass(frozen=True, slots=True)
class Disagreement:
    provider: str  # our slug; for kind "provider", the upstream's own provider name
    id: str
    kind: str
    source: str  # LITELLM or a table file name
    theirs: str  # what the upstream says, as text
    ours: str  # what the registry says, as text
    reason: str | None = None  # the allow-list's reason, when it is on the list

    def as_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "id": self.id, "kind": self.kind,
                "source": self.source, "theirs": self.theirs, "ours": self.ours,
                "allowed": self.reason is not None, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Coverage:
    """LiteLLM's dated ids (model ids, not pricing keys) and how many the registry knows."""

    dated: int  # mapped ids plus the records of providers without a registry file
    known: int  # ids the registry knows
    agree: int  # known ids with the same shutdown day

    @property
    def known_share(self) -> float:
        return self.known / self.dated if self.dated else 1.0

    @property
    def agree_share(self) -> float:
        return self.agree / self.known if self.known else 1.0

    def as_json(self) -> dict[str, Any]:
        return {"dated": self.dated, "known": self.known, "agree": self.agree,
                "known_share": round(self.known_share, 4),
                "agree_share": round(self.agree_share, 4)}


@dataclass(frozen=True, slots=True)
class Audit:
    registry_version: str
    disagreements: tuple[Disagreement, ...]  # by provider, source, kind, id
    coverage: Coverage | None  # None without LiteLLM's table
    per_provider: Mapping[str, Coverage]  # LiteLLM coverage per provider of ours
    stale: tuple[Allowance, ...]  # allow-list entries (or ids) that match no disagreement

    @property
    def unexplained(self) -> tuple[Disagreement, ...]:
        return tuple(d for d in self.disagreements if d.reason is None)

    def as_json(self) -> dict[str, Any]:
        return {
            "registry": self.registry_version,
            "coverage": None if self.coverage is None else self.coverage.as_json(),
            "per_provider": {k: v.as_json() for k, v in self.per_provider.items()},
            "disagreements": [d.as_json() for d in self.disagreements],
            "unexplained": len(self.unexplained),
            "stale_allowances": [
                {"source": a.source, "provider": a.provider, "kind": a.kind,
                 "ids": sorted(a.ids)} for a in self.stale],
        }


# --- the allow-list ---------------------------------------------------------------------------


def read_allow_list(data: Mapping[str, Any], where: str) -> tuple[Allowance, ...]:
    """The `[[allow]]` entries of a parsed allow-list file; AllowListError names every problem."""
    problems: list[str] = []
    out = []
    for key in sorted(set(data) - {"allow"}):
        problems.append(f"{where}: unknown key {key!r}")
    raw = data.get("allow", [])
    if not isinstance(raw, list):
        raise AllowListError([f"{where}: allow: expected [[allow]] tables"])
    for number, item in enumerate(raw):
        at = f"{where}: allow[{number}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: expected a table")
            continue
        for key in sorted(set(item) - _ALLOW_KEYS):
            problems.append(f"{at}: unknown key {key!r}")
        texts = {}
        for key in ("source", "provider", "kind", "reason"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{at}: {key}: expected a non-empty string")
            texts[key] = value if isinstance(value, str) else ""
        if texts["kind"] and texts["kind"] not in KINDS:
            problems.append(f"{at}: kind: {texts['kind']!r} is not one of {', '.join(KINDS)}")
        wins = item.get("wins", "registry")
        if wins not in WINS:
            problems.append(f"{at}: wins: expected one of {', '.join(WINS)}")
        if texts["reason"].strip() and len(texts["reason"].strip()) < MIN_REASON:
            problems.append(f"{at}: reason: say why in at least {MIN_REASON} characters")
        ids = item.get("ids")
        if not isinstance(ids, list) or not ids or not all(
                isinstance(i, str) and i.strip() for i in ids):
            problems.append(f"{at}: ids: expected a non-empty list of ids (or [\"{ANY_ID}\"])")
            ids = []
        out.append(Allowance(texts["source"], texts["provider"], texts["kind"],
                             frozenset(str(i).casefold() for i in ids),
                             " ".join(texts["reason"].split()), str(wins)))
    if problems:
        raise AllowListError(problems)
    return tuple(out)


def load_allow_list(path: Path) -> tuple[Allowance, ...]:
    """Read and validate an allow-list file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise AllowListError([f"{path}: file not found"]) from None
    except OSError as error:
        raise AllowListError([f"{path}: cannot read: {error.strerror or error}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise AllowListError([f"{path}: not valid TOML ({error})"]) from None
    return read_allow_list(data, str(path))


# --- the comparison ---------------------------------------------------------------------------


def _names(provider: Provider | None) -> dict[str, ModelEntry]:
    if provider is None:
        return {}
    return {name.casefold(): entry for entry in provider.models for name in entry.names}


def _ours(entry: ModelEntry) -> str:
    if entry.shutdown is not None:
        qualifier = "" if entry.shutdown_qualifier == "exact" else f" ({entry.shutdown_qualifier})"
        return f"shutdown {entry.shutdown}{qualifier} ({entry.id})"
    if entry.announced is not None:
        return f"announced {entry.announced}, no shutdown ({entry.id})"
    return f"no dates ({entry.id})"


def _chain(names: Mapping[str, ModelEntry], entry: ModelEntry) -> list[ModelEntry]:
    return [entry, *follow(entry, lambda name: names.get(name.casefold())).successors]


def _replacement_agrees(names: Mapping[str, ModelEntry], entry: ModelEntry,
                        successors: Sequence[str]) -> bool:
    """Whether an upstream successor is a step of the registry's replacement chain, or the
    registry's replacement a step of the upstream successor's (one names a later model)."""
    assert entry.replacement is not None
    ours = names.get(entry.replacement.casefold())
    if ours is None:
        return any(s.casefold() == entry.replacement.casefold() for s in successors)
    our_chain = _chain(names, ours)
    for successor in successors:
        theirs = names.get(successor.casefold())
        if theirs is not None and (theirs in our_chain or ours in _chain(names, theirs)):
            return True
    return False


def _compare(source: str, provider: str, model_id: str, day: dt.date,
             successors: Sequence[str], names: Mapping[str, ModelEntry]) -> list[Disagreement]:
    entry = names.get(model_id.casefold())
    if entry is None:
        return [Disagreement(provider, model_id, "unknown", source, f"shutdown {day}",
                             "not in the registry")]
    found = []
    if entry.shutdown != day:
        # LiteLLM's deprecation_date is sometimes the day a model was deprecated, which the
        # registry (read from the provider's page) holds as `announced`: say so.
        theirs = f"shutdown {day}" + (" (the registry's announced day: a deprecation, not a "
                                      "shutdown)" if entry.announced == day else "")
        found.append(Disagreement(provider, model_id, "date", source, theirs, _ours(entry)))
    if successors and entry.replacement and not _replacement_agrees(names, entry, successors):
        found.append(Disagreement(provider, model_id, "replacement", source,
                                  f"replacement {' or '.join(successors)}",
                                  f"replacement {entry.replacement} ({entry.id})"))
    return found


def litellm_disagreements(upstream: Upstream, registry: Registry) -> list[Disagreement]:
    found = []
    for lead in _mapped(upstream, registry):
        if lead.shutdown is None:
            continue
        names = _names(registry.provider(lead.provider))
        if not names:
            found.append(Disagreement(lead.provider, lead.id, "unknown", LITELLM,
                                      f"shutdown {lead.shutdown}", "no provider file"))
            continue
        successors = [lead.successor] if lead.successor else []
        found += _compare(LITELLM, lead.provider, lead.id, lead.shutdown, successors, names)
    for name, count in upstream.unmapped:
        found.append(Disagreement(name, ANY_ID, "provider", LITELLM,
                                  f"{count} dated record{'' if count == 1 else 's'}",
                                  "no provider file"))
    return found


def table_disagreements(rows: Iterable[PageRow], registry: Registry) -> list[Disagreement]:
    found = []
    for row in rows:
        if row.provider is None:
            continue
        names = _names(registry.provider(row.provider))
        found += _compare(row.source, row.provider, row.id, row.shutdown, row.replacements, names)
    return found


def _mapped(upstream: Upstream, registry: Registry) -> list[Lead]:
    return [rehome(lead, registry) for lead in upstream.leads]


def coverage(upstream: Upstream, registry: Registry) -> tuple[Coverage, dict[str, Coverage]]:
    """How many of LiteLLM's dated ids the registry knows, and with the same day: overall
    (records of providers without a registry file count as unknown ids) and per provider."""
    tally: dict[str, list[int]] = {}
    for lead in _mapped(upstream, registry):
        if lead.shutdown is None:
            continue
        entry = _names(registry.provider(lead.provider)).get(lead.id.casefold())
        counts = tally.setdefault(lead.provider, [0, 0, 0])
        counts[0] += 1
        counts[1] += entry is not None
        counts[2] += entry is not None and entry.shutdown == lead.shutdown
    per = {slug: Coverage(*counts) for slug, counts in sorted(tally.items())}
    unmapped = sum(count for _, count in upstream.unmapped)
    overall = Coverage(sum(c.dated for c in per.values()) + unmapped,
                       sum(c.known for c in per.values()), sum(c.agree for c in per.values()))
    return overall, per


def _stale(allowed: Sequence[Allowance], found: Sequence[Disagreement],
           sources: frozenset[str]) -> tuple[Allowance, ...]:
    """Allow-list entries of a source that was read, narrowed to the ids nothing matched."""
    out = []
    for allowance in allowed:
        if allowance.source not in sources:
            continue
        matched = [d for d in found if allowance.covers(d)]
        if ANY_ID in allowance.ids:
            if not matched:
                out.append(allowance)
            continue
        hit = {d.id.casefold() for d in matched}
        left = allowance.ids - hit
        if left:
            out.append(Allowance(allowance.source, allowance.provider, allowance.kind,
                                 frozenset(left), allowance.reason, allowance.wins))
    return tuple(out)


def run_audit(registry: Registry, upstream: Upstream | None, rows: Sequence[PageRow],
              allowed: Sequence[Allowance]) -> Audit:
    """Every disagreement of `registry` with LiteLLM's table (`upstream`, optional) and with the
    providers' table rows, each marked with its allow-list reason where it has one."""
    found = [*(litellm_disagreements(upstream, registry) if upstream else []),
             *table_disagreements(rows, registry)]
    marked = []
    for item in found:
        allowance = next((a for a in allowed if a.covers(item)), None)
        marked.append(item if allowance is None else Disagreement(
            item.provider, item.id, item.kind, item.source, item.theirs, item.ours,
            allowance.reason))
    marked.sort(key=lambda d: (d.provider, d.source != LITELLM, d.source,
                               KINDS.index(d.kind), d.id.casefold()))
    sources = frozenset({row.source for row in rows} | ({LITELLM} if upstream else set()))
    overall, per = coverage(upstream, registry) if upstream else (None, {})
    return Audit(registry.version, tuple(marked), overall, per, _stale(allowed, found, sources))


# --- text -------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.1f}%)" if whole else f"{part} of 0"


def coverage_line(cover: Coverage) -> str:
    return (f"LiteLLM's dated ids known to the registry: {_share(cover.known, cover.dated)}; "
            f"known ids on the same day: {_share(cover.agree, cover.known)}")


def text_lines(result: Audit, show_allowed: bool = True) -> list[str]:
    """The audit per provider, for a terminal; the summary lines come last."""
    lines = [f"registry {result.registry_version}"]
    provider = None
    for item in result.disagreements:
        if item.reason is not None and not show_allowed:
            continue
        if item.provider != provider:
            provider = item.provider
            lines += ["", provider]
        mark = "allowed" if item.reason is not None else "NEW"
        lines.append(f"  {mark:7} {item.kind:11} {item.id}: {item.source} {item.theirs}; "
                     f"registry {item.ours}")
    lines.append("")
    for allowance in result.stale:
        lines.append(f"stale allow-list entry: {allowance.source} {allowance.provider} "
                     f"{allowance.kind}: {', '.join(sorted(allowance.ids))} no longer disagree")
    if result.coverage is not None:
        lines.append(coverage_line(result.coverage))
    total = len(result.disagreements)
    lines.append(f"{total} disagreements: {total - len(result.unexplained)} on the allow-list, "
                 f"{len(result.unexplained)} not")
    return lines
