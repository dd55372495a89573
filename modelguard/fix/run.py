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
modelguard.fix.formats; ``fix_findings`` picks the format from the path.

File I/O lives at the bottom (``prepare_file``, ``write_fix``): content hashes guard against files
changed since they were read, and writes are atomic and only happen on change.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import stat
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from modelguard.api import Selection
from modelguard.files import display_path, sha256_hex, write_atomic
from modelguard.findings import MENTION, Failed, Finding, FixSafety, Skipped
from modelguard.registry.index import ModelIndex
from modelguard.scan import PYTHON_SUFFIXES, ScanError, ScanSettings, scan_source
from modelguard.scan.python import ParseFailure, literal_text, parse
from modelguard.workspace.discover import DiscoverOptions, discover

# Plan ------------------------------------------------------------------------------------------


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


FIXABLE_RULES = frozenset({"MG001", "MG002", "MG003"})


def plan_fixes(findings: Iterable[Finding], allow_unsafe: bool = False) -> FixPlan:
    """Edits for every deprecated or retired model id that has a replacement and sits in a
    context whose fix class allows it (safe; unsafe only when `allow_unsafe`). Mentions (MG004)
    are never planned."""
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
        if finding.fix is FixSafety.UNSAFE and not allow_unsafe:
            skipped.append(SkippedFix(
                finding, f"unsafe fix ({finding.context}); rerun with --unsafe-fixes to apply"))
            continue
        edit = Edit(finding.line, finding.column, finding.end_line, finding.end_column,
                    finding.model, finding.replacement, finding)
        if edits and edits[-1].finding.cell == finding.cell and edit.start < edits[-1].end:
            skipped.append(SkippedFix(finding, "overlaps another fix"))
            continue
        edits.append(edit)
    return FixPlan(tuple(edits), tuple(skipped))


# Apply: span edits on any text --------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class EditMismatch(Exception):
    """The text at an edit's span is not what the plan expected; nothing is changed."""


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins; CRLF, LF and a lone CR all end a line (as in Python)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


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


_Literal = cst.SimpleString | cst.FormattedString
_Span = tuple[int, int, int, int]


def fix_python_source(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    """Apply `plan` to a Python module given as bytes, or explain why not.

    Edits that would create a duplicate dict key are dropped with a note. The result must
    re-parse, and must equal, byte for byte, what a CST-level rewrite of only the planned
    literals produces; otherwise nothing is changed.
    """
    # libcst drops a lone CR that ends the file (b"x = 1\r" round-trips to b"x = 1"); a CRLF
    # there survives and ends the line just the same, so work on that and take the LF off again.
    if source.endswith(b"\r"):
        outcome = _fix_python_source(source + b"\n", plan)
        if isinstance(outcome, FixedSource):
            return replace(outcome, source=outcome.source[:-1])
        return outcome
    return _fix_python_source(source, plan)


def _fix_python_source(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    try:
        module = parse(source)
    except ParseFailure as error:
        return FixError(str(error))
    if module.bytes != source:
        return FixError(f"cannot round-trip the file's {module.encoding} encoding")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _LiteralCollector()
    wrapper.visit(collector)
    for edit in plan.edits:
        if (edit.line, edit.column, edit.end_line, edit.end_column) not in collector.literals:
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
    plan = plan.without(_duplicate_keys(plan, collector))
    if not plan.edits:
        return FixedSource(source, plan)
    try:
        text = apply_fixes(module.code, plan)
        fixed = text.encode(module.encoding)
    except EditMismatch as error:
        return FixError(str(error))
    except UnicodeEncodeError as error:
        return FixError(f"a replacement cannot be written in {module.encoding}: {error.reason}")
    problem = _verify(module, collector, plan, fixed)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(fixed, plan)


class _LiteralCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.literals: dict[_Span, _Literal] = {}
        self.dicts: list[cst.Dict] = []

    def _add(self, node: _Literal) -> None:
        where = self.get_metadata(PositionProvider, node)
        span = (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        self.literals[span] = node

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._add(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._add(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.dicts.append(node)


def _duplicate_keys(plan: FixPlan, collector: _LiteralCollector) -> list[SkippedFix]:
    """Edits of dict keys that would make two keys of one dict literal equal."""
    new_value = {
        id(collector.literals[(e.line, e.column, e.end_line, e.end_column)]): e
        for e in plan.edits
    }
    dropped: list[SkippedFix] = []
    for node in collector.dicts:
        keys: list[tuple[str | None, Edit | None]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = element.key
            edit = new_value.get(id(key))
            value = literal_text(key) if isinstance(key, _Literal) else None
            keys.append((edit.new if edit is not None else value, edit))
        for position, (value, edit) in enumerate(keys):
            if edit is None or value is None:
                continue
            if any(other == value for i, (other, _) in enumerate(keys) if i != position):
                dropped.append(SkippedFix(
                    edit.finding, f"would duplicate the dict key {value!r}; fix by hand"))
    return dropped


class _RewriteLiterals(cst.CSTTransformer):
    """The independent second opinion: rewrite the planned literals through the CST."""

    def __init__(self, targets: dict[int, Edit]) -> None:
        super().__init__()
        self.targets = targets
        self.problems: list[str] = []

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        edit = self.targets.get(id(original_node))
        if edit is None:
            return updated_node
        quote_len = len(original_node.prefix) + len(original_node.quote)
        body = original_node.value[quote_len:-len(original_node.quote)]
        new = updated_node.with_changes(
            value=original_node.value[:quote_len]
            + body.replace(edit.old, edit.new)
            + original_node.quote
        )
        if literal_text(new) != edit.new:
            self.problems.append(f"{edit.line}:{edit.column}: the new literal does not read "
                                 f"`{edit.new}`")
        return new

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> cst.FormattedStringText:
        edit = self.targets.get(id(original_node))
        if edit is None:
            return updated_node
        new = updated_node.with_changes(value=original_node.value.replace(edit.old, edit.new))
        if new.value.replace("{{", "{").replace("}}", "}") != edit.new:
            self.problems.append(f"{edit.line}:{edit.column}: the new literal does not read "
                                 f"`{edit.new}`")
        return new


def _verify(
    module: cst.Module, collector: _LiteralCollector, plan: FixPlan, fixed: bytes
) -> str | None:
    targets: dict[int, Edit] = {}
    for edit in plan.edits:
        node = collector.literals[(edit.line, edit.column, edit.end_line, edit.end_column)]
        if isinstance(node, cst.FormattedString):
            parts = [p for p in node.parts if isinstance(p, cst.FormattedStringText)]
            if len(parts) != 1:
                return f"{edit.line}:{edit.column}: f-string is not a single text part"
            targets[id(parts[0])] = edit
        else:
            targets[id(node)] = edit
    rewrite = _RewriteLiterals(targets)
    expected = module.visit(rewrite)
    if rewrite.problems:
        return rewrite.problems[0]
    if expected.bytes != fixed:
        return "the span rewrite and the syntax-tree rewrite disagree"
    try:
        reparsed = parse(fixed)
    except ParseFailure as error:
        return f"the result does not parse ({error})"
    if not reparsed.deep_equals(expected):
        return "the result parses to a different tree"
    return None


# Files --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileFix:
    """One file's planned rewrite: the bytes read, the bytes to write, and what was decided."""

    path: Path  # the file to write (symlinks resolved)
    shown: str  # the path as reported
    original: bytes
    fixed: bytes
    plan: FixPlan
    remaining: tuple[Finding, ...]  # selected findings not fixed (mentions included)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return unified_diff(self.shown, self.original, self.fixed)


def prepare_file(
    path: Path,
    shown: str,
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection,
    allow_unsafe: bool,
) -> FileFix | Failed:
    """Read, scan and plan one file; never raises for a per-file problem."""
    try:
        original = path.read_bytes()
    except FileNotFoundError:
        return Failed(shown, "vanished before it could be read")
    except OSError as error:
        return Failed(shown, f"cannot read: {error.strerror or error}")
    try:
        found = scan_source(shown, original, index, settings)
    except ScanError as error:
        return Failed(shown, str(error))
    except RecursionError:
        return Failed(shown, "too deeply nested to parse")
    selected = tuple(f for f in found if selection.keeps(f))
    outcome = fix_findings(original, selected, index, allow_unsafe, shown)
    if isinstance(outcome, FixError):
        return Failed(shown, outcome.message)
    fixed_ids = {id(e.finding) for e in outcome.plan.edits}
    remaining = tuple(f for f in outcome.findings if id(f) not in fixed_ids)
    return FileFix(path, shown, original, outcome.source, outcome.plan, remaining)


def fix_findings(
    source: bytes,
    findings: Sequence[Finding],
    index: ModelIndex,
    allow_unsafe: bool = False,
    path: str = "<string>",
) -> FixedSource | FixError:
    """Plan and apply fixes for findings already scanned from `source`; `path` picks the
    format (Python unless it names a notebook or a text format)."""
    from modelguard.fix.formats import fix_other_source, fixes_other

    scanned = tuple(findings)
    plan = plan_fixes(scanned, allow_unsafe)
    if not plan.edits:
        return FixedSource(source, plan, scanned)
    if fixes_other(path):
        outcome = fix_other_source(path, source, plan, index)
    else:
        outcome = fix_python_source(source, plan)
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


def write_fix(fix: FileFix) -> Failed | None:
    """Write a changed file atomically, unless it is read-only, gone, or changed since it was
    read. Returns the reason it was not written, or None."""
    if not fix.changed:
        return None
    try:
        mode = fix.path.stat().st_mode
        current = fix.path.read_bytes()
    except FileNotFoundError:
        return Failed(fix.shown, "vanished before it could be rewritten")
    except OSError as error:
        return Failed(fix.shown, f"cannot read before rewriting: {error.strerror or error}")
    if sha256_hex(current) != sha256_hex(fix.original):
        return Failed(fix.shown, "changed on disk since it was read; not rewritten (run again)")
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(fix.path, os.W_OK):
        return Failed(fix.shown, "read-only file; not rewritten")
    try:
        write_atomic(fix.path, fix.fixed)
    except OSError as error:
        return Failed(fix.shown, f"cannot write: {error.strerror or error}")
    return None


def resolve_target(path: Path, root: Path) -> Path | Skipped:
    """The file to read and write for `path`: symlinks are followed only within `root`."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    real_root = root.resolve()
    if target != real_root and real_root not in target.parents:
        return Skipped(str(path), f"symlink to {target}, outside {root.absolute()}; not rewritten")
    return target


def unified_diff(shown: str, before: bytes, after: bytes) -> str:
    """A unified diff of two versions of a file (a Python file decoded as Python would, others as
    UTF-8), line endings kept as they are."""
    encoding = "utf-8-sig"
    if shown.endswith(tuple(PYTHON_SUFFIXES)):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(before).readline)
        except SyntaxError:
            encoding = "utf-8"
    old = before.decode(encoding, "replace")
    new = after.decode(encoding, "replace")
    lines = difflib.unified_diff(
        _diff_lines(old), _diff_lines(new), fromfile=f"a/{shown}", tofile=f"b/{shown}"
    )
    return "".join(lines)


def _diff_lines(text: str) -> list[str]:
    starts = line_starts(text)
    lines = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if a < b]
    if lines and not _LINE_BREAK.search(lines[-1][-1:]):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


@dataclass(frozen=True, slots=True)
class FixRun:
    """Every file's plan, before anything is written."""

    files: tuple[FileFix, ...]
    errors: tuple[Failed, ...]
    skipped: tuple[Skipped, ...]

    @property
    def changed(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def remaining(self) -> tuple[Finding, ...]:
        return tuple(sorted((r for f in self.files for r in f.remaining), key=lambda r: r.sort_key))


def can_fix(name: str) -> bool:
    """Python sources, notebooks and the text formats that hold values (not Markdown, where
    every id is a mention)."""
    from modelguard.fix.formats import fixes_other

    return name.endswith(tuple(PYTHON_SUFFIXES)) or fixes_other(name)


def fix_paths(
    paths: Sequence[Path],
    index: ModelIndex,
    settings: ScanSettings,
    selection: Selection | None = None,
    allow_unsafe: bool = False,
    options: DiscoverOptions | None = None,
) -> FixRun:
    """Plan fixes for the files under `paths` that `can_fix` (default: the current folder). Raises
    FileNotFoundError for a path that does not exist; per-file problems are data."""
    files: list[FileFix] = []
    errors: list[Failed] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()

    def escaped(path: Path) -> None:
        if can_fix(path.name):
            skipped.append(Skipped(display_path(path),
                                   f"symlink to {path.resolve()}, outside the scanned folder; "
                                   "not rewritten"))

    for root in list(paths) or [Path(".")]:
        base = root if root.is_dir() else Path(".")
        for path in discover([root], can_fix, options, on_escape=escaped):
            shown = display_path(path)
            target = resolve_target(path, base)
            if isinstance(target, Skipped):
                skipped.append(Skipped(shown, target.reason))
                continue
            key = target.absolute()
            if key in seen:
                continue
            seen.add(key)
            outcome = prepare_file(
                target, shown, index, settings, selection or Selection(), allow_unsafe
            )
            if isinstance(outcome, Failed):
                errors.append(outcome)
            else:
                files.append(outcome)
    return FixRun(tuple(files), tuple(errors), tuple(skipped))
