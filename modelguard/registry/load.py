"""Registry data: provider TOML files → validated, immutable `Registry`.

Every problem found is collected (not just the first) and named by file, entry and field, so a
data PR can be fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from modelguard.files import display_path
from modelguard.registry.chain import follow

SCHEMA = 1
MANIFEST = "registry.toml"
# The data file of `registry audit` (known disagreements with upstream tables), not a provider.
AUDIT_ALLOW_LIST = "audit-allow.toml"
QUALIFIERS = ("exact", "not_before", "estimated")
# Where an entry's dates come from: the provider's own page, or an aggregator (LiteLLM's model
# table and the like) that cites it but was not checked against it.
DATES_FROM = ("provider", "aggregator")
# The APIs a model can be served on (registry/SCHEMA.md): one name per kind of request, the same
# for every provider, so a replacement on another kind of request is seen whoever serves it.
ENDPOINTS = (
    "chat", "responses", "completions", "edits", "embeddings", "images", "videos",
    "audio.speech", "audio.transcriptions", "realtime", "moderations", "rerank", "messages",
    "generate-content",
)
_PROVIDER_KEYS = frozenset(
    {"provider", "name", "prefixes", "match_bare", "page_version", "qualifiers", "fine_tunes",
     "date_separators", "default_endpoints", "models", "parameters"}
)
_PARAMETER_KEYS = frozenset(
    {"models", "endpoints", "renamed", "unsupported", "exclusive", "source", "notes"}
)
# A request parameter's name as the APIs spell it (`max_tokens`, `top_p`).
_PARAMETER_NAME = re.compile(r"[a-z][a-z0-9_]*")
_ENTRY_KEYS = frozenset(
    {"id", "aliases", "announced", "shutdown", "shutdown_qualifier", "dates_from", "replacement",
     "source", "notes", "endpoints"}
)
_MANIFEST_KEYS = frozenset({"schema", "version", "priority"})


@dataclass(frozen=True, slots=True)
class ModelEntry:
    provider: str
    id: str
    aliases: tuple[str, ...] = ()
    announced: dt.date | None = None
    shutdown: dt.date | None = None
    shutdown_qualifier: str = "exact"
    replacement: str | None = None
    source: str | None = None
    notes: str | None = None
    dates_from: str = "provider"
    # The APIs the model serves (values of ENDPOINTS), the provider's `default_endpoints` when
    # the entry names none; () when neither says (unknown: never a manual migration).
    endpoints: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


@dataclass(frozen=True, slots=True)
class ParameterFact:
    """What some models of a provider refuse in requests (a registry `[[parameters]]` table).

    `models` are ids or `fnmatch` globs (casefolded) matched against an entry's id and aliases;
    `renamed` maps a refused parameter to the one to send instead; `unsupported` are refused
    (or accepted only at their default value) with no stand-in; each `exclusive` group may be
    sent one at a time only."""

    models: tuple[str, ...]
    endpoints: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...] = ()
    unsupported: tuple[str, ...] = ()
    exclusive: tuple[tuple[str, ...], ...] = ()
    source: str = ""
    notes: str | None = None

    def covers(self, names: Sequence[str]) -> bool:
        """Whether one of `names` (an entry's id and aliases) matches one of `models`."""
        return any(fnmatch.fnmatchcase(name.casefold(), pattern.casefold())
                   for name in names for pattern in self.models)


@dataclass(frozen=True, slots=True)
class Provider:
    slug: str
    name: str
    prefixes: tuple[str, ...]
    models: tuple[ModelEntry, ...]
    path: str
    # False for resellers whose retired list names ids other platforms still serve: their
    # entries then match only behind their prefix or when the user selects the provider.
    match_bare: bool = True
    # The day of the newest version of the provider's own page(s) the file was checked against.
    page_version: dt.date | None = None
    # The rest of the id grammar (registry/SCHEMA.md): written before the id after any prefix
    # (Bedrock's region `us.`), before a base id that a fine-tune name follows (`ft:`), and in
    # place of the `-` before a trailing date (Vertex AI's `claude-3-5-sonnet@20240620`).
    qualifiers: tuple[str, ...] = ()
    fine_tunes: tuple[str, ...] = ()
    date_separators: tuple[str, ...] = ()
    # The endpoints of every entry that names none of its own.
    default_endpoints: tuple[str, ...] = ()
    # Request parameters some of its models refuse (`[[parameters]]`; rule MG005).
    parameters: tuple[ParameterFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Registry:
    version: str
    providers: tuple[Provider, ...]  # in lookup priority order
    # Where the data came from, for report headers: "bundled" (shipped with modelguard),
    # "synced" (installed by `registry sync`), or "file" (a folder or bundle named by
    # --registry or the configuration; `location` says which).
    origin: str = "file"
    location: str | None = None

    @property
    def label(self) -> str:
        """What a report header calls it: bundled, synced, or the file's path."""
        return self.location or self.origin if self.origin == "file" else self.origin

    def provider(self, slug: str) -> Provider | None:
        return next((p for p in self.providers if p.slug == slug), None)


class RegistryError(Exception):
    """The registry cannot be used; `problems` holds one self-contained line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def bundled_registry_dir() -> Path:
    """The data shipped with modelguard: inside the package when installed from a wheel, at the
    top of the source tree otherwise (editable installs and test runs)."""
    package = Path(__file__).parent.parent
    packaged = package / "_registry"
    if (packaged / MANIFEST).is_file():
        return packaged
    return package.parent / "registry"


def load_registry(directory: Path, extra_files: Iterable[Path] = ()) -> Registry:
    """Load and validate a registry folder (plus private provider files); raise RegistryError."""
    problems: list[str] = []
    manifest_path = directory / MANIFEST
    manifest = _read_toml(manifest_path, problems)
    version = "unknown"
    priority: list[str] = []
    if manifest is not None:
        where = display_path(manifest_path)
        for key in sorted(set(manifest) - _MANIFEST_KEYS):
            problems.append(f"{where}: unknown key {key!r}")
        if manifest.get("schema") != SCHEMA:
            problems.append(f"{where}: schema: expected {SCHEMA}, got {manifest.get('schema')!r}")
        raw_version = manifest.get("version")
        if isinstance(raw_version, str) and raw_version:
            version = raw_version
        else:
            problems.append(f"{where}: version: expected a CalVer string such as '2026.11.24'")
        raw_priority = manifest.get("priority", [])
        if _is_str_list(raw_priority):
            priority = list(raw_priority)
        else:
            problems.append(f"{where}: priority: expected a list of provider names")

    not_providers = {MANIFEST, AUDIT_ALLOW_LIST}
    files = sorted(p for p in directory.glob("*.toml") if p.name not in not_providers)
    providers: list[Provider] = []
    for path in [*files, *extra_files]:
        data = _read_toml(path, problems)
        if data is not None:
            provider = _parse_provider(display_path(path), data, problems)
            if provider is not None:
                providers.append(provider)

    by_slug: dict[str, Provider] = {}
    for provider in providers:
        if provider.slug in by_slug:
            problems.append(
                f"{provider.path}: provider: {provider.slug!r} is already defined in "
                f"{by_slug[provider.slug].path}"
            )
        else:
            by_slug[provider.slug] = provider
    for slug in priority if not problems else ():  # a broken file would be named twice
        if slug not in by_slug:
            problems.append(f"{display_path(manifest_path)}: priority: unknown provider {slug!r}")
    if problems:
        raise RegistryError(problems)
    rank = {slug: i for i, slug in enumerate(priority)}
    ordered = sorted(by_slug.values(), key=lambda p: (rank.get(p.slug, len(rank)), p.slug))
    return Registry(version=version, providers=tuple(ordered))


def extend_registry(registry: Registry, files: Iterable[Path]) -> Registry:
    """`registry` plus private provider files (same schema), after its own providers."""
    files = list(files)
    if not files:
        return registry
    problems: list[str] = []
    added: list[Provider] = []
    known = {p.slug: p.path for p in registry.providers}
    for path in files:
        try:
            provider = parse_provider_file(path)
        except RegistryError as error:
            problems.extend(error.problems)
            continue
        if provider.slug in known:
            problems.append(
                f"{provider.path}: provider: {provider.slug!r} is already defined in "
                f"{known[provider.slug]}"
            )
            continue
        known[provider.slug] = provider.path
        added.append(provider)
    if problems:
        raise RegistryError(problems)
    return replace(registry, providers=(*registry.providers, *added))


def load_provider(data: Mapping[str, Any], where: str) -> Provider:
    """One provider table (a parsed provider file, or a bundle's provider object), validated on
    its own by the schema and the file-internal rules; raise RegistryError naming every problem,
    each line starting with `where`."""
    problems: list[str] = []
    provider = _parse_provider(where, data, problems)
    if provider is None or problems:
        raise RegistryError(problems)
    return provider


def parse_provider_file(path: Path) -> Provider:
    """One provider TOML file on its own (not checked against any other file); raise
    RegistryError."""
    problems: list[str] = []
    data = _read_toml(path, problems)
    if data is None:
        raise RegistryError(problems)
    return load_provider(data, display_path(path))


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    from modelguard.tomlcompat import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(f"{display_path(path)}: file not found")
    except OSError as error:
        problems.append(f"{display_path(path)}: cannot read: {error.strerror}")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{display_path(path)}: invalid TOML: {error}")
    return None


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def _parse_provider(where: str, data: Mapping[str, Any], problems: list[str]) -> Provider | None:
    start = len(problems)
    for key in sorted(set(data) - _PROVIDER_KEYS):
        problems.append(f"{where}: unknown key {key!r}")
    slug = data.get("provider")
    if not isinstance(slug, str) or not slug:
        problems.append(f"{where}: provider: expected a non-empty string")
        slug = where
    name = data.get("name", slug)
    if not isinstance(name, str):
        problems.append(f"{where}: name: expected a string")
        name = slug
    prefixes = _grammar_list(data, "prefixes", where, problems, _PREFIX,
                             "strings ending in '/' or ':' (no spaces, no '://')")
    qualifiers = _grammar_list(data, "qualifiers", where, problems, _QUALIFIER,
                               "strings such as 'us.' (letters, digits, '-', ending in '.')")
    fine_tunes = _grammar_list(data, "fine_tunes", where, problems, _FINE_TUNE,
                               "strings such as 'ft:' (letters, digits, '-', '_', ending in ':')")
    date_separators = _grammar_list(data, "date_separators", where, problems, _SEPARATOR,
                                    "single characters such as '@'")
    match_bare = data.get("match_bare", True)
    if not isinstance(match_bare, bool):
        problems.append(f"{where}: match_bare: expected true or false")
        match_bare = True
    page_version = _date_field(data, "page_version", where, problems)
    default_endpoints = _endpoints(data, "default_endpoints", where, problems)
    raw_models = data.get("models", [])
    if not isinstance(raw_models, list):
        problems.append(f"{where}: models: expected an array of tables ([[models]])")
        raw_models = []

    entries: list[ModelEntry] = []
    labels: list[str] = []
    for number, raw in enumerate(raw_models):
        label = f"{where}: models[{number}]"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
            label += f" ({raw['id']})"
        entry = _parse_entry(slug, raw, label, problems, default_endpoints)
        if entry is not None:
            entries.append(entry)
            labels.append(label)
    _check_names(entries, labels, problems)
    if len(problems) == start:
        _check_replacements(entries, labels, problems)
    raw_parameters = data.get("parameters", [])
    if not isinstance(raw_parameters, list):
        problems.append(f"{where}: parameters: expected an array of tables ([[parameters]])")
        raw_parameters = []
    parameters = [fact for number, raw in enumerate(raw_parameters)
                  if (fact := _parse_parameters(raw, f"{where}: parameters[{number}]", entries,
                                                problems)) is not None]
    if len(problems) > start:
        return None
    return Provider(slug, name, tuple(prefixes), tuple(entries), where, match_bare,
                    page_version, tuple(qualifiers), tuple(fine_tunes), tuple(date_separators),
                    default_endpoints, tuple(parameters))


def _parameter_names(raw: Mapping[str, Any], key: str, label: str,
                     problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not _is_str_list(value) or not all(_PARAMETER_NAME.fullmatch(v) for v in value):
        problems.append(f"{label}: {key}: expected a list of parameter names such as 'top_p'")
        return ()
    return tuple(value)


def _parse_parameters(raw: object, label: str, entries: Sequence[ModelEntry],
                      problems: list[str]) -> ParameterFact | None:
    """One `[[parameters]]` table; None (with its problems) when it is wrong."""
    if not isinstance(raw, dict):
        problems.append(f"{label}: expected a table")
        return None
    start = len(problems)
    for key in sorted(set(raw) - _PARAMETER_KEYS):
        problems.append(f"{label}: unknown key {key!r}")
    models = raw.get("models")
    if not _is_str_list(models) or not models:
        problems.append(f"{label}: models: expected a non-empty list of ids or globs")
        models = []
    endpoints = _endpoints(raw, "endpoints", label, problems)
    if not endpoints and "endpoints" in raw and not problems[start:]:
        problems.append(f"{label}: endpoints: expected at least one endpoint")
    elif "endpoints" not in raw:
        problems.append(f"{label}: endpoints: expected the endpoints the fact holds on")
    renamed_raw = raw.get("renamed", {})
    renamed: list[tuple[str, str]] = []
    if not isinstance(renamed_raw, dict) or not all(
            isinstance(v, str) and _PARAMETER_NAME.fullmatch(k) and _PARAMETER_NAME.fullmatch(v)
            and k != v for k, v in renamed_raw.items()):
        problems.append(f"{label}: renamed: expected a table of old = \"new\" parameter names")
    else:
        renamed = sorted(renamed_raw.items())
    unsupported = _parameter_names(raw, "unsupported", label, problems)
    exclusive_raw = raw.get("exclusive", [])
    exclusive: list[tuple[str, ...]] = []
    if not isinstance(exclusive_raw, list) or not all(
            _is_str_list(group) and len(group) >= 2
            and all(_PARAMETER_NAME.fullmatch(v) for v in group) for group in exclusive_raw):
        problems.append(f"{label}: exclusive: expected a list of groups of two or more "
                        "parameter names")
    else:
        exclusive = [tuple(group) for group in exclusive_raw]
    if not (renamed or unsupported or exclusive) and not problems[start:]:
        problems.append(f"{label}: expected at least one of renamed, unsupported, exclusive")
    both = set(dict(renamed)) & set(unsupported)
    if both:
        problems.append(f"{label}: {sorted(both)[0]!r} is both renamed and unsupported")
    source = raw.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        problems.append(f"{label}: source: expected the https:// page that states the fact")
        source = ""
    notes = raw.get("notes")
    if notes is not None and (not isinstance(notes, str) or not notes):
        problems.append(f"{label}: notes: expected a non-empty string")
        notes = None
    fact = ParameterFact(tuple(models), endpoints, tuple(renamed), unsupported,
                         tuple(exclusive), source, notes)
    for pattern in fact.models:
        if not any(ParameterFact((pattern,), ()).covers(e.names) for e in entries):
            problems.append(f"{label}: models: {pattern!r} matches no entry of this provider")
    return fact if len(problems) == start else None


# The shapes of the id grammar's parts (see SCHEMA.md); `index.ModelIndex.lookup` relies on them.
_PREFIX = re.compile(r"(?!.*://)[^\s]*[/:]")
_QUALIFIER = re.compile(r"[a-z0-9-]+\.")
_FINE_TUNE = re.compile(r"[a-z0-9_-]+:")
_SEPARATOR = re.compile(r"[@+]")  # token characters (index._TOKEN), so prose finds them


def _grammar_list(data: Mapping[str, Any], key: str, where: str, problems: list[str],
                  shape: re.Pattern[str], expected: str) -> list[str]:
    value = data.get(key, [])
    if not _is_str_list(value) or not all(shape.fullmatch(item) for item in value):
        problems.append(f"{where}: {key}: expected a list of {expected}")
        return []
    return list(value)


def _endpoints(
    raw: Mapping[str, Any], key: str, label: str, problems: list[str]
) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not _is_str_list(value):
        problems.append(f"{label}: {key}: expected a list of endpoint names "
                        f"({', '.join(ENDPOINTS)})")
        return ()
    unknown = [name for name in value if name not in ENDPOINTS]
    if unknown:
        problems.append(f"{label}: {key}: unknown endpoint {unknown[0]!r} "
                        f"(expected one of {', '.join(ENDPOINTS)})")
        return ()
    if len(set(value)) != len(value):
        problems.append(f"{label}: {key}: an endpoint is named twice")
        return ()
    return tuple(value)


def _parse_entry(
    provider: str, raw: object, label: str, problems: list[str],
    default_endpoints: tuple[str, ...] = (),
) -> ModelEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"{label}: expected a table")
        return None
    for key in sorted(set(raw) - _ENTRY_KEYS):
        problems.append(f"{label}: unknown key {key!r}")
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id.strip() or model_id != model_id.strip():
        problems.append(f"{label}: id: expected a non-empty string without surrounding spaces")
        model_id = ""
    aliases = raw.get("aliases", [])
    if not _is_str_list(aliases):
        problems.append(f"{label}: aliases: expected a list of non-empty strings")
        aliases = []
    announced = _date_field(raw, "announced", label, problems)
    shutdown = _date_field(raw, "shutdown", label, problems)
    if announced is not None and shutdown is not None and shutdown < announced:
        problems.append(f"{label}: shutdown {shutdown} is before announced {announced}")
    qualifier = raw.get("shutdown_qualifier", "exact")
    if qualifier not in QUALIFIERS:
        problems.append(
            f"{label}: shutdown_qualifier: expected one of {', '.join(QUALIFIERS)}, "
            f"got {qualifier!r}"
        )
    dates_from = raw.get("dates_from", "provider")
    if dates_from not in DATES_FROM:
        problems.append(
            f"{label}: dates_from: expected one of {', '.join(DATES_FROM)}, got {dates_from!r}"
        )
    optional: dict[str, str | None] = {}
    for key in ("replacement", "source", "notes"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            problems.append(f"{label}: {key}: expected a non-empty string")
            value = None
        optional[key] = value
    endpoints: tuple[str, ...] = ()
    if "endpoints" in raw:
        endpoints = _endpoints(raw, "endpoints", label, problems)
    if raw.get("endpoints") == []:
        problems.append(f"{label}: endpoints: expected at least one endpoint (leave the key out "
                        "for the provider's default_endpoints)")
    source = optional["source"]
    if (announced or shutdown) and not (source and source.startswith("https://")):
        problems.append(f"{label}: source: a deprecated entry needs an https:// source URL")
    if optional["replacement"] == model_id or optional["replacement"] in aliases:
        problems.append(f"{label}: replacement: a model cannot replace itself")
    if not model_id:
        return None
    # Returned even when a field was wrong, so duplicate names are still checked against it.
    return ModelEntry(
        provider=provider,
        id=model_id,
        aliases=tuple(aliases),
        announced=announced,
        shutdown=shutdown,
        shutdown_qualifier=str(qualifier),
        replacement=optional["replacement"],
        source=source,
        notes=optional["notes"],
        dates_from=str(dates_from),
        endpoints=endpoints or default_endpoints,
    )


def _date_field(
    raw: Mapping[str, Any], key: str, label: str, problems: list[str]
) -> dt.date | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        problems.append(f"{label}: {key}: expected a TOML date such as 2025-07-14, got {value!r}")
        return None
    return value


def _check_names(entries: Sequence[ModelEntry], labels: Sequence[str], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for entry, label in zip(entries, labels, strict=True):
        for name in entry.names:
            if name in seen:
                problems.append(f"{label}: id {name!r} is already used by {seen[name]}")
            else:
                seen[name] = label


def _check_replacements(
    entries: Sequence[ModelEntry], labels: Sequence[str], problems: list[str]
) -> None:
    by_name = {name: entry for entry in entries for name in entry.names}
    loops: set[frozenset[str]] = set()
    for entry, label in zip(entries, labels, strict=True):
        if entry.replacement is None:
            continue
        if entry.replacement not in by_name:
            problems.append(
                f"{label}: replacement: {entry.replacement!r} is not a model of this provider"
            )
            continue
        chain = follow(entry, by_name.get)
        if chain.loops_to is not None:
            ids = [entry.id, *(successor.id for successor in chain.successors)]
            members = frozenset(ids[ids.index(chain.loops_to.id):])
            if members not in loops:  # one problem per loop, named at its first entry
                loops.add(members)
                loop = " -> ".join([*ids, chain.loops_to.id])
                problems.append(f"{label}: replacement: chain loops: {loop}")
