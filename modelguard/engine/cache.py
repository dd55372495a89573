"""Per-file scan results kept between runs in `.modelguard_cache/`.

What is kept is what the scanner saw before any date was applied: the hits (id as written,
span, entry, context, fix class) and the suppression comments of each file, keyed by the
SHA-256 of its bytes. Lifecycles are computed at report time, so changing `--as-of`,
`--warn-within`, `--select` or `--fail-on` reuses the cache; changing the file, the registry
data, the providers chosen or modelguard itself does not (they are in the cache key).

Next to the entries sits a stat index, like git's: path → (size, mtime, inode, ctime, digest),
so a warm run finds an unchanged file's entry without reading it. A stat is recorded only when
the file's mtime and ctime are older than the start of the run that read it by RACY_MARGIN_NS
(git's "racily clean" rule): an edit made after the read then always shows in the mtime, even
on file systems with coarse timestamps, and an edit that keeps size and mtime (`touch -d`,
`cp -p`) still changes the ctime. Anything else is read and hashed.

The cache is a hint, never trusted: a file that cannot be read or does not match its key is
ignored and rebuilt, an entry that does not decode is scanned again, and the file is replaced
atomically so a reader never sees half of it. Everything lives in one file per key, read once
and written once per run.

Loading checks the whole file before any of it is used: its size (MAX_CACHE_SIZE), its JSON
(nesting too deep is a load error like any other), every field's type, and that the stat index
agrees with itself. A file that fails is discarded whole, `discarded` says why (the caller
warns once), and the run scans as if there were no cache; a damaged stat record is dropped on
its own, and an index that contradicts itself is dropped whole while the entries, each checked
by digest against the bytes read, stay. The stat index is the one part used
without reading the file it names, so a damaged index could hand a file another file's
entry; what cannot be verified without reading is bounded by what must hold for true records:
the same digest always stands for the same bytes, so every record naming a digest gives the
same size, and only an empty file has the digest of no bytes (an empty file is never looked
up in the index: reading it costs nothing). An index saying every file is empty fails both.
A cache written on purpose to lie (a wrong entry under a true digest) is not caught: whoever
can write `.modelguard_cache` can edit the code being checked too (`--no-cache` trusts
nothing).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelguard import __version__
from modelguard.defaults import MAX_CACHE_SIZE
from modelguard.files import keep_newest, write_atomic
from modelguard.findings import FixSafety
from modelguard.registry.index import Match, ModelIndex
from modelguard.scan import HitGroup
from modelguard.scan.hits import Hit, Span, Suppressions

CACHE_DIR = ".modelguard_cache"
FORMAT = 4
KEEP = 8  # result files (one per key) kept in the folder
EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()

# A file's stat is trusted only when it is older than the run that recorded it by this much
# (FAT keeps mtimes to 2 s; local clocks and file system clocks agree far better than that).
RACY_MARGIN_NS = 2_000_000_000

# As stored (JSON): 0 for a file with nothing in it, {"error": message}, or
# {"groups": [[cell or null, [[cell line, file line], ...], hits, suppressions], ...]}; an error
# with hits (a file that does not parse) is {"error": message, "groups": [...]}.
Entry = Any

# size, mtime_ns, inode, ctime_ns
Stat = tuple[int, int, int, int]


def stat_of(result: os.stat_result) -> Stat:
    return (result.st_size, result.st_mtime_ns, result.st_ino, result.st_ctime_ns)


def settled(stat: Stat, started_ns: int, margin_ns: int = RACY_MARGIN_NS) -> bool:
    """May `stat`, taken by a run that started at `started_ns`, stand for the bytes that run
    read? Only when the file was last changed well before the run began."""
    return stat[1] < started_ns - margin_ns and stat[3] < started_ns - margin_ns


@dataclass(frozen=True, slots=True)
class CachedScan:
    groups: tuple[HitGroup, ...]


@dataclass(frozen=True, slots=True)
class CachedError:
    message: str
    groups: tuple[HitGroup, ...] = ()


def project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding `.git` or `pyproject.toml`, else `start`."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / "pyproject.toml").is_file():
            return folder
    return start


def code_fingerprint(
    package: str = os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
) -> str:
    """modelguard's own sources, by name, size and mtime: a scanner edited without a version
    bump still invalidates (a stat per file, not a read: this runs on every check)."""
    digest = hashlib.sha256(__version__.encode())
    folders = [package]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                status = entry.stat()
                digest.update(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
            elif entry.is_dir() and entry.name != "__pycache__":
                folders.append(entry.path)
    return digest.hexdigest()


def cache_key(index: ModelIndex) -> str:
    text = f"{FORMAT}\n{code_fingerprint()}\n{index.fingerprint}"
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """The entries of one cache key: loaded once, looked up by digest, saved once.

    Stored as JSON: the digests, the entries in the same order, the paths of the stat index,
    and one flat list of five numbers per path (size, mtime, inode, ctime, and the position of
    its digest): flat numbers decode several times faster than a list per file."""

    def __init__(
        self,
        path: Path,
        key: str,
        entries: dict[str, Entry],
        paths: Sequence[str] = (),
        numbers: list[Any] | None = None,
        *,
        started_ns: int | None = None,
        margin_ns: int = RACY_MARGIN_NS,
        discarded: str | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.read_only = read_only  # `save` writes nothing (a run that only reads the cache)
        self.discarded = discarded  # why the stored file was not used (or not all of it)
        self.key = key
        self.entries = entries  # digest → entry, in stored order
        self.digests = list(entries)  # the positions the stat records name
        # path → where its five numbers start in `numbers`
        self.offsets = dict(zip(paths, range(0, 5 * len(paths), 5), strict=True))
        self.numbers: list[Any] = numbers if numbers is not None else []
        self.started_ns = time.time_ns() if started_ns is None else started_ns
        self.margin_ns = margin_ns
        self.added: dict[str, Entry] = {}
        self.seen: dict[str, tuple[Stat, str]] = {}
        self.used: set[str] = set()  # digests of the files this run read
        self.gone: list[str] = []  # recorded files this run found no more (forget_unlisted)

    @classmethod
    def load(cls, directory: Path, index: ModelIndex, *,
             margin_ns: int = RACY_MARGIN_NS, read_only: bool = False) -> ResultCache:
        started = time.time_ns()  # before any file is looked at
        key = cache_key(index)
        path = directory / f"results-{key[:16]}.json"
        try:
            entries, paths, numbers, partly = _read(path, key)
        except CacheDamaged as error:
            return cls(path, key, {}, started_ns=started, margin_ns=margin_ns,
                       discarded=f"{path}: {error}; discarded, every file is scanned again",
                       read_only=read_only)
        return cls(path, key, entries, paths, numbers, started_ns=started, margin_ns=margin_ns,
                   discarded=partly, read_only=read_only)

    def known_paths(
        self, paths: Iterable[str], limit: Callable[[str], int], smallest: int
    ) -> dict[int, Entry]:
        """The entries of the files, by position, whose stat is the one the index recorded
        with their digest, and that are no larger than `limit(path)` (never less than
        `smallest`); any other file must be read and hashed. Files the index does not list are
        not even looked at."""
        found: dict[int, Entry] = {}
        offsets, numbers, stat = self.offsets, self.numbers, os.stat
        for number, path in enumerate(paths):
            at = offsets.get(path)
            if at is None:
                continue
            try:
                status = stat(path)
            except OSError:
                continue
            size = status.st_size
            if (
                size > 0  # an empty file is read: cheaper than trusting a record for it
                and numbers[at] == size and numbers[at + 1] == status.st_mtime_ns
                and numbers[at + 2] == status.st_ino and numbers[at + 3] == status.st_ctime_ns
                and (size <= smallest or size <= limit(path))
            ):
                entry = self._entry(numbers[at + 4])
                if entry is not None:
                    found[number] = entry
        return found

    def _entry(self, position: object) -> Entry | None:
        if type(position) is not int or not 0 <= position < len(self.digests):
            return None
        return self.entries[self.digests[position]]

    def add(self, digest: str, entry: Entry) -> None:
        self.added[digest] = entry

    def remember(self, path: str, stat: Stat, digest: str) -> None:
        """`path` (absolute) had `stat` when its bytes hashed to `digest`."""
        self.used.add(digest)
        if settled(stat, self.started_ns, self.margin_ns):
            self.seen[path] = (stat, digest)

    def forget_unlisted(self, folders: tuple[str, ...], listed: Collection[str]) -> None:
        """`folders` (absolute, each ending in a separator) are folders this run lists whole,
        `listed` every file it lists: a file recorded in one of those folders that the run
        does not list was deleted or is now excluded, and is forgotten when the cache is
        saved. So is any entry that no recorded file and no file of this run has: the cache
        follows the project instead of growing with every edit."""
        self.gone = [path for path in self.offsets
                     if path.startswith(folders) and path not in listed]

    def save(self) -> None:
        """Write the old entries and the new, atomically; a cache that cannot be written is
        not an error (the next run scans again)."""
        if self.read_only:
            return
        gone = self.gone
        changed = {path: (list(stat), digest) for path, (stat, digest) in self.seen.items()
                   if path not in self.offsets or self._recorded(path) != (list(stat), digest)}
        if not self.added and not gone and not changed:
            return
        records = {}
        for path in self.offsets:
            stat, digest = self._recorded(path)
            if digest is not None:  # a damaged record is dropped, not carried over
                records[path] = (stat, digest)
        for path in gone:
            records.pop(path, None)
        records.update(changed)
        kept = {digest for _, digest in records.values()} | self.used | self.added.keys()
        merged = {digest: entry for digest, entry in {**self.entries, **self.added}.items()
                  if digest in kept}
        position = {digest: number for number, digest in enumerate(merged)}
        stats = {path: [*stat, position[digest]] for path, (stat, digest) in records.items()}
        payload = json.dumps({"format": FORMAT, "key": self.key, "digests": list(merged),
                              "files": list(merged.values()), "paths": list(stats),
                              "stats": [n for record in stats.values() for n in record]},
                             separators=(",", ":"))
        try:
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.is_file():
                write_atomic(ignore, "# Created by modelguard.\n*\n")
            write_atomic(self.path, payload)
            # Each modelguard version, registry or provider choice has its own file.
            keep_newest(directory, "results-*.json", KEEP)
        except OSError:
            return
        self.entries = merged
        self.digests = list(merged)
        self.offsets = dict(zip(stats, range(0, 5 * len(stats), 5), strict=True))
        self.numbers = [n for record in stats.values() for n in record]
        self.added = {}
        self.seen = {}
        self.gone = []

    def _recorded(self, path: str) -> tuple[list[Any], str | None]:
        at = self.offsets[path]
        position = self.numbers[at + 4]
        valid = type(position) is int and 0 <= position < len(self.digests)
        return self.numbers[at:at + 4], self.digests[position] if valid else None


class CacheDamaged(Exception):
    """The stored cache file cannot be used; the message is one line."""


def _read(path: Path, key: str) -> tuple[dict[str, Entry], list[str], list[Any], str | None]:
    """The entries by digest, the paths of the stat index, its numbers, and why some of the
    stored file was left out (None: none was); all empty when the file is missing. Raise
    CacheDamaged when it is there but cannot be used at all."""
    limit = MAX_CACHE_SIZE
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        return {}, [], [], None
    except OSError as error:
        raise CacheDamaged(f"cannot read: {error.strerror or error}") from None
    if len(raw) > limit:
        raise CacheDamaged(f"larger than {limit} bytes")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise CacheDamaged("nested too deeply") from None
    except ValueError as error:  # UnicodeDecodeError included
        raise CacheDamaged(f"not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        raise CacheDamaged(f"not a format {FORMAT} cache of this key")
    digests, files = data.get("digests"), data.get("files")
    paths, stats = data.get("paths"), data.get("stats")
    if (
        not isinstance(digests, list)
        or not isinstance(files, list)
        or len(digests) != len(files)
        or not all(type(digest) is str for digest in digests)
        or len(set(digests)) != len(digests)  # positions would shift
        or not isinstance(paths, list)
        or not all(type(name) is str for name in paths)
        or len(set(paths)) != len(paths)
        or not isinstance(stats, list)
        or len(stats) != 5 * len(paths)
    ):
        raise CacheDamaged("fields of the wrong type or length")
    entries = dict(zip(digests, files, strict=True))
    kept_paths, kept_stats = _sound_records(paths, stats, len(digests))
    dropped = len(paths) - len(kept_paths)
    try:
        _check_index(digests, kept_stats)
    except CacheDamaged as error:  # the entries are checked by digest: only the index goes
        return entries, [], [], f"{path}: {error}; stat index discarded, every file is read"
    if dropped:
        return (entries, kept_paths, kept_stats,
                f"{path}: {dropped} damaged stat record(s) dropped; those files are read")
    return entries, kept_paths, kept_stats, None


def _sound_records(paths: list[str], stats: list[Any], entries: int
                   ) -> tuple[list[str], list[int]]:
    """The stat records of five whole numbers naming a stored entry, and their paths."""
    kept_paths: list[str] = []
    kept_stats: list[int] = []
    for number, name in enumerate(paths):
        record = stats[5 * number:5 * number + 5]
        if all(type(n) is int and n >= 0 for n in record) and record[4] < entries:
            kept_paths.append(name)
            kept_stats.extend(record)
    return kept_paths, kept_stats


def _check_index(digests: Sequence[str], stats: Sequence[int]) -> None:
    """Raise CacheDamaged unless the same digest always comes with the same size, and the
    digest of no bytes only with size 0: what every true record satisfies (see the module
    docstring)."""
    sizes: dict[int, int] = {}
    for at in range(0, len(stats), 5):
        size, position = stats[at], stats[at + 4]
        if sizes.setdefault(position, size) != size:
            raise CacheDamaged(f"the stat index gives one digest two sizes ({digests[position]})")
        if (size == 0) != (digests[position] == EMPTY_DIGEST):
            raise CacheDamaged("the stat index gives an empty file's digest a size, or none")


def encode(groups: tuple[HitGroup, ...]) -> Entry:
    if not groups:
        return 0
    return {"groups": _encode_groups(groups)}


def _encode_groups(groups: tuple[HitGroup, ...]) -> list[list[Any]]:
    return [[g.cell, sorted(g.file_lines.items()), _encode_hits(g.hits),
                        _encode_suppressions(g.suppressions)] for g in groups]


def _encode_hits(hits: tuple[Hit, ...]) -> list[list[Any]]:
    return [
        [h.span.line, h.span.column, h.span.end_line, h.span.end_column, h.written,
         h.match.entry.provider, h.match.entry.id, h.match.prefix, h.fix.value, h.context,
         h.lines[0], h.lines[1], h.match.qualifier, h.match.suffix, h.match.separator,
         h.match.fine_tune, h.match.route]
        for h in hits
    ]


def _encode_suppressions(suppressions: Suppressions) -> list[list[Any]]:
    return [[line, None if codes is None else sorted(codes)]
            for line, codes in sorted(suppressions.items())]


def encode_error(message: str, groups: tuple[HitGroup, ...] = ()) -> Entry:
    if not groups:
        return {"error": message}
    return {"error": message, "groups": _encode_groups(groups)}


def decode(entry: Entry, index: ModelIndex) -> CachedScan | CachedError | None:
    """The cached outcome, or None when the entry is not one this index can read."""
    try:
        if entry == 0 and not isinstance(entry, bool):
            return CachedScan(())
        if not isinstance(entry, Mapping):
            return None
        if set(entry) == {"error"} and isinstance(entry["error"], str):
            return CachedError(entry["error"])
        groups = _decode_groups(entry["groups"], index)
        if groups is None:
            return None
        if set(entry) == {"error", "groups"}:
            return CachedError(_text(entry["error"]), groups)
        return CachedScan(groups)
    except (KeyError, TypeError, ValueError):
        return None


def _decode_groups(stored: Any, index: ModelIndex) -> tuple[HitGroup, ...] | None:
    groups = []
    for cell, file_lines, rows, ignore in stored:
        hits = _decode_hits(rows, index)
        if hits is None:
            return None
        suppressions: Suppressions = {}
        for line, codes in ignore:
            suppressions[_int(line)] = (
                None if codes is None else frozenset(_text(code) for code in codes)
            )
        groups.append(HitGroup(hits, suppressions, None if cell is None else _int(cell),
                               {_int(line): _int(at) for line, at in file_lines}))
    return tuple(groups)


def _decode_hits(rows: Any, index: ModelIndex) -> tuple[Hit, ...] | None:
    hits = []
    for row in rows:
        line, column, end_line, end_column, written, provider, entry_id, prefix, fix, \
            context, first, last, qualifier, suffix, separator, fine_tune, route = row
        found = index.entry(_text(provider), _text(entry_id))
        if found is None:
            return None
        hits.append(Hit(Span(_int(line), _int(column), _int(end_line), _int(end_column)),
                        _text(written),
                        Match(found, _text(prefix), _text(qualifier), _text(suffix),
                              _text(separator), fine_tune is True, _text(route)),
                        FixSafety(fix),
                        _text(context), (_int(first), _int(last))))
    return tuple(hits)


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
