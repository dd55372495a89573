"""The library API: the stages wired together, with no printing and no exit codes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from modelguard import __version__
from modelguard.engine.cache import ResultCache
from modelguard.engine.runner import run_files
from modelguard.findings import Failed, Finding, Scanned, Selection, Skipped
from modelguard.registry.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.scan import ScanSettings, can_scan, scan_source
from modelguard.workspace.discover import (
    DiscoverOptions,
    Observer,
    discover_names,
    unreadable_folder,
)

UNSUPPORTED = "not a file type modelguard scans"


def check_source(
    path: str,
    source: str | bytes,
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection = Selection(),
) -> tuple[Finding, ...]:
    """Findings in one source text; raises ScanError when it cannot be parsed (its `findings`
    are those the lexer could still vouch for, unfiltered)."""
    return tuple(f for f in scan_source(path, source, index, settings) if selection.keeps(f))


def check_paths(
    paths: Sequence[Path],
    index: ModelIndex,
    settings: ScanSettings,
    fail_on: FailOn = FailOn.RETIRED,
    selection: Selection = Selection(),
    options: DiscoverOptions | None = None,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
    own_files: Sequence[Path] = (),
    on_warning: Callable[[str], None] | None = None,
) -> Report:
    """Scan files under `paths` with `jobs` processes, keeping results in `cache_dir` (no cache
    when None); raises FileNotFoundError for a path that does not exist. `own_files` (the
    baseline and reports the run reads or writes) are left out, wherever they are. A cache
that cannot be used is discarded, and `on_warning` told why in one line."""
    roots = list(paths) or [Path(".")]
    unreadable: list[Failed] = []
    special: list[Skipped] = []
    observer = Observer(
        unreadable=lambda folder, why: unreadable.append(Failed(folder, unreadable_folder(why))),
        warning=on_warning,
        not_regular=lambda name, why: special.append(Skipped(name, why)),
    )
    files = list(discover_names(roots, can_scan, options, observer=observer))
    # A file named explicitly is returned whatever its type: one modelguard does not read is
    # reported as skipped, not counted as scanned.
    unsupported = {str(root) for root in roots if root.is_file() and not can_scan(root.name)}
    files = [name for name in files if name not in unsupported]
    if own_files:
        left_out = {os.path.abspath(path) for path in own_files}
        files = [name for name in files if os.path.abspath(name) not in left_out]
    cache = ResultCache.load(cache_dir, index) if cache_dir is not None else None
    if cache is not None and cache.discarded is not None and on_warning is not None:
        on_warning(f"cache {cache.discarded}")
    results = run_files(files, index, settings, jobs=jobs, cache=cache,
                        whole=[root for root in roots if root.is_dir()])
    skipped = [Skipped(name, UNSUPPORTED) for name in sorted(unsupported)]
    return collect([*results, *skipped, *special, *unreadable], index, settings, fail_on,
                   selection)


def collect(
    results: Iterable[Scanned | Failed | Skipped],
    index: ModelIndex,
    settings: ScanSettings,
    fail_on: FailOn,
    selection: Selection,
) -> Report:
    findings: list[Finding] = []
    errors: list[Failed] = []
    skipped: list[Skipped] = []
    scanned: list[str] = []
    notes: list[str] = []
    for result in results:
        if not isinstance(result, Skipped):
            notes.extend(result.notes)
        if isinstance(result, Scanned):
            scanned.append(result.path)
        elif isinstance(result, Failed):
            errors.append(result)
        else:
            skipped.append(result)
            continue
        if result.findings:
            ignored = selection.ignored_in(result.path)
            findings.extend(f for f in result.findings if selection.keeps_in_file(f, ignored))
    return Report(
        tool_version=__version__,
        registry_version=index.registry_version,
        registry_origin=index.registry_origin,
        registry_location=index.registry_location,
        as_of=settings.as_of,
        fail_on=fail_on,
        files_scanned=len(scanned),
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        scanned_paths=tuple(sorted(scanned)),
        notes=tuple(notes),
    )
