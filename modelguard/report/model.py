"""The outcome of one run, as every reporter sees it."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date

from modelguard.findings import Failed, Finding, Skipped


class FailOn(str, enum.Enum):
    """The least severe finding that fails the run."""

    RETIRED = "retired"
    DEPRECATED = "deprecated"
    ANY = "any"
    NEVER = "never"


_FAILING: dict[FailOn, frozenset[str]] = {
    FailOn.RETIRED: frozenset({"MG001"}),
    FailOn.DEPRECATED: frozenset({"MG001", "MG002", "MG003", "MG005"}),
    FailOn.ANY: frozenset({"MG001", "MG002", "MG003", "MG004", "MG005"}),
    FailOn.NEVER: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Report:
    tool_version: str
    registry_version: str
    as_of: date
    fail_on: FailOn
    files_scanned: int
    findings: tuple[Finding, ...]
    errors: tuple[Failed, ...]
    skipped: tuple[Skipped, ...] = ()
    scanned_paths: tuple[str, ...] = ()  # every file scanned, with or without findings
    # Which repository and commit were scanned, so reports of many repositories can be merged
    repository_name: str | None = None
    repository_commit: str | None = None
    # Where the registry came from: "bundled", "synced" or "file" (then `registry_location`)
    registry_origin: str = "file"
    registry_location: str | None = None
    # Lines about the run that do not fail it (unknown codes in ignore comments): stderr only
    notes: tuple[str, ...] = ()

    @property
    def registry_where(self) -> str:
        """Where the registry came from, in words: bundled, synced, or the file's path."""
        if self.registry_origin == "file":
            return self.registry_location or "file"
        return self.registry_origin

    @property
    def registry_label(self) -> str:
        """The registry's version and where it came from, as report headers show them."""
        return f"{self.registry_version} ({self.registry_where})"

    def fails(self, finding: Finding) -> bool:
        return not finding.advisory and finding.rule.code in _FAILING[self.fail_on]

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if self.fails(f))

    @property
    def exit_code(self) -> int:
        """2 when a file could not be scanned, else 1 when a finding fails the run, else 0."""
        if self.errors:
            return 2
        return 1 if self.failing else 0

    def summary(self) -> dict[str, object]:
        by_rule = Counter(f.rule.code for f in self.findings)
        return {
            "files_scanned": self.files_scanned,
            "findings": len(self.findings),
            "failing": len(self.failing),
            "errors": len(self.errors),
            "by_rule": {code: by_rule[code] for code in sorted(by_rule)},
            "by_status": dict(sorted(Counter(f.status.value for f in self.findings).items())),
            "fail_on": self.fail_on.value,
        }
