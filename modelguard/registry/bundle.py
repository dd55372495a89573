"""The registry as one JSON bundle (what `registry export` writes and `registry sync` installs).

A bundle is validated by the same rules as the TOML files: its provider tables go through the
registry loader's parser, so a synced registry can never be looser than the bundled one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from modelguard.files import sha256_hex
from modelguard.registry.load import (
    SCHEMA,
    ModelEntry,
    ParameterFact,
    Provider,
    Registry,
    RegistryError,
    load_provider,  # the one parser for provider tables, shared with load_registry
)

BUNDLE_FORMAT = "modelguard-registry-bundle"
_DATE_FIELDS = ("announced", "shutdown")


def checksum_line(data: bytes, name: str) -> str:
    """The `sha256sum` format: '<hex>  <file name>'."""
    return f"{sha256_hex(data)}  {name}\n"


def parse_checksum(text: str) -> str | None:
    """The hex digest at the start of a `.sha256` file, or None if there is none."""
    match = re.match(r"\s*([0-9a-fA-F]{64})(?:\s|$)", text)
    return match.group(1).lower() if match else None


def version_key(version: str) -> tuple[int, ...]:
    """CalVer '2026.11.29' → (2026, 11, 29), comparable; unparsable parts count as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.\-]", version))


def _parameters_table(fact: ParameterFact) -> dict[str, Any]:
    """A `[[parameters]]` table as its file spells it (optional keys only when set)."""
    table: dict[str, Any] = {"models": list(fact.models), "endpoints": list(fact.endpoints)}
    if fact.renamed:
        table["renamed"] = dict(fact.renamed)
    if fact.unsupported:
        table["unsupported"] = list(fact.unsupported)
    if fact.exclusive:
        table["exclusive"] = [list(group) for group in fact.exclusive]
    table["source"] = fact.source
    if fact.notes is not None:
        table["notes"] = fact.notes
    return table


def _entry_table(entry: ModelEntry, default_endpoints: tuple[str, ...]) -> dict[str, Any]:
    table: dict[str, Any] = {"id": entry.id}
    if entry.aliases:
        table["aliases"] = list(entry.aliases)
    for key in _DATE_FIELDS:
        value = getattr(entry, key)
        if value is not None:
            table[key] = value.isoformat()
    if entry.shutdown is not None:
        table["shutdown_qualifier"] = entry.shutdown_qualifier
    if entry.dates_from != "provider":
        table["dates_from"] = entry.dates_from
    for key in ("replacement", "source", "notes"):
        value = getattr(entry, key)
        if value is not None:
            table[key] = value
    if entry.endpoints != default_endpoints:
        table["endpoints"] = list(entry.endpoints)
    return table


def to_bundle(registry: Registry) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "schema": SCHEMA,
        "version": registry.version,
        "priority": [p.slug for p in registry.providers],
        "providers": [
            {
                "provider": p.slug,
                "name": p.name,
                "prefixes": list(p.prefixes),
                "match_bare": p.match_bare,
                **({"page_version": p.page_version.isoformat()} if p.page_version else {}),
                "models": [_entry_table(e, p.default_endpoints) for e in p.models],
                # Only when set, so a bundle of a registry without them keeps its bytes.
                **{key: list(value) for key, value in (
                    ("qualifiers", p.qualifiers), ("fine_tunes", p.fine_tunes),
                    ("date_separators", p.date_separators),
                    ("default_endpoints", p.default_endpoints)) if value},
                **({"parameters": [_parameters_table(f) for f in p.parameters]}
                   if p.parameters else {}),
            }
            for p in registry.providers
        ],
    }


def bundle_bytes(registry: Registry) -> bytes:
    """Deterministic bytes: the same registry always gives the same checksum."""
    text = json.dumps(to_bundle(registry), ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _with_dates(raw: object, where: str, problems: list[str],
                keys: tuple[str, ...] = _DATE_FIELDS) -> object:
    """JSON has no date type: ISO strings in date fields become dates before validation."""
    if not isinstance(raw, dict):
        return raw
    table = dict(raw)
    for key in keys:
        value = table.get(key)
        if isinstance(value, str):
            try:
                table[key] = dt.date.fromisoformat(value)
            except ValueError:
                problems.append(f"{where} ({table.get('id')}): {key}: {value!r} is not a date")
                table.pop(key)
    return table


def registry_from_bundle(data: bytes, where: str = "bundle") -> Registry:
    """Parse and validate a bundle; raise RegistryError naming every problem."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RegistryError([f"{where}: not a JSON registry bundle ({error})"]) from None
    except RecursionError:
        raise RegistryError([f"{where}: not a registry bundle (nested too deeply)"]) from None
    if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
        raise RegistryError([f"{where}: not a modelguard registry bundle (format is missing)"])
    problems: list[str] = []
    if raw.get("schema") != SCHEMA:
        problems.append(f"{where}: schema: expected {SCHEMA}, got {raw.get('schema')!r}")
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        problems.append(f"{where}: version: expected a CalVer string such as '2026.11.24'")
        version = "unknown"
    tables = raw.get("providers")
    if not isinstance(tables, list):
        problems.append(f"{where}: providers: expected a list")
        tables = []
    providers: list[Provider] = []
    for number, table in enumerate(tables):
        label = f"{where}: providers[{number}]"
        if not isinstance(table, dict):
            problems.append(f"{label}: expected an object")
            continue
        models = table.get("models", [])
        fixed: Mapping[str, Any] = {**table, **_with_dates(
            {"page_version": table["page_version"]} if "page_version" in table else {},
            label, problems, ("page_version",))}  # type: ignore[dict-item]
        if isinstance(models, list):
            fixed = {
                **fixed,
                "models": [_with_dates(m, f"{label}.models[{i}]", problems)
                           for i, m in enumerate(models)],
            }
        try:
            providers.append(load_provider(fixed, label))
        except RegistryError as error:
            problems.extend(error.problems)
    slugs = [p.slug for p in providers]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.append(f"{where}: provider {slug!r} is defined twice")
    if problems:
        raise RegistryError(problems)
    priority = raw.get("priority", [])
    rank = {slug: i for i, slug in enumerate(priority)} if isinstance(priority, list) else {}
    ordered = sorted(providers, key=lambda p: (rank.get(p.slug, len(rank)), p.slug))
    return Registry(version=version, providers=tuple(ordered))

