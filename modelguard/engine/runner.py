"""Run the scan over files, serially or on a process pool; every outcome is data, never an
exception.

After LibCST's `_cli.py`: paths are deduplicated; a few files (or one job) run lazily in this
process (LibCST uses a `DummyExecutor`; a plain `map` keeps results streaming); each worker
gets one frozen `WorkerConfig` (the index, whose compiled patterns pickle, and the cache
entries) once, through the pool initializer. Results come back in the order of the files
given, whatever the order of completion. libcst is imported by a worker when a file needs it,
not before the fork: most runs parse few lines, and the workers import it side by side.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from modelguard.defaults import NOTEBOOK_SIZE_FACTOR
from modelguard.engine import cache as cache_mod
from modelguard.files import display_path, sha256_hex
from modelguard.findings import Failed, FileResult, Scanned, Skipped
from modelguard.registry.index import ModelIndex
from modelguard.report.own import own_file
from modelguard.scan import (
    NOTEBOOK_SUFFIX,
    ScanError,
    ScanSettings,
    findings_from_groups,
    scan_groups,
    suppression_notes,
)

# A NUL byte in the first block marks a binary file (git's heuristic).
_BINARY_PROBE = 8000

# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_JOB = 32
MAX_CHUNK = 64

def scan_file(path: Path, index: ModelIndex, settings: ScanSettings) -> FileResult:
    return _Worker(WorkerConfig(index, settings, {})).scan(
        (os.path.abspath(path), display_path(path))
    ).result


# What a caller does with a file a worker has just scanned, while its bytes are at hand:
# (path as shown, bytes, result) -> anything that pickles. `fix` rewrites there the files whose
# findings make edits, so that no file is read and scanned a second time to be rewritten.
AfterScan = Callable[[str, bytes, Scanned | Failed], object]


@dataclass(frozen=True)
class WorkerConfig:
    index: ModelIndex
    settings: ScanSettings
    cached: Mapping[str, cache_mod.Entry]  # content digest → stored entry (empty: no cache)
    use_cache: bool = False
    after: AfterScan | None = None


# A file to scan: its absolute path (for I/O) and its path as reports show it.
Item = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    result: FileResult
    digest: str | None = None
    new_entry: cache_mod.Entry = None  # to store under `digest`; None when nothing is new
    stat: cache_mod.Stat | None = None  # the file's stat when its bytes hashed to `digest`
    after: object = None  # what WorkerConfig.after made of the file (None: not called)

    def __reduce__(self) -> tuple[Any, ...]:
        # One per file crosses from a worker: plain arguments pickle several times faster.
        return (Outcome, (self.result, self.digest, self.new_entry, self.stat, self.after))


def read_source(path: str, limit: int) -> tuple[bytes | None, os.stat_result]:
    """The bytes of the file and its stat taken before reading (None: larger than `limit`).

    Plain `os.read` calls: a buffered file object costs more than the read itself for the
    small files a scan is made of."""
    # O_NONBLOCK: a FIFO put where a file was listed must not hang the run; fstat on what was
    # opened (not the name) decides.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        if status.st_size > limit:
            return None, status
        first = os.read(fd, status.st_size + 1)
        if len(first) <= status.st_size:  # a short read of a regular file: its end
            return first, status
        parts = [first]
        while parts[-1]:  # the file grew since fstat: read on to its end
            parts.append(os.read(fd, 1 << 16))
        return b"".join(parts), status
    finally:
        os.close(fd)


def size_limit(path: str, settings: ScanSettings) -> int:
    limit = settings.max_file_size
    return limit * NOTEBOOK_SIZE_FACTOR if path.endswith(NOTEBOOK_SUFFIX) else limit


def read_scannable(
    path: str, shown: str, settings: ScanSettings
) -> tuple[bytes, os.stat_result] | Failed | Skipped:
    """A file's bytes and stat when it is to be scanned; otherwise why not, as the entry both
    `check` and `fix` report: unreadable, vanished, larger than max-file-size, binary, or one
    of modelguard's own files."""
    limit = size_limit(path, settings)
    try:
        source, status = read_source(path, limit)
    except FileNotFoundError:
        return Failed(shown, "vanished before it could be read")
    except OSError as error:
        return Failed(shown, f"cannot read: {error.strerror or error}")
    if source is None:
        return Skipped(shown, f"larger than {limit} bytes ({status.st_size}); see max-file-size")
    if b"\0" in source[:_BINARY_PROBE]:
        return Skipped(shown, "binary file")
    own = own_file(path, source)
    if own is not None:
        return Skipped(shown, own)
    return source, status


class _Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config

    def scan(self, item: Item) -> Outcome:
        try:
            return self._scan(*item)
        except Exception as error:  # a bug must not take the run down with it
            return Outcome(Failed(item[1], f"internal error: {type(error).__name__}: {error}"))

    def limit(self, path: str) -> int:
        return size_limit(path, self.config.settings)

    def _scan(self, path: str, shown: str) -> Outcome:
        config = self.config
        read = read_scannable(path, shown, config.settings)
        if isinstance(read, (Failed, Skipped)):
            return Outcome(read)
        source, status = read
        outcome = self._scan_read(path, shown, source, status)
        if config.after is None or isinstance(outcome.result, Skipped):
            return outcome
        return replace(outcome, after=config.after(shown, source, outcome.result))

    def _scan_read(self, path: str, shown: str, source: bytes, status: os.stat_result
                   ) -> Outcome:
        config = self.config
        digest = sha256_hex(source) if config.use_cache else None
        stat = cache_mod.stat_of(status)
        if digest is not None and digest in config.cached:
            found = self.decoded(shown, config.cached[digest])
            if found is not None:
                return Outcome(found, digest, stat=stat)
        try:
            groups = scan_groups(path, source, config.index)
        except ScanError as error:
            kept = findings_from_groups(shown, error.groups, config.index, config.settings)
            failed = cache_mod.encode_error(str(error), error.groups)
            notes = suppression_notes(shown, error.groups)
            return Outcome(Failed(shown, str(error), kept, notes), digest, failed, stat)
        except RecursionError:
            message = "too deeply nested to parse"
            return Outcome(Failed(shown, message), digest, cache_mod.encode_error(message), stat)
        entry = cache_mod.encode(groups) if digest is not None else None
        findings = findings_from_groups(shown, groups, config.index, config.settings)
        return Outcome(Scanned(shown, findings, suppression_notes(shown, groups)), digest, entry,
                       stat)

    def decoded(self, shown: str, entry: cache_mod.Entry) -> FileResult | None:
        """The result a cache entry stands for; None when it does not decode."""
        if type(entry) is int and entry == 0:  # most files: nothing found
            return Scanned(shown, ())
        found = cache_mod.decode(entry, self.config.index)
        config = self.config
        if isinstance(found, cache_mod.CachedError):
            return Failed(shown, found.message, findings_from_groups(
                shown, found.groups, config.index, config.settings),
                suppression_notes(shown, found.groups))
        if found is None:
            return None
        return Scanned(shown, findings_from_groups(shown, found.groups, config.index,
                                                   config.settings),
                       suppression_notes(shown, found.groups))


_worker: _Worker | None = None


def _init_worker(config: WorkerConfig) -> None:
    global _worker
    _worker = _Worker(config)


def _scan_in_worker(item: Item) -> Outcome:
    assert _worker is not None, "the pool initializer did not run"
    return _worker.scan(item)


def plan_jobs(files: int, jobs: int) -> int:
    """How many processes to use: never more than `jobs`, one per MIN_FILES_PER_JOB files."""
    return max(1, min(jobs, math.ceil(files / MIN_FILES_PER_JOB)))


def run_files(
    files: Iterable[Path | str],
    index: ModelIndex,
    settings: ScanSettings,
    jobs: int = 1,
    cache: cache_mod.ResultCache | None = None,
    whole: Sequence[Path | str] = (),
) -> Iterator[FileResult]:
    """Scan each file once, in the order given; the cache (if any) is saved at the end.

    Files whose stat the cache knows are answered here without being read; only the others
    are read, hashed and (when their digest is new) scanned, on a pool when they are many.
    `whole` names the folders `files` lists completely: the cache forgets the files it
    recorded there that are no longer listed."""
    for result, _ in run_files_after(files, index, settings, jobs, cache, whole):
        yield result


def run_files_after(
    files: Iterable[Path | str],
    index: ModelIndex,
    settings: ScanSettings,
    jobs: int = 1,
    cache: cache_mod.ResultCache | None = None,
    whole: Sequence[Path | str] = (),
    after: AfterScan | None = None,
) -> Iterator[tuple[FileResult, object]]:
    """`run_files`, each result beside what `after` made of the file in the worker that read
    it (None for a file answered without being read, or skipped)."""
    items = _items(files)
    if cache is not None and whole:
        cache.forget_unlisted(
            tuple(os.path.join(os.path.abspath(folder), "") for folder in whole),
            {path for path, _ in items},
        )
    config = WorkerConfig(index, settings, cache.entries if cache is not None else {},
                          use_cache=cache is not None, after=after)
    worker = _Worker(config)
    known = _known(items, cache, worker) if cache is not None else {}
    pending = [item for number, item in enumerate(items) if number not in known]
    workers = plan_jobs(len(pending), jobs)
    if workers == 1:
        yield from _merge(items, known, map(worker.scan, pending), worker, cache)
        return
    chunk = max(1, min(MAX_CHUNK, len(pending) // (workers * 4)))
    index.prefilter()  # built once, before the workers fork, not once in each
    yield from _merge(items, known, _pooled(pending, config, workers, chunk), worker, cache)


def _pooled(pending: list[Item], config: WorkerConfig, workers: int, chunk: int
            ) -> Iterator[Outcome]:
    """The outcomes of `pending` from a process pool, in order. A worker that dies (a native
    crash) costs one file, not the run: the files not yet answered are scanned again one at a
    time in a one-process pool, where the first unanswered file is the one that killed it."""
    # Imported here: a run that needs no pool (few files, or all known) does not pay for it.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    while done < len(pending):
        with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker,
                                 initargs=(config,)) as pool:
            try:
                for outcome in pool.map(_scan_in_worker, pending[done:], chunksize=chunk):
                    done += 1
                    yield outcome
            except BrokenProcessPool:
                if workers == 1 and chunk == 1:
                    yield Outcome(Failed(pending[done][1], "crashed the scanner (its process "
                                                           "died); not scanned"))
                    done += 1
                workers, chunk = 1, 1
            finally:
                pool.shutdown(cancel_futures=True)


# No empty, `.` or `..` part, no leading or trailing slash.
_NORMAL_RELATIVE = re.compile(r"(?!\.\.?(?:/|$))[^/]+(?:/(?!\.\.?(?:/|$))[^/]+)*")


def _items(files: Iterable[Path | str]) -> list[Item]:
    """Absolute path and shown path of each file, duplicates dropped, order kept."""
    cwd = os.getcwd()
    inside = cwd.rstrip(os.sep) + os.sep
    items: dict[str, str] = {}
    # A relative path in normal form (what discovery yields) joins the working folder as it is
    # and is shown as it is; anything else goes through abspath.
    normal = _NORMAL_RELATIVE.fullmatch if os.sep == "/" else None
    for path in files:
        text = os.fspath(path)
        if normal is not None and normal(text) is not None:
            items.setdefault(inside + text, text)
            continue
        absolute = os.path.abspath(text)
        if absolute in items:
            continue
        if absolute.startswith(inside) and ".." not in text:
            shown = absolute[len(inside):]
            items[absolute] = shown if os.sep == "/" else shown.replace(os.sep, "/")
        else:
            items[absolute] = display_path(Path(text))
    return list(items.items())


def _known(
    items: list[Item], cache: cache_mod.ResultCache, worker: _Worker
) -> dict[int, cache_mod.Entry]:
    """The entries of the files whose stat the cache recorded, by position."""
    if not cache.offsets:
        return {}
    return cache.known_paths((path for path, _ in items), worker.limit,
                             worker.config.settings.max_file_size)


def _merge(
    items: list[Item],
    known: dict[int, cache_mod.Entry],
    outcomes: Iterator[Outcome],
    worker: _Worker,
    cache: cache_mod.ResultCache | None,
) -> Iterator[tuple[FileResult, object]]:
    """Results in the order of `items`: known entries decoded here, the rest from `outcomes`
    (which hold them in the same order)."""
    for number, item in enumerate(items):
        entry = known.get(number)
        if entry is not None:
            # Most files hold nothing: their entry is 0 (see cache.encode).
            found = Scanned(item[1], ()) if entry == 0 and type(entry) is int else (
                worker.decoded(item[1], entry))
            if found is not None:
                yield found, None
                continue
            outcome = worker.scan(item)  # an entry that does not decode: scan again
        else:
            outcome = next(outcomes)
        if cache is not None and outcome.digest is not None:
            if outcome.new_entry is not None:
                cache.add(outcome.digest, outcome.new_entry)
            if outcome.stat is not None:
                cache.remember(item[0], outcome.stat, outcome.digest)
        yield outcome.result, outcome.after
    if cache is not None:
        cache.save()


def _context() -> Any:
    # fork shares the loaded modules and the index with the workers for free; elsewhere
    # (macOS, Windows) the platform default re-imports them.
    if sys.platform.startswith("linux"):
        import multiprocessing

        return multiprocessing.get_context("fork")
    return None
