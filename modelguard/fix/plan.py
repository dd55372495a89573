"""Which findings become edits, and span edits on any text: the format-neutral layer of `fix`.

- ``plan_fixes(findings, allow_unsafe) -> FixPlan``: which findings become edits (pure).
- ``apply_fixes(text, plan) -> str``: each edit names a span and the exact characters it replaces
  inside it; nothing outside those characters is touched.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from modelguard.findings import MENTION, Finding, FixSafety


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the one occurrence of `old` inside the span with `new`.

    Lines are 1-based, columns 1-based characters, the end exclusive (the finding's span).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    old: str
    new: str
    finding: Finding

    @property
    def start(self) -> tuple[int, int]:
        return (self.line, self.column)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_line, self.end_column)

    @property
    def removes(self) -> bool:
        """An MG005 edit that removes a whole keyword argument (`--unsafe-fixes`)."""
        return self.finding.parameter is not None and self.new == ""


@dataclass(frozen=True, slots=True)
class SkippedFix:
    """A fixable-looking finding left alone, and why (shown to the user as a note)."""

    finding: Finding
    reason: str


@dataclass(frozen=True, slots=True)
class FixPlan:
    edits: tuple[Edit, ...]  # sorted by position, never overlapping
    skipped: tuple[SkippedFix, ...] = ()

    def without(self, dropped: Iterable[SkippedFix]) -> FixPlan:
        gone = {id(s.finding) for s in dropped}
        return FixPlan(
            tuple(e for e in self.edits if id(e.finding) not in gone),
            self.skipped + tuple(dropped),
        )


FIXABLE_RULES = frozenset({"MG001", "MG002", "MG003", "MG005"})


def plan_fixes(findings: Iterable[Finding], allow_unsafe: bool = False) -> FixPlan:
    """Edits for every deprecated or retired model id that has a replacement on one of its own
    endpoints and sits in a context whose fix class allows it (safe; unsafe only when
    `allow_unsafe`). Mentions (MG004) are never planned; a replacement on another endpoint
    (`Finding.manual_migration`) never, not even when `allow_unsafe`."""
    edits: list[Edit] = []
    skipped: list[SkippedFix] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if finding.rule is MENTION or finding.fix is FixSafety.NONE:
            continue
        if finding.rule.code not in FIXABLE_RULES:
            continue
        if finding.replacement is None:
            skipped.append(SkippedFix(
                finding, f"no replacement: the registry's chain for `{finding.entry}` ends on a "
                         "retired model"))
            continue
        if finding.manual_migration is not None:
            # Another endpoint means another request shape: no id swap makes the call work.
            skipped.append(SkippedFix(
                finding, f"manual migration: `{finding.replacement}` is served on another "
                         f"endpoint ({finding.manual_migration}); change the call by hand"))
            continue
        if finding.fix is FixSafety.UNSAFE and not allow_unsafe:
            skipped.append(SkippedFix(
                finding, f"unsafe fix ({finding.context}); rerun with --unsafe-fixes to apply"))
            continue
        # MG005 renames the parameter its span covers; every other rule rewrites the id.
        edit = Edit(finding.line, finding.column, finding.end_line, finding.end_column,
                    finding.parameter or finding.model, finding.replacement, finding)
        if edits and edits[-1].finding.cell == finding.cell and edit.start < edits[-1].end:
            skipped.append(SkippedFix(finding, "overlaps another fix"))
            continue
        edits.append(edit)
    return FixPlan(tuple(edits), tuple(skipped))

# Apply: span edits on any text --------------------------------------------------------------------


LINE_BREAK = re.compile(r"\r\n|\r|\n")


class EditMismatch(Exception):
    """The text at an edit's span is not what the plan expected; nothing is changed."""


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins; CRLF, LF and a lone CR all end a line (as in Python)."""
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def _offset(starts: Sequence[int], text: str, line: int, column: int) -> int:
    if not 1 <= line <= len(starts):
        raise EditMismatch(f"line {line} is past the end of the file")
    offset = starts[line - 1] + column - 1
    if offset > len(text):
        raise EditMismatch(f"column {column} is past the end of line {line}")
    return offset


def apply_fixes(text: str, plan: FixPlan, starts: Sequence[int] | None = None) -> str:
    """`text` with every planned edit made; raises EditMismatch when a span does not hold its
    id exactly once. Only the id's characters change. `starts` are the offsets where lines
    begin, when the edits count lines otherwise than `line_starts` (text formats: LF only)."""
    starts = line_starts(text) if starts is None else starts
    pieces: list[str] = []
    done = 0
    for edit in plan.edits:
        start = _offset(starts, text, edit.line, edit.column)
        end = _offset(starts, text, edit.end_line, edit.end_column)
        if start < done or end < start:
            raise EditMismatch(f"edit at {edit.line}:{edit.column} overlaps another")
        span = text[start:end]
        if span.count(edit.old) != 1:
            raise EditMismatch(
                f"{edit.line}:{edit.column}: expected `{edit.old}` once in {span!r}"
            )
        at = start + span.index(edit.old)
        pieces += [text[done:at], edit.new]
        done = at + len(edit.old)
    pieces.append(text[done:])
    return "".join(pieces)

# Python: bytes in, verified bytes out -------------------------------------------------------------



@dataclass(frozen=True, slots=True)
class FixedSource:
    source: bytes
    plan: FixPlan  # what was applied (edits) and what was left alone (skipped)
    findings: tuple[Finding, ...] = ()  # every finding considered, replacements settled


@dataclass(frozen=True, slots=True)
class FixError:
    message: str


# (line, column, end line, end column) of an edit or a node, as `Edit` counts them.
EditSpan = tuple[int, int, int, int]
# The spans of keyword names, and the edits left out because they would duplicate a dict key.
Facts = tuple[set[EditSpan], list[SkippedFix]]


def duplicate_keys(keys: list[tuple[str | None, Edit | None]]) -> list[SkippedFix]:
    """The edits among one dict's keys (value after the edits, edit) that equal another key."""
    dropped: list[SkippedFix] = []
    for position, (value, edit) in enumerate(keys):
        if edit is None or value is None:
            continue
        if any(other == value for i, (other, _) in enumerate(keys) if i != position):
            dropped.append(SkippedFix(
                edit.finding, f"would duplicate the dict key {value!r}; fix by hand"))
    return dropped


def repeats_a_keyword(before: str | bytes, after: str | bytes) -> str | None:
    """Why `after` does not compile where `before` did, or None. A renamed keyword can repeat
    another of its call (`f(a=1, a=2)`): the parser reads that, only the compiler refuses it."""
    error = _compile_error(after)
    return None if error is None or _compile_error(before) is not None else str(error)


def _compile_error(code: str | bytes) -> SyntaxError | ValueError | None:
    try:
        with warnings.catch_warnings():  # the user's own warnings (escapes), not ours
            warnings.simplefilter("ignore")
            compile(code, "<fix>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return error
    return None
