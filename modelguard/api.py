"""The library API: the stages wired together, with no printing and no exit codes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelguard import __version__
from modelguard.engine.cache import ResultCache
from modelguard.engine.runner import run_files
from modelguard.findings import Failed, Finding, Scanned, Skipped
from modelguard.registry.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.scan import ScanSettings, can_scan, scan_source
from modelguard.workspace.discover import DiscoverOptions, discover_names
from modelguard.workspace.paths import PathSpec


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules are reported: `select` (all when empty) minus `ignore`; minus models named
    in `ignore_models` (casefolded), and codes (or "ALL") ignored for files matching a
    per-file pattern, relative to the folder `root`."""

    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    ignore_models: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[PathSpec, frozenset[str]], ...] = ()
    root: str = "."

    def keeps(self, finding: Finding) -> bool:
        code = finding.rule.code
        if (self.select and code not in self.select) or code in self.ignore:
            return False
        if {finding.entry.casefold(), finding.model.casefold()} & self.ignore_models:
            return False
        if self.per_file_ignores:
            relative = Path(os.path.relpath(os.path.abspath(finding.path), self.root)).as_posix()
            for spec, codes in self.per_file_ignores:
                if (code in codes or "ALL" in codes) and spec.matches(relative):
                    return False
        return True


def check_source(
    path: str,
    source: str | bytes,
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection = Selection(),
) -> tuple[Finding, ...]:
    """Findings in one source text; raises ScanError when it cannot be parsed."""
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
) -> Report:
    """Scan files under `paths` with `jobs` processes, keeping results in `cache_dir` (no cache
    when None); raises FileNotFoundError for a path that does not exist."""
    roots = list(paths) or [Path(".")]
    files = list(discover_names(roots, can_scan, options))
    cache = ResultCache.load(cache_dir, index) if cache_dir is not None else None
    results = run_files(files, index, settings, jobs=jobs, cache=cache,
                        whole=[root for root in roots if root.is_dir()])
    return collect(results, index, settings, fail_on, selection)


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
    for result in results:
        if isinstance(result, Scanned):
            scanned.append(result.path)
            if result.findings:
                findings.extend(f for f in result.findings if selection.keeps(f))
        elif isinstance(result, Failed):
            errors.append(result)
        else:
            skipped.append(result)
    return Report(
        tool_version=__version__,
        registry_version=index.registry_version,
        as_of=settings.as_of,
        fail_on=fail_on,
        files_scanned=len(scanned),
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        scanned_paths=tuple(sorted(scanned)),
    )
