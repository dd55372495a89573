"""The data every stage passes on: rules, findings and per-file outcomes."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from modelguard.registry.lifecycle import Status
from modelguard.workspace.paths import PathSpec


class FixSafety(str, enum.Enum):
    """How a finding may be rewritten.

    safe: the literal is the whole value of a model slot; replacing it keeps the program's intent.
    unsafe: a whole-string literal elsewhere (comparison, dict key, call argument); the meaning
    could change, so it is rewritten only on request.
    none: the id inside longer text; reported, never rewritten.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str


RETIRED = Rule("MG001", "retired-model", "Model was shut down by its provider")
DEPRECATED = Rule("MG002", "deprecated-model", "Model is deprecated; shutdown is scheduled")
IMMINENT = Rule("MG003", "imminent-shutdown", "Model shuts down within the warning window")
MENTION = Rule("MG004", "model-mention", "A deprecated or retired model is named in text")
PARAMETER = Rule("MG005", "parameter-not-accepted",
                 "A request parameter is not accepted by the model (or its replacement)")

RULES: dict[str, Rule] = {
    rule.code: rule for rule in (RETIRED, DEPRECATED, IMMINENT, MENTION, PARAMETER)
}


def manual_migration(endpoints: tuple[str, ...], replacement_endpoints: tuple[str, ...]
                     ) -> str | None:
    """`completions → chat` when a replacement serves none of the endpoints its model served:
    moving to it changes the request, not only the id, so it is never a rewrite. None when the
    two share an endpoint or either is unknown (empty)."""
    if not endpoints or not replacement_endpoints or set(endpoints) & set(replacement_endpoints):
        return None
    return f"{', '.join(endpoints)} → {', '.join(replacement_endpoints)}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One model id, where it is written, and what to do about it.

    Lines are 1-based; columns are 1-based character columns; the span covers the whole literal
    (prefix and quotes included) for whole-string findings and the id itself for mentions.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: Rule
    model: str
    provider: str
    entry: str
    status: Status
    announced: date | None
    shutdown: date | None
    shutdown_qualifier: str
    days_left: int | None
    replacement: str | None
    fix: FixSafety
    context: str
    message: str
    # Notebooks: the 1-based cell, and the file line holding the finding's line (the span above
    # is in the cell's source). None elsewhere.
    cell: int | None = None
    file_line: int | None = None
    # The endpoints (registry `endpoints`) the model serves and those its replacement serves.
    endpoints: tuple[str, ...] = ()
    replacement_endpoints: tuple[str, ...] = ()
    # MG005: the request parameter the span covers; `replacement` is its new name, or "" when
    # `fix --unsafe-fixes` removes the whole argument.
    parameter: str | None = None
    # A note, not a problem found: something modelguard could not check (MG005: parameters
    # passed through `**kwargs` to a model that refuses some). Reported, never failing a run.
    advisory: bool = False

    @property
    def manual_migration(self) -> str | None:
        """`completions → chat` when the replacement is on another endpoint: reported with
        the replacement, never rewritten (not even with --unsafe-fixes)."""
        if self.replacement is None:
            return None
        return manual_migration(self.endpoints, self.replacement_endpoints)

    @property
    def rewritable(self) -> bool:
        """Whether `fix` may rewrite the id (with --unsafe-fixes for an unsafe context): a
        replacement on the same endpoint, in a context that is not text."""
        return (self.fix is not FixSafety.NONE and self.replacement is not None
                and self.manual_migration is None)

    @property
    def replacement_note(self) -> str:
        """What every report says after the replacement: how it may be applied."""
        if self.manual_migration is not None:
            return f" (manual migration: {self.manual_migration})"
        return " (unsafe fix)" if self.fix is FixSafety.UNSAFE else ""

    @property
    def fix_title(self) -> str:
        """What applying the fix does: "Replace with `gpt-4.1`", or for an MG005 parameter
        the model refuses, "Remove `temperature`"."""
        if self.parameter is not None and not self.replacement:
            return f"Remove `{self.parameter}`"
        return f"Replace with `{self.replacement}`"

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.rule.code)

    @property
    def in_file(self) -> bool:
        """Whether line and column are positions in the file itself (not in a notebook cell)."""
        return self.cell is None

    @property
    def line_in_file(self) -> int:
        """The file line the finding is on: for a notebook, the line of the .ipynb JSON holding
        the cell's source line, which is where editors and CI annotations must point."""
        return self.line if self.file_line is None else self.file_line

    @property
    def cell_location(self) -> str | None:
        """`cell 3, line 2, column 9` for a notebook finding (what a notebook editor shows);
        None elsewhere."""
        if self.cell is None:
            return None
        return f"cell {self.cell}, line {self.line}, column {self.column}"


@dataclass(frozen=True, slots=True)
class Scanned:
    path: str
    findings: tuple[Finding, ...]
    # Warnings about the file that do not fail the run: unknown codes in ignore comments.
    notes: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Results cross from pool workers one per file: plain arguments pickle several times
        # faster than a frozen dataclass's state.
        return (Scanned, (self.path, self.findings, self.notes))


@dataclass(frozen=True, slots=True)
class Failed:
    """A file that could not be read, decoded or parsed; the run goes on without it. A file
    that does not parse may still hold `findings` its lexer vouches for (context "unparsed"):
    they are reported with the error."""

    path: str
    message: str
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


FileResult = Scanned | Failed | Skipped


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
        return self.keeps_in_file(finding, self.ignored_in(finding.path))

    def ignored_in(self, path: str) -> frozenset[str]:
        """The codes `per-file-ignores` ignore in the file at `path` ("ALL" for every one):
        worked out once per file, not once per finding."""
        if not self.per_file_ignores:
            return frozenset()
        relative = Path(os.path.relpath(os.path.abspath(path), self.root)).as_posix()
        return frozenset().union(*(codes for spec, codes in self.per_file_ignores
                                   if spec.matches(relative)))

    def keeps_in_file(self, finding: Finding, ignored: frozenset[str]) -> bool:
        """`keeps`, given what `ignored_in` says of the finding's file."""
        code = finding.rule.code
        if (self.select and code not in self.select) or code in self.ignore:
            return False
        if ignored and (code in ignored or "ALL" in ignored):
            return False
        return not self.ignore_models or not (
            {finding.entry.casefold(), finding.model.casefold()} & self.ignore_models)
