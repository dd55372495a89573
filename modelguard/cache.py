"""Per-file scan results kept between runs in `.modelguard_cache/`.

What is kept is what the scanner saw before any date was applied: the hits (id as written,
span, entry, context, fix class) and the suppression comments of each file, keyed by the
SHA-256 of its bytes. Lifecycles are computed at report time, so changing `--as-of`,
`--warn-within`, `--select` or `--fail-on` reuses the cache; changing the file, the registry
data, the providers chosen or modelguard itself does not (they are in the cache key).

The cache is a hint, never trusted: a file that cannot be read or does not match its key is
ignored and rebuilt, an entry that does not decode is scanned again, and the file is replaced
atomically so a reader never sees half of it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelguard import __version__
from modelguard.atomic import write_atomic
from modelguard.findings import FixSafety
from modelguard.index import Match, ModelIndex
from modelguard.scan.hits import Hit, Span, Suppressions

CACHE_DIR = ".modelguard_cache"
FORMAT = 1

# As stored (JSON): 0 for a file with nothing in it, {"error": message}, or
# {"hits": [...], "ignore": [...]}.
Entry = Any


@dataclass(frozen=True, slots=True)
class CachedScan:
    hits: tuple[Hit, ...]
    suppressions: Suppressions


@dataclass(frozen=True, slots=True)
class CachedError:
    message: str


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding `.git` or `pyproject.toml`, else `start`."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / "pyproject.toml").is_file():
            return folder
    return start


def _code_fingerprint() -> str:
    """modelguard's own sources: a scanner edited without a version bump still invalidates."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(index: ModelIndex) -> str:
    text = f"{FORMAT}\n{_code_fingerprint()}\n{index.fingerprint}"
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """The entries of one cache key: loaded once, looked up by digest, saved once."""

    def __init__(self, path: Path, key: str, entries: dict[str, Entry]) -> None:
        self.path = path
        self.key = key
        self.entries = entries
        self.added: dict[str, Entry] = {}

    @classmethod
    def load(cls, directory: Path, index: ModelIndex) -> ResultCache:
        key = cache_key(index)
        path = directory / f"results-{key[:16]}.json"
        return cls(path, key, _read(path, key))

    def add(self, digest: str, entry: Entry) -> None:
        self.added[digest] = entry

    def save(self) -> None:
        """Write the old entries and the new, atomically; a cache that cannot be written is
        not an error (the next run scans again)."""
        if not self.added:
            return
        merged = {**self.entries, **self.added}
        payload = json.dumps({"format": FORMAT, "key": self.key, "files": merged},
                             separators=(",", ":"))
        try:
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.is_file():
                write_atomic(ignore, "# Created by modelguard.\n*\n")
            write_atomic(self.path, payload)
        except OSError:
            return
        self.entries = merged
        self.added = {}


def _read(path: Path, key: str) -> dict[str, Entry]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("key") != key
        or not isinstance(data.get("files"), dict)
    ):
        return {}
    return data["files"]  # type: ignore[no-any-return]


def encode(hits: tuple[Hit, ...], suppressions: Suppressions) -> Entry:
    if not hits and not suppressions:
        return 0
    return {
        "hits": [
            [h.span.line, h.span.column, h.span.end_line, h.span.end_column, h.written,
             h.match.entry.provider, h.match.entry.id, h.match.prefix, h.fix.value, h.context,
             h.lines[0], h.lines[1]]
            for h in hits
        ],
        "ignore": [[line, None if codes is None else sorted(codes)]
                   for line, codes in sorted(suppressions.items())],
    }


def encode_error(message: str) -> Entry:
    return {"error": message}


def decode(entry: Entry, index: ModelIndex) -> CachedScan | CachedError | None:
    """The cached outcome, or None when the entry is not one this index can read."""
    try:
        if entry == 0 and not isinstance(entry, bool):
            return CachedScan((), {})
        if not isinstance(entry, Mapping):
            return None
        if set(entry) == {"error"} and isinstance(entry["error"], str):
            return CachedError(entry["error"])
        hits = []
        for row in entry["hits"]:
            line, column, end_line, end_column, written, provider, entry_id, prefix, fix, \
                context, first, last = row
            found = index.entry(_text(provider), _text(entry_id))
            if found is None:
                return None
            hits.append(Hit(Span(_int(line), _int(column), _int(end_line), _int(end_column)),
                            _text(written), Match(found, _text(prefix)), FixSafety(fix),
                            _text(context), (_int(first), _int(last))))
        suppressions: Suppressions = {}
        for line, codes in entry["ignore"]:
            suppressions[_int(line)] = (
                None if codes is None else frozenset(_text(code) for code in codes)
            )
        return CachedScan(tuple(hits), suppressions)
    except (KeyError, TypeError, ValueError):
        return None


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def default_cache_dir(cwd: Path | None = None) -> Path:
    return project_root(cwd or Path(os.getcwd())) / CACHE_DIR
