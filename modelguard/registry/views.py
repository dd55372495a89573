"""Pure views of registry data for the `registry list`, `show` and `diff` commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from modelguard.defaults import WARN_WITHIN_DAYS
from modelguard.registry.chain import follow
from modelguard.registry.index import Match
from modelguard.registry.lifecycle import Status, lifecycle
from modelguard.registry.load import ModelEntry, ParameterFact, Provider


def shutdown_text(entry: ModelEntry) -> str:
    """The shutdown day as a report should say it: bounds and estimates are not days, and a day
    only an aggregator gives is not the provider's word."""
    if entry.shutdown is None:
        return ""
    marks = [m for m, on in (("estimated", entry.shutdown_qualifier == "estimated"),
                             ("aggregator", entry.dates_from == "aggregator")) if on]
    day = f"not before {entry.shutdown}" if entry.shutdown_qualifier == "not_before" else (
        str(entry.shutdown))
    return f"{day} ({', '.join(marks)})" if marks else day


def reading(written: str, match: Match) -> str:
    """How `lookup` read `written`: each part as written, and what selected the provider."""
    maker = match.entry.provider
    parts = []
    if match.prefix:
        known = (f"selects {match.route}" if match.route
                 else "ends in a fine-tune lead" if match.fine_tune
                 else "not in the registry: read before an id with a digit, '.' or '-'")
        parts.append(f"prefix {match.prefix!r} ({known})")
    if match.qualifier:
        parts.append(f"region qualifier {match.qualifier!r} ({maker})")
    at = len(match.prefix) + len(match.qualifier)
    as_written = written[at:len(written) - len(match.suffix)]
    if match.separator:
        parts.append(f"id {as_written!r} ({maker}'s {match.entry.id!r} spelled with "
                     f"{match.separator!r} before the date)")
    else:
        parts.append(f"id {as_written!r}")
    if match.fine_tune:
        parts.append(f"fine-tune name {match.suffix!r} (a model trained from the id)")
    return " + ".join(parts)


@dataclass(frozen=True, slots=True)
class Row:
    entry: ModelEntry
    status: Status
    days_left: int | None

    def as_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "provider": e.provider,
            "id": e.id,
            "aliases": list(e.aliases),
            "announced": e.announced.isoformat() if e.announced else None,
            "shutdown": e.shutdown.isoformat() if e.shutdown else None,
            "shutdown_qualifier": e.shutdown_qualifier if e.shutdown else None,
            "dates_from": e.dates_from,
            "replacement": e.replacement,
            "endpoints": list(e.endpoints),
            "source": e.source,
            "status": self.status.value,
            "days_left": self.days_left,
        }


def rows(
    providers: Iterable[Provider],
    as_of: dt.date,
    *,
    only_provider: str | None = None,
    only_status: Status | None = None,
    warn_within_days: int = WARN_WITHIN_DAYS,
    page_older_than_days: int | None = None,
) -> list[Row]:
    out = []
    for provider in providers:
        if only_provider is not None and provider.slug != only_provider:
            continue
        if page_older_than_days is not None and not page_older_than(
            provider, as_of, page_older_than_days
        ):
            continue
        for entry in provider.models:
            life = lifecycle(entry.announced, entry.shutdown, as_of, warn_within_days)
            if only_status is None or life.status is only_status:
                out.append(Row(entry, life.status, life.days_left))
    return out


def page_older_than(provider: Provider, as_of: dt.date, days: int) -> bool:
    """Whether the provider's file was last checked against a page version more than `days`
    before `as_of`; a file naming no page version is never known to be current."""
    version = provider.page_version
    return version is None or (as_of - version).days > days


def replacement_chain(provider: Provider, entry: ModelEntry) -> list[ModelEntry]:
    """The entries down `replacement` links after `entry`, stopping at a loop or a dead end."""
    by_name = {name.casefold(): e for e in provider.models for name in e.names}
    return list(follow(entry, lambda name: by_name.get(name.casefold())).successors)


# --- diff ---------------------------------------------------------------------------------

COMPARED = ("announced", "shutdown", "shutdown_qualifier", "replacement", "endpoints")


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    provider: str
    id: str
    field: str = ""  # for "changed"
    old: str = ""
    new: str = ""

    def line(self) -> str:
        if self.kind == "added":
            return f"+ {self.provider} {self.id}" + (f"  {self.new}" if self.new else "")
        if self.kind == "removed":
            return f"- {self.provider} {self.id}"
        return f"~ {self.provider} {self.id}  {self.field}: {self.old or '-'} -> {self.new or '-'}"


def _field(entry: ModelEntry, name: str) -> str:
    if name == "shutdown_qualifier" and entry.shutdown is None:
        return ""
    value = getattr(entry, name)
    if isinstance(value, tuple):  # endpoints
        return ", ".join(value)
    return "" if value is None else str(value)


def _summary(entry: ModelEntry) -> str:
    parts = [f"shutdown {shutdown_text(entry)}" if entry.shutdown else "no shutdown date"]
    if entry.replacement:
        parts.append(f"replacement {entry.replacement}")
    return ", ".join(parts)


def diff(old: Sequence[Provider], new: Sequence[Provider]) -> list[Change]:
    """Entries added, removed, and changed in dates, qualifier, replacement or endpoints, keyed by
    (provider, id); ordered by provider, then id, then field."""
    before = {(p.slug, e.id): e for p in old for e in p.models}
    after = {(p.slug, e.id): e for p in new for e in p.models}
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        provider, model_id = key
        was, now = before.get(key), after.get(key)
        if was is None:
            if now is not None:
                changes.append(Change("added", provider, model_id, new=_summary(now)))
        elif now is None:
            changes.append(Change("removed", provider, model_id))
        else:
            for name in COMPARED:
                a, b = _field(was, name), _field(now, name)
                if a != b:
                    changes.append(Change("changed", provider, model_id, name, a, b))
    return changes


# How well a search text matched, best first: the whole id or alias, its start, a part of it,
# the provider, or a near miss (a typo, a missing dash).
SEARCH_KINDS = ("exact", "prefix", "substring", "provider", "similar")
SIMILAR_AT_LEAST = 0.75


@dataclass(frozen=True, slots=True)
class SearchHit:
    row: Row
    matched: str  # the id, alias or provider name the text matched
    kind: str  # one of SEARCH_KINDS

    def as_json(self) -> dict[str, Any]:
        return {**self.row.as_json(), "matched": self.matched, "match": self.kind}


def _squashed(text: str) -> str:
    """Case, dashes, dots and spaces do not count when searching: `GPT4o` finds `gpt-4o`."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _kind(text: str, name: str) -> str | None:
    folded, squashed = name.casefold(), _squashed(name)
    wanted, wanted_squashed = text.casefold(), _squashed(text)
    if folded == wanted or (wanted_squashed and squashed == wanted_squashed):
        return "exact"
    if folded.startswith(wanted) or (wanted_squashed and squashed.startswith(wanted_squashed)):
        return "prefix"
    if wanted in folded or (wanted_squashed and wanted_squashed in squashed):
        return "substring"
    return None


def search(
    providers: Iterable[Provider],
    text: str,
    as_of: dt.date,
    *,
    only_provider: str | None = None,
    warn_within_days: int = WARN_WITHIN_DAYS,
) -> list[SearchHit]:
    """Entries whose id or alias contains `text` (ignoring case and punctuation), or whose
    provider's slug or name does, best matches first; only when none does, the entries whose
    id or alias is close to it (a typo), closest first."""
    import difflib

    chosen = tuple(providers)
    named = {p.slug: any(_kind(text, name) is not None for name in (p.slug, p.name))
             for p in chosen}
    found: list[tuple[int, float, SearchHit]] = []
    for row in rows(chosen, as_of, only_provider=only_provider,
                    warn_within_days=warn_within_days):
        best: tuple[int, float, str, str] | None = None
        for name in row.entry.names:
            kind = _kind(text, name)
            if kind is None:
                # A misspelt start of a longer id counts too: `claude-3-haikuu` is near
                # `claude-3-haiku-20240307`.
                wanted, squashed = _squashed(text), _squashed(name)
                whole, start = (difflib.SequenceMatcher(None, wanted, candidate).ratio()
                                for candidate in (squashed, squashed[:len(wanted)]))
                if max(whole, start) < SIMILAR_AT_LEAST:
                    continue
                kind, score = "similar", -max(whole, start) - whole / 100  # ties: whole id
            else:
                score = float(len(name))  # the shorter name is the closer match
            candidate = (SEARCH_KINDS.index(kind), score, name, kind)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None and named[row.entry.provider]:
            best = (SEARCH_KINDS.index("provider"), 0.0, row.entry.provider, "provider")
        if best is not None:
            rank, score, name, kind = best
            found.append((rank, score, SearchHit(row, name, kind)))
    if any(hit.kind != "similar" for _, _, hit in found):
        found = [item for item in found if item[2].kind != "similar"]
    found.sort(key=lambda item: (item[0], item[1], item[2].row.entry.provider,
                                 item[2].row.entry.id))
    return [hit for _, _, hit in found]


def describe_parameter_fact(fact: ParameterFact) -> str:
    """One line for `registry show`: `on chat: max_tokens -> max_completion_tokens; refuses
    temperature, top_p; one of temperature, top_p`."""
    parts = [f"{old} -> {new}" for old, new in fact.renamed]
    if fact.unsupported:
        parts.append("refuses " + ", ".join(fact.unsupported))
    parts.extend("only one of " + ", ".join(group) for group in fact.exclusive)
    return f"on {', '.join(fact.endpoints)}: " + "; ".join(parts)


def parameter_fact_json(fact: ParameterFact) -> dict[str, object]:
    return {"models": list(fact.models), "endpoints": list(fact.endpoints),
            "renamed": dict(fact.renamed), "unsupported": list(fact.unsupported),
            "exclusive": [list(group) for group in fact.exclusive],
            "source": fact.source, "notes": fact.notes}
