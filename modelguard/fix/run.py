"""`modelguard fix`: rewrite dead model ids to their replacements, and not one other byte.

Three layers, each usable alone:

- ``plan_fixes(findings, allow_unsafe) → FixPlan``: which findings become edits (pure, any format).
- ``apply_fixes(text, plan) → str``: span edits on any text. Each edit names a span and the exact
  characters it replaces inside it; nothing outside those characters is touched.
- ``fix_python_source(source, plan) → FixedSource | FixError``: bytes in, bytes out for Python,
  keeping the file's encoding (BOM, PEP 263 cookie), and verified twice: the result must re-parse,
  and a CST-level rewrite of the original must produce exactly the same bytes. Any doubt leaves
  the source untouched.

Notebooks and text formats are fixed by span edits verified by re-scanning, in
modelguard.fix.text and modelguard.fix.notebook; ``fix_findings`` picks the format from the path.

File I/O lives in modelguard.fix.files (``write_fix``): content hashes guard against files
changed since they were read, and writes are atomic and only happen on change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from modelguard.engine.cache import ResultCache
from modelguard.engine.runner import _context as pool_context
from modelguard.engine.runner import plan_jobs, read_scannable, run_files_after
from modelguard.files import display_path
from modelguard.findings import Failed, Finding, Scanned, Selection, Skipped
from modelguard.fix.files import FileFix, resolve_target
from modelguard.fix.plan import FixedSource, FixError, plan_fixes
from modelguard.registry.index import ModelIndex
from modelguard.scan import NOTEBOOK_SUFFIX, PYTHON_SUFFIXES, ScanError, ScanSettings, scan_source
from modelguard.scan.formats import TextFormat, text_format
from modelguard.workspace.discover import DiscoverOptions, Observer, discover, unreadable_folder


def prepare_file(
    path: Path,
    shown: str,
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection,
    allow_unsafe: bool,
) -> FileFix | Failed | Skipped:
    """Read, scan and plan one file; never raises for a per-file problem. modelguard's own
    files (see report/own.py) are skipped, never rewritten; what `check` skips (max-file-size,
    binary files) `fix` skips the same way."""
    read = read_scannable(str(path), shown, settings)
    if isinstance(read, (Failed, Skipped)):
        return read
    original = read[0]
    scanned: Scanned | Failed
    try:
        scanned = Scanned(shown, scan_source(shown, original, index, settings))
    except ScanError as error:
        scanned = Failed(shown, str(error), error.findings)
    except RecursionError:
        scanned = Failed(shown, "too deeply nested to parse")
    return fix_scanned(path, original, scanned, index, selection, allow_unsafe)


def fix_scanned(
    path: Path,
    original: bytes,
    scanned: Scanned | Failed,
    index: ModelIndex,
    selection: Selection,
    allow_unsafe: bool,
) -> FileFix | Failed:
    """Plan and rewrite one file from its scan (`original` its bytes, `path` where to write it).
    A file that does not parse is rewritten only with --unsafe-fixes, and only where its lexer
    confirms the edit (modelguard.fix.python); otherwise it is an error that keeps its
    findings."""
    shown = scanned.path
    kept = tuple(f for f in scanned.findings if selection.keeps(f))
    parse_error = None
    if isinstance(scanned, Failed):
        if not (allow_unsafe and kept):
            return Failed(shown, scanned.message, kept)
        parse_error = scanned.message
    outcome = fix_findings(original, kept, index, allow_unsafe, shown)
    if isinstance(outcome, FixError):
        return Failed(shown, parse_error or outcome.message, kept if parse_error else ())
    fixed_ids = {id(e.finding) for e in outcome.plan.edits}
    remaining = tuple(f for f in outcome.findings if id(f) not in fixed_ids)
    return FileFix(path, shown, original, outcome.source, outcome.plan, remaining, parse_error)


def fix_findings(
    source: bytes,
    findings: Sequence[Finding],
    index: ModelIndex,
    allow_unsafe: bool = False,
    path: str = "<string>",
) -> FixedSource | FixError:
    """Plan and apply fixes for findings already scanned from `source`; `path` picks the
    format (Python unless it names a notebook or a text format)."""
    scanned = tuple(findings)
    plan = plan_fixes(scanned, allow_unsafe)
    if not plan.edits:
        return FixedSource(source, plan, scanned)
    # Each format's rewriter is loaded when a file of it changes: a hook run on files with
    # nothing to rewrite never imports libcst for it.
    try:
        if path.endswith(NOTEBOOK_SUFFIX):
            from modelguard.fix.notebook import fix_notebook_source

            outcome = fix_notebook_source(source, plan, index)
        elif (fmt := _text_format(path)) is not None:
            from modelguard.fix.text import fix_text_source

            outcome = fix_text_source(source, fmt, plan, index)
        else:
            from modelguard.fix.python import fix_python_source

            outcome = fix_python_source(source, plan)
    except RecursionError:  # the verifying re-parse of deep JSON/TOML: this file only
        return FixError("too deeply nested to parse")
    return outcome if isinstance(outcome, FixError) else replace(outcome, findings=scanned)


def fix_source(
    source: str | bytes,
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection | None = None,
    allow_unsafe: bool = False,
    path: str = "<string>",
) -> FixedSource | FixError:
    """Scan and fix one source (Python, or the notebook or text format `path` names); text is
    encoded as UTF-8 first. Never raises."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        found = scan_source(path, data, index, settings)
    except ScanError as error:
        return FixError(str(error))
    except RecursionError:
        return FixError("too deeply nested to parse")
    keep = selection or Selection()
    return fix_findings(data, [f for f in found if keep.keeps(f)], index, allow_unsafe, path)


@dataclass(frozen=True, slots=True)
class FixRun:
    """Every file's plan, before anything is written."""

    files: tuple[FileFix, ...]
    errors: tuple[Failed, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[str, ...] = ()  # one line each, e.g. a malformed .gitignore line

    @property
    def changed(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def remaining(self) -> tuple[Finding, ...]:
        return tuple(sorted((r for f in self.files for r in f.remaining), key=lambda r: r.sort_key))


def _text_format(path: str) -> TextFormat | None:
    """The text format `fix` rewrites at `path`; Markdown is prose, reported only."""
    fmt = text_format(path)
    return None if fmt is TextFormat.MARKDOWN else fmt


def can_fix(name: str) -> bool:
    """Python sources, notebooks and the text formats that hold values (not Markdown, where
    every id is a mention)."""
    return (name.endswith((*PYTHON_SUFFIXES, NOTEBOOK_SUFFIX))
            or _text_format(name) is not None)


def fix_paths(
    paths: Sequence[Path],
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection | None = None,
    allow_unsafe: bool = False,
    options: DiscoverOptions | None = None,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> FixRun:
    """Plan fixes for the files under `paths` that `can_fix` (default: the current folder). Raises
    FileNotFoundError for a path that does not exist; per-file problems are data.

    The plan costs what the rewritten files cost: every file is scanned once, as `check`
    scans it (on `jobs` processes, answered from the result cache in `cache_dir` when it knows
    the file), and a file whose findings make edits is rewritten and verified by the worker
    that scanned it, from the bytes it read. Only a file the cache answered without reading
    it (or one the engine shows otherwise) is read and scanned here (`prepare_file`). The
    others keep no bytes: they are not written."""
    keep = selection or Selection()
    files: list[FileFix] = []
    errors: list[Failed] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    warnings: list[str] = []
    observer = Observer(
        unreadable=lambda folder, why: errors.append(Failed(folder, unreadable_folder(why))),
        warning=warnings.append,
        not_regular=lambda name, why: skipped.append(Skipped(name, why)),
    )
    scanned: set[str] = set()
    # Each file to plan, in order: (path to read and write, shown path, scanned by the engine).
    planned: list[tuple[Path, str, bool]] = []

    def escaped(path: Path) -> None:
        if can_fix(path.name):
            skipped.append(Skipped(display_path(path),
                                   f"symlink to {path.resolve()}, outside the scanned folder; "
                                   "not rewritten"))

    for root in list(paths) or [Path(".")]:
        base = root if root.is_dir() else Path(".")
        for path in discover([root], can_fix, options, on_escape=escaped, observer=observer):
            shown = display_path(path)
            target = resolve_target(path, base)
            if isinstance(target, Skipped):
                skipped.append(Skipped(shown, target.reason))
                continue
            key = target.absolute()
            if key in seen:
                continue
            seen.add(key)
            # The engine reads a path and shows it as given: a symlink's target, or a path it
            # would show otherwise, is planned here alone, as before.
            engine = target == path and os.path.abspath(path) not in scanned
            if engine:
                scanned.add(os.path.abspath(path))
            planned.append((target, shown, engine))
    # Read, never written: `fix` changes no file but those it rewrites (whose entries the
    # next `check` renews).
    cache = (ResultCache.load(cache_dir, index, read_only=True) if cache_dir is not None
             else None)
    # A file whose findings make edits is rewritten by the worker that scanned it, from the
    # bytes it read. Run to its end: the cache is saved after the last result.
    rewrite = partial(_rewrite_scanned, index=index, selection=keep, allow_unsafe=allow_unsafe)
    results = iter(list(run_files_after(
        [str(target) for target, _, engine in planned if engine], index, settings, jobs=jobs,
        cache=cache, after=rewrite)))
    outcomes: list[FileFix | Failed | Skipped | None] = []  # None: to prepare below
    for target, shown, engine in planned:
        result, rewritten = next(results) if engine else (None, None)
        if result is None or result.path != shown:
            outcomes.append(None)
        elif isinstance(rewritten, FileFix):
            outcomes.append(replace(rewritten, path=target))
        elif isinstance(rewritten, Failed):
            outcomes.append(rewritten)
        else:
            outcomes.append(_from_scan(result, target, keep, allow_unsafe))
    again = [number for number, outcome in enumerate(outcomes) if outcome is None]
    prepare = partial(_prepare, index=index, settings=settings, selection=keep,
                      allow_unsafe=allow_unsafe)
    for number, prepared in zip(again, _prepared([planned[n][:2] for n in again], prepare, jobs),
                                strict=True):
        outcomes[number] = prepared
    for (_, shown, _), outcome in zip(planned, outcomes, strict=True):
        if isinstance(outcome, Failed):
            errors.append(outcome)
        elif isinstance(outcome, Skipped):
            skipped.append(outcome)
        elif outcome is not None:
            files.append(outcome)
            if outcome.parse_error is not None:
                errors.append(Failed(shown, outcome.parse_error))
    return FixRun(tuple(files), tuple(errors), tuple(skipped), tuple(warnings))


def _prepare(
    item: tuple[Path, str],
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection,
    allow_unsafe: bool,
) -> FileFix | Failed | Skipped:
    return prepare_file(item[0], item[1], index, settings, selection, allow_unsafe)


def _prepared(
    items: list[tuple[Path, str]],
    prepare: Callable[[tuple[Path, str]], FileFix | Failed | Skipped],
    jobs: int,
) -> Iterator[FileFix | Failed | Skipped]:
    """`prepare` of each item, in order: on a process pool (as the scan) when they are many.
    Should the pool break (a worker died), the rest are prepared here, one by one, as they
    were before there was a pool."""
    workers = plan_jobs(len(items), jobs)
    done = 0
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        chunk = max(1, len(items) // (workers * 4))
        try:
            with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
                for outcome in pool.map(prepare, items, chunksize=chunk):
                    done += 1
                    yield outcome
        except BrokenProcessPool:
            pass
    for item in items[done:]:
        yield prepare(item)


def _rewrite_scanned(
    shown: str,
    source: bytes,
    scanned: Scanned | Failed,
    index: ModelIndex,
    selection: Selection,
    allow_unsafe: bool,
) -> FileFix | Failed | None:
    """In the worker that scanned a file: its rewrite when its findings make edits (or it does
    not parse but may be rewritten all the same); None when the scan alone answers
    (`_from_scan`, in the parent: no bytes cross back for a file left alone)."""
    if _from_scan(scanned, Path(shown), selection, allow_unsafe) is not None:
        return None
    return fix_scanned(Path(shown), source, scanned, index, selection, allow_unsafe)


def _from_scan(
    result: Scanned | Failed | Skipped, target: Path, selection: Selection, allow_unsafe: bool
) -> FileFix | Failed | Skipped | None:
    """`prepare_file`'s answer from the scan `check` makes, for a file no edit changes: the
    same plan, without reading or parsing the file again (it keeps no bytes). None for a file
    with edits, or one that does not parse but has findings `--unsafe-fixes` may rewrite:
    those go to `prepare_file`."""
    if isinstance(result, Skipped):
        return result
    kept = tuple(f for f in result.findings if selection.keeps(f))
    if isinstance(result, Failed):
        return None if allow_unsafe and kept else Failed(result.path, result.message, kept)
    plan = plan_fixes(kept, allow_unsafe)
    if plan.edits:
        return None
    return FileFix(target, result.path, b"", b"", plan, kept)
