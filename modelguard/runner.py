"""Run the scan over files, serially or on a process pool; every outcome is data, never an
exception.

After LibCST's `_cli.py`: paths are deduplicated; a few files (or one job) run lazily in this
process (LibCST uses a `DummyExecutor`; a plain `map` keeps results streaming); the parser is
warmed before the workers fork; each worker gets one frozen `WorkerConfig` (the index, whose
compiled patterns pickle, and the cache entries) once, through the pool initializer. Results
come back in the order of the files given, whatever the order of completion.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelguard import cache as cache_mod
from modelguard.findings import Failed, FileResult, Scanned, Skipped
from modelguard.index import ModelIndex
from modelguard.scan import (
    NOTEBOOK_SIZE_FACTOR,
    NOTEBOOK_SUFFIX,
    ScanError,
    ScanSettings,
    findings_from_hits,
    scan_hits,
    scan_source,
    scanned_as_python,
)
from modelguard.scan.hits import Hit, Suppressions

# A NUL byte in the first block marks a binary file (git's heuristic).
_BINARY_PROBE = 8000

# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_JOB = 32
MAX_CHUNK = 64

def display_path(path: Path) -> str:
    """Relative to the working directory when possible, always with `/` separators."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        relative = os.path.relpath(absolute)
        return Path(relative).as_posix() if not relative.startswith("..") else absolute.as_posix()


def scan_file(path: Path, index: ModelIndex, settings: ScanSettings) -> FileResult:
    return _Worker(WorkerConfig(index, settings, {})).scan(path).result


@dataclass(frozen=True)
class WorkerConfig:
    index: ModelIndex
    settings: ScanSettings
    cached: Mapping[str, cache_mod.Entry]  # content digest → stored entry (empty: no cache)
    use_cache: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    result: FileResult
    digest: str | None = None
    new_entry: cache_mod.Entry = None  # to store under `digest`; None when nothing is new


class _Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config

    def scan(self, path: Path) -> Outcome:
        shown = display_path(path)
        try:
            return self._scan(path, shown)
        except Exception as error:  # a bug must not take the run down with it
            return Outcome(Failed(shown, f"internal error: {type(error).__name__}: {error}"))

    def _scan(self, path: Path, shown: str) -> Outcome:
        config = self.config
        limit = config.settings.max_file_size
        if path.name.endswith(NOTEBOOK_SUFFIX):
            limit *= NOTEBOOK_SIZE_FACTOR
        try:
            size = path.stat().st_size
            if size > limit:
                return Outcome(
                    Skipped(shown, f"larger than {limit} bytes ({size}); see max-file-size")
                )
            source = path.read_bytes()
        except OSError as error:
            return Outcome(Failed(shown, f"cannot read: {error.strerror or error}"))
        if b"\0" in source[:_BINARY_PROBE]:
            return Outcome(Skipped(shown, "binary file"))
        if not scanned_as_python(path.name):
            # Notebooks and text formats are not cached yet (their findings carry cell
            # positions the cache format does not hold).
            try:
                return Outcome(Scanned(shown, scan_source(shown, source, config.index,
                                                          config.settings)))
            except ScanError as error:
                return Outcome(Failed(shown, str(error)))
        digest = cache_mod.content_digest(source) if config.use_cache else None
        if digest is not None and digest in config.cached:
            found = cache_mod.decode(config.cached[digest], config.index)
            if isinstance(found, cache_mod.CachedError):
                return Outcome(Failed(shown, found.message), digest)
            if found is not None:
                return Outcome(self._findings(shown, found.hits, found.suppressions), digest)
        try:
            hits, suppressions = scan_hits(source, config.index)
        except ScanError as error:
            return Outcome(Failed(shown, str(error)), digest, cache_mod.encode_error(str(error)))
        except RecursionError:
            message = "too deeply nested to parse"
            return Outcome(Failed(shown, message), digest, cache_mod.encode_error(message))
        entry = cache_mod.encode(hits, suppressions) if digest is not None else None
        return Outcome(self._findings(shown, hits, suppressions), digest, entry)

    def _findings(self, shown: str, hits: tuple[Hit, ...], suppressions: Suppressions) -> Scanned:
        config = self.config
        return Scanned(shown, findings_from_hits(shown, hits, suppressions, config.index,
                                                 config.settings))


_worker: _Worker | None = None


def _init_worker(config: WorkerConfig) -> None:
    global _worker
    _worker = _Worker(config)


def _scan_in_worker(path: Path) -> Outcome:
    assert _worker is not None, "the pool initializer did not run"
    return _worker.scan(path)


def plan_jobs(files: int, jobs: int) -> int:
    """How many processes to use: never more than `jobs`, one per MIN_FILES_PER_JOB files."""
    return max(1, min(jobs, math.ceil(files / MIN_FILES_PER_JOB)))


def run_files(
    files: Iterable[Path],
    index: ModelIndex,
    settings: ScanSettings,
    jobs: int = 1,
    cache: cache_mod.ResultCache | None = None,
) -> Iterator[FileResult]:
    """Scan each file once, in the order given; the cache (if any) is saved at the end."""
    unique = list({path.absolute(): path for path in files}.values())
    config = WorkerConfig(index, settings, cache.entries if cache is not None else {},
                          use_cache=cache is not None)
    workers = plan_jobs(len(unique), jobs)
    if workers == 1:
        outcomes: Iterator[Outcome] = map(_Worker(config).scan, unique)
        yield from _results(outcomes, cache)
        return
    if not config.cached:  # a cold run will parse: load the parser once, before the fork
        _warm_parser()
    chunk = max(1, min(MAX_CHUNK, len(unique) // (workers * 4)))
    with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker,
                             initargs=(config,)) as pool:
        try:
            yield from _results(pool.map(_scan_in_worker, unique, chunksize=chunk), cache)
        finally:
            pool.shutdown(cancel_futures=True)


def _results(
    outcomes: Iterable[Outcome], cache: cache_mod.ResultCache | None
) -> Iterator[FileResult]:
    for outcome in outcomes:
        if cache is not None and outcome.digest is not None and outcome.new_entry is not None:
            cache.add(outcome.digest, outcome.new_entry)
        yield outcome.result
    if cache is not None:
        cache.save()


def _warm_parser() -> None:
    """Load the native parser once here, so forked workers do not each pay for it."""
    import libcst

    libcst.parse_module("x = 1\n")


def _context() -> Any:
    # fork shares the loaded modules and the index with the workers for free; elsewhere
    # (macOS, Windows) the platform default re-imports them.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None
