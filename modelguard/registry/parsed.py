"""The bundled registry, parsed once: its TOML files take a fifth of a second to parse, a
stored copy a few milliseconds to read.

The copy lives in the user's cache folder (`$XDG_CACHE_HOME/modelguard`, like the synced
registry) as JSON, keyed by the SHA-256 of every registry file (name and bytes) and of the
parser's own source, so any edit to the data or to the parser makes a new key. Each key has
its own file and the KEEP newest are kept, so runs by different modelguard versions do not
evict each other's copy; runs from different folders share one (each names the provider files
from its own folder). A copy that cannot be read, does not match its key or does not decode is
ignored and rebuilt; one that cannot be written is simply not kept. Problems in the data are
never cached: a registry that does not load raises RegistryError from the TOML, every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from modelguard import __version__
from modelguard.defaults import MAX_CACHE_SIZE
from modelguard.files import display_path, keep_newest, write_atomic
from modelguard.registry import load as registry_mod
from modelguard.registry.load import ModelEntry, ParameterFact, Provider, Registry, load_registry

FORMAT = 5
FILE_PREFIX = "registry-parsed"
KEEP = 16


def registry_key(directory: Path) -> str:
    """Changes whenever a file of the registry folder or the parser changes. Not with the
    working folder: each provider's file is named from it when the copy is read."""
    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n".encode())
    digest.update(Path(registry_mod.__file__).read_bytes())
    for path in sorted(directory.glob("*.toml")):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_registry_cached(directory: Path, cache_folder: Path) -> Registry:
    """`load_registry(directory)`, served from `cache_folder` when a copy with the same key is
    there; raises RegistryError like `load_registry`."""
    try:
        key = registry_key(directory)
    except OSError:
        return load_registry(directory)  # reported, one line, by load_registry itself
    stored = cache_file(cache_folder, key)
    found = _read(stored, key)
    if found is not None:
        # The copy may come from a run in another folder: name the files from this one.
        folder = display_path(directory)
        return dataclasses.replace(found, providers=tuple(
            dataclasses.replace(p, path=Path(folder, Path(p.path).name).as_posix())
            for p in found.providers
        ))
    loaded = load_registry(directory)
    try:
        text = json.dumps({"key": key, "registry": to_data(loaded)}, separators=(",", ":"))
        cache_folder.mkdir(parents=True, exist_ok=True)
        write_atomic(stored, text.encode("utf-8"))
        # The pattern also matches the one unsuffixed file older versions wrote.
        keep_newest(cache_folder, f"{FILE_PREFIX}*.json", KEEP)
    except OSError:
        pass
    return loaded


def cache_file(cache_folder: Path, key: str) -> Path:
    return cache_folder / f"{FILE_PREFIX}-{key[:16]}.json"


def _read(path: Path, key: str) -> Registry | None:
    """The stored copy, or None (missing, damaged, too large: the TOML is parsed again)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CACHE_SIZE + 1)
        if len(raw) > MAX_CACHE_SIZE:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        found = from_data(data["registry"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return found if _well_typed(found) else None


def _well_typed(registry: Registry) -> bool:
    """Every field of the type it is declared with: a copy is used without the TOML's
    checks, so a damaged one must not reach the scan (or fail later with a traceback)."""
    def text(value: object, optional: bool = False) -> bool:
        return isinstance(value, str) or (optional and value is None)

    return isinstance(registry.version, str) and all(
        text(p.slug) and text(p.name) and text(p.path) and isinstance(p.match_bare, bool)
        and all(text(prefix) for prefix in p.prefixes)
        and all(
            text(m.provider) and text(m.id) and all(text(a) for a in m.aliases)
            and text(m.shutdown_qualifier) and text(m.dates_from)
            and text(m.replacement, True) and text(m.source, True) and text(m.notes, True)
            and all(text(e) for e in m.endpoints)
            for m in p.models)
        and all(text(e) for e in p.default_endpoints)
        for p in registry.providers)


def to_data(registry: Registry) -> dict[str, Any]:
    return {
        "version": registry.version,
        "providers": [
            {
                "slug": p.slug, "name": p.name, "prefixes": list(p.prefixes), "path": p.path,
                "match_bare": p.match_bare, "page_version": _iso(p.page_version),
                "qualifiers": list(p.qualifiers),
                "fine_tunes": list(p.fine_tunes), "date_separators": list(p.date_separators),
                "default_endpoints": list(p.default_endpoints),
                "parameters": [
                    [list(f.models), list(f.endpoints), [list(r) for r in f.renamed],
                     list(f.unsupported), [list(g) for g in f.exclusive], f.source, f.notes]
                    for f in p.parameters
                ],
                "models": [
                    [m.provider, m.id, list(m.aliases), _iso(m.announced), _iso(m.shutdown),
                     m.shutdown_qualifier, m.replacement, m.source, m.notes, m.dates_from,
                     list(m.endpoints)]
                    for m in p.models
                ],
            }
            for p in registry.providers
        ],
    }


def from_data(data: dict[str, Any]) -> Registry:
    providers = []
    for p in data["providers"]:
        models = tuple(
            ModelEntry(provider, id_, tuple(aliases), _date(announced), _date(shutdown),
                       qualifier, replacement, source, notes, dates_from, tuple(endpoints))
            for (provider, id_, aliases, announced, shutdown, qualifier, replacement, source, notes,
                 dates_from, endpoints) in p["models"]
        )
        providers.append(Provider(p["slug"], p["name"], tuple(p["prefixes"]), models, p["path"],
                                  p["match_bare"], _date(p["page_version"]),
                                  tuple(p["qualifiers"]), tuple(p["fine_tunes"]),
                                  tuple(p["date_separators"]),
                                  tuple(p["default_endpoints"]),
                                  tuple(ParameterFact(tuple(models), tuple(endpoints),
                                                      tuple((old, new) for old, new in renamed),
                                                      tuple(unsupported),
                                                      tuple(tuple(g) for g in exclusive),
                                                      source, notes)
                                        for (models, endpoints, renamed, unsupported, exclusive,
                                             source, notes) in p["parameters"])))
    return Registry(data["version"], tuple(providers))


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)
