"""The library API: the stages wired together, with no printing and no exit codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelguard import __version__
from modelguard.cache import ResultCache
from modelguard.discover import discover
from modelguard.findings import Failed, Finding, Scanned, Skipped
from modelguard.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.runner import run_files
from modelguard.scan import ScanSettings, can_scan, scan_source


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules are reported: `select` (all when empty) minus `ignore`."""

    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    def keeps(self, finding: Finding) -> bool:
        code = finding.rule.code
        return (not self.select or code in self.select) and code not in self.ignore


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
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> Report:
    """Scan files under `paths` with `jobs` processes, keeping results in `cache_dir` (no cache
    when None); raises FileNotFoundError for a path that does not exist."""
    files = list(discover(list(paths) or [Path(".")], can_scan))
    cache = ResultCache.load(cache_dir, index) if cache_dir is not None else None
    results = run_files(files, index, settings, jobs=jobs, cache=cache)
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
    scanned = 0
    for result in results:
        if isinstance(result, Scanned):
            scanned += 1
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
        files_scanned=scanned,
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
    )
