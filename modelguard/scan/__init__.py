"""Source text → findings. Pure: no disk access, no clock; the as-of date comes in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from modelguard.defaults import MAX_FILE_SIZE, WARN_WITHIN_DAYS
from modelguard.findings import (
    DEPRECATED,
    IMMINENT,
    MENTION,
    RETIRED,
    Finding,
    FixSafety,
    Rule,
)
from modelguard.registry.index import Match, ModelIndex
from modelguard.registry.lifecycle import Status, lifecycle
from modelguard.registry.load import ModelEntry
from modelguard.scan.depth import too_deep
from modelguard.scan.formats import text_format
from modelguard.scan.hits import Hit, Suppressions

if TYPE_CHECKING:
    from modelguard.scan.notebook import CellHits

PYTHON_SUFFIXES = frozenset({".py", ".pyi"})
NOTEBOOK_SUFFIX = ".ipynb"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    as_of: date
    warn_within_days: int = WARN_WITHIN_DAYS
    max_file_size: int = MAX_FILE_SIZE  # bytes; notebooks may be NOTEBOOK_SIZE_FACTOR times larger



class ScanError(Exception):
    """A file this scanner cannot read; the message is one line for users.

    A Python file (or notebook cell) that does not parse still has the hits its lexer vouches
    for (see `scan.python.unparsed_hits`): `groups` holds them as `scan_groups` would, and
    `findings` (from `scan_source`) the findings made of them. They are reported beside the
    error."""

    def __init__(
        self, message: str, groups: tuple[HitGroup, ...] = (), findings: tuple[Finding, ...] = ()
    ) -> None:
        super().__init__(message)
        self.groups = groups
        self.findings = findings


def can_scan(path: str) -> bool:
    return is_python(path) or path.endswith(NOTEBOOK_SUFFIX) or text_format(path) is not None


def scan_source(
    path: str, source: str | bytes, index: ModelIndex, settings: ScanSettings
) -> tuple[Finding, ...]:
    """Every deprecated or retired model id in one file, sorted by position; raises ScanError
    (with the findings it could still make) when the file cannot be read."""
    try:
        groups = scan_groups(path, source, index)
    except ScanError as error:
        found = findings_from_groups(path, error.groups, index, settings)
        raise ScanError(str(error), error.groups, found) from None
    return findings_from_groups(path, groups, index, settings)


@dataclass(frozen=True, slots=True)
class HitGroup:
    """The hits of one file (or of one notebook cell) before any date is applied: what the
    cache keeps. `cell` is the notebook cell (None elsewhere); `file_lines` maps the cell lines
    holding hits to the file lines where they begin."""

    hits: tuple[Hit, ...]
    suppressions: Suppressions
    cell: int | None = None
    file_lines: Mapping[int, int] = field(default_factory=dict)


def scan_groups(path: str, source: str | bytes, index: ModelIndex) -> tuple[HitGroup, ...]:
    """The hits in one file, by kind; raises ScanError when it cannot be read."""
    if scanned_as_python(path):
        hits, suppressions = scan_hits(source, index)
        return _group(hits, suppressions)
    # A notebook's bytes are JSON: the prefilter reads its decoded cells (scan_notebook).
    if text_format(path) is not None and not index.may_contain(source):
        return ()
    return _other_groups(path, source, index)


def findings_from_groups(
    path: str, groups: tuple[HitGroup, ...], index: ModelIndex, settings: ScanSettings
) -> tuple[Finding, ...]:
    kept: list[Finding] = []
    for group in groups:
        found = findings_from_hits(path, group.hits, group.suppressions, index, settings)
        if group.cell is None:
            kept.extend(found)
        else:
            kept.extend(replace(f, cell=group.cell, file_line=group.file_lines.get(f.line))
                        for f in found)
    return tuple(sorted(kept, key=lambda f: f.sort_key))


def is_python(path: str) -> bool:
    return path.endswith(_PYTHON_ENDINGS)


_PYTHON_ENDINGS = tuple(sorted(PYTHON_SUFFIXES))


def scanned_as_python(path: str) -> bool:
    """Everything but notebooks and the text formats is read as Python (a file named on the
    command line, or source text given to the library)."""
    return not path.endswith(NOTEBOOK_SUFFIX) and text_format(path) is None


def scan_hits(source: str | bytes, index: ModelIndex) -> tuple[tuple[Hit, ...], Suppressions]:
    """The known ids in one Python file before any date is applied: what the cache keeps."""
    if not index.may_contain(source):
        return (), {}
    # libcst takes a third of a second to import: a run served from the cache never pays it.
    from modelguard.scan.python import ParseFailure, scan_python

    deep = too_deep(source)
    if deep is not None:
        raise ScanError(deep)
    try:
        hits, suppressions = scan_python(source, index)
    except ParseFailure as error:
        raise ScanError(str(error), _group(error.hits, error.suppressions)) from None
    return tuple(hits), suppressions


def _group(hits: tuple[Hit, ...], suppressions: Suppressions) -> tuple[HitGroup, ...]:
    return (HitGroup(hits, suppressions),) if hits or suppressions else ()


def findings_from_hits(
    path: str,
    hits: tuple[Hit, ...],
    suppressions: Suppressions,
    index: ModelIndex,
    settings: ScanSettings,
) -> tuple[Finding, ...]:
    """The lifecycle at `settings.as_of` applied to a file's hits, sorted by position.

    A file that holds an id thousands of times holds few different (id, place) pairs: each
    pair's finding is worked out once (lifecycle, replacement, message) and the others are
    copies at their own positions, sharing its strings."""
    kept = []
    made: dict[tuple[object, ...], tuple[Any, ...] | None] = {}
    for hit in hits:
        match = hit.match
        key = (hit.written, hit.fix, hit.context, id(match.entry), match.prefix,
               match.qualifier, match.suffix, match.separator, match.fine_tune, match.route)
        finding: Finding | None
        if key in made:
            rest = made[key]
            span = hit.span
            finding = None if rest is None else Finding(
                path, span.line, span.column, span.end_line, span.end_column, *rest)
        else:
            finding = _finding(path, hit, index, settings)
            made[key] = None if finding is None else _AFTER_SPAN(finding)
        if finding is not None and not (suppressions and _suppressed(finding, hit, suppressions)):
            kept.append(finding)
    kept.sort(key=_SORT_KEY)
    return tuple(kept)


_SORT_KEY = attrgetter("sort_key")
# Finding's fields after its span, in order: what findings of one (id, place) pair share.
_AFTER_SPAN = attrgetter(*(f.name for f in fields(Finding)[5:]))


def _other_groups(path: str, source: str | bytes, index: ModelIndex) -> tuple[HitGroup, ...]:
    """Notebooks and text formats: UTF-8 text, then the format's own scanner."""
    # Loaded on first use: a run answered from the cache scans nothing.
    from modelguard.scan.notebook import NotebookError, scan_notebook
    from modelguard.scan.text import scan_text

    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
    except UnicodeDecodeError as error:
        if not index.may_contain(source):
            return ()  # as before decoding: a file that names no model is not reported
        raise ScanError(f"cannot decode as UTF-8: byte {error.start}") from None
    fmt = text_format(path)
    if fmt is not None:
        hits, suppressions = scan_text(text, fmt, index)
        return (HitGroup(tuple(hits), suppressions),) if hits or suppressions else ()
    try:
        cells = scan_notebook(text, index)
    except NotebookError as error:
        recovered = _cell_groups(error.cells)
        if not recovered and not index.may_contain(source):
            return ()  # likewise: a broken notebook that names no model is not reported
        raise ScanError(str(error), recovered) from None
    return _cell_groups(cells)


def _cell_groups(cells: Sequence[CellHits]) -> tuple[HitGroup, ...]:
    groups = []
    for cell in cells:
        lines = cell.cell.file_lines
        file_lines = {
            hit.span.line: lines[hit.span.line - 1]
            for hit in cell.hits
            if hit.span.line <= len(lines) and lines[hit.span.line - 1]
        }
        groups.append(HitGroup(tuple(cell.hits), cell.suppressions, cell.cell.number, file_lines))
    return tuple(groups)


def _suppressed(finding: Finding, hit: Hit, suppressions: Suppressions) -> bool:
    for line in hit.suppressible_lines:
        if line in suppressions:
            codes = suppressions[line]
            if codes is None or finding.rule.code in codes:
                return True
    return False


def _finding(path: str, hit: Hit, index: ModelIndex, settings: ScanSettings) -> Finding | None:
    entry = hit.match.entry
    state = lifecycle(entry.announced, entry.shutdown, settings.as_of, settings.warn_within_days)
    if state.status is Status.ACTIVE:
        return None
    rule: Rule
    # A fine-tune's id names a model trained from the entry: no other id can stand for it. A
    # recording holds what a server once said: rewriting it breaks the replay, not the model.
    recorded = is_recording(path)
    fix = FixSafety.NONE if hit.match.fine_tune or recorded else hit.fix
    if hit.fix is FixSafety.NONE:
        rule = MENTION
    elif state.status is Status.RETIRED:
        rule = RETIRED
    elif state.days_left is not None and state.days_left <= settings.warn_within_days:
        rule = IMMINENT
    else:
        rule = DEPRECATED
    replacement = index.replacement(hit.match, settings.as_of)
    return Finding(
        path=path,
        line=hit.span.line,
        column=hit.span.column,
        end_line=hit.span.end_line,
        end_column=hit.span.end_column,
        rule=rule,
        model=hit.written,
        provider=entry.provider,
        entry=entry.id,
        status=state.status,
        announced=entry.announced,
        shutdown=entry.shutdown,
        shutdown_qualifier=entry.shutdown_qualifier,
        days_left=state.days_left,
        replacement=replacement,
        fix=fix,
        context=hit.context,
        message=describe(hit.written, entry, state.status, state.days_left, hit.fix,
                         retrain_on=_retrain_on(hit.match, index, settings))
        + (RECORDING_NOTE if recorded and hit.fix is not FixSafety.NONE else ""),
    )


# Folders of recorded HTTP traffic (VCR.py, pytest-recording, vcrpy cassettes) and of test
# snapshots (syrupy's __snapshots__, .ambr files).
_RECORDING_FOLDERS = frozenset({"cassettes", "__snapshots__"})
RECORDING_NOTE = " (recorded traffic: re-record it; never rewritten)"


def is_recording(path: str) -> bool:
    """A file of recorded traffic or test snapshots: its ids are reported, never rewritten."""
    *folders, name = path.replace("\\", "/").split("/")
    return name.endswith(".ambr") or not _RECORDING_FOLDERS.isdisjoint(folders)


def _retrain_on(match: Match, index: ModelIndex, settings: ScanSettings) -> str | None:
    """For a fine-tune, the id its base model is succeeded by ("" when none is serving)."""
    if not match.fine_tune:
        return None
    successor = index.successor(match, settings.as_of)
    return "" if successor is None else successor.id


def describe(
    written: str, entry: ModelEntry, status: Status, days_left: int | None, fix: FixSafety,
    retrain_on: str | None = None,
) -> str:
    """The finding's message: what happens to the model, and when. `retrain_on` is given for a
    fine-tune of `entry`: the model to train it again on ("" when none is serving)."""
    shutdown = entry.shutdown
    if status is Status.RETIRED and shutdown is not None:
        when = "by" if entry.shutdown_qualifier == "estimated" else "on"
        fate = f"was shut down {when} {shutdown}"
    elif shutdown is None:
        fate = "is deprecated; no shutdown date is announced"
    else:
        when = {"not_before": "no earlier than", "estimated": "around"}.get(
            entry.shutdown_qualifier, "on"
        )
        days = "" if days_left is None else f" ({days_left} days left)"
        fate = f"is deprecated and shuts down {when} {shutdown}{days}"
    subject = f"`{written}`"
    if retrain_on is not None:
        then = f"re-train it on {retrain_on}" if retrain_on else "no successor is serving"
        base = f"a fine-tune of {entry.id}, which {fate}; {then}"
        if fix is FixSafety.NONE:
            return f"Mention of {subject}, {base}"
        return f"{subject} is {base}"
    if written.casefold() != entry.id.casefold() and entry.id not in written:
        subject += f" ({entry.id})"
    if fix is FixSafety.NONE:
        return f"Mention of {subject}, which {fate}"
    return f"{subject} {fate}"
