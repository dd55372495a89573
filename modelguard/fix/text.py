"""`fix` for text formats (YAML, JSON, TOML, .env, INI, JS/TS, the source languages of
scan.languages): `apply_fixes` on the decoded text, lines counted as the text scanner counts
them (LF only). Nothing is parsed and dumped again,
so comments, key order, indentation, escapes, line endings, a UTF-8 BOM and the final newline all
survive.

Every result is verified before it is returned, or the file is left alone with the reason:
re-scanning the new text must find the same ids in the same contexts, with the edited ones now
reading their replacement; the lines outside the edits must be unchanged; a JSON or TOML file
that parsed before must still parse, to the same data but for the edited strings.
"""

from __future__ import annotations

import codecs
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from modelguard.fix.plan import Edit, EditMismatch, FixedSource, FixError, FixPlan, apply_fixes
from modelguard.registry.index import ModelIndex
from modelguard.scan import scan_format
from modelguard.scan.formats import TextFormat
from modelguard.scan.hits import Hit
from modelguard.tomlcompat import tomllib

_BOM = codecs.BOM_UTF8


def decode_utf8(source: bytes) -> tuple[bytes, str] | FixError:
    bom = _BOM if source.startswith(_BOM) else b""
    try:
        return bom, source[len(bom):].decode("utf-8")
    except UnicodeDecodeError as error:
        return FixError(f"cannot decode as UTF-8: byte {error.start + len(bom)}")


def lf_line_starts(text: str) -> list[int]:
    """Offsets where each line begins, as the text scanner counts lines (a CR before the LF
    belongs to the line; a lone CR does not end one)."""
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def fix_text_source(
    source: bytes, fmt: TextFormat, plan: FixPlan, index: ModelIndex
) -> FixedSource | FixError:
    """Apply `plan` to a text file (UTF-8, optional BOM kept), then verify the result."""
    decoded = decode_utf8(source)
    if isinstance(decoded, FixError):
        return decoded
    bom, text = decoded
    try:
        fixed = apply_fixes(text, plan, lf_line_starts(text))
    except EditMismatch as error:
        return FixError(str(error))
    problem = (
        _only_planned_lines(text, fixed, plan.edits)
        or same_hits(scan_format(text, fmt, index)[0], scan_format(fixed, fmt, index)[0],
                     plan.edits)
        or _still_parses(text, fixed, fmt, plan.edits)
    )
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(bom + fixed.encode("utf-8"), plan)


def _only_planned_lines(text: str, fixed: str, edits: Sequence[Edit]) -> str | None:
    """Every line without an edit is unchanged, and every edited line is the old one with the id
    replaced at its column (rebuilt line by line, independently of `apply_fixes`)."""
    old_lines, new_lines = text.split("\n"), fixed.split("\n")
    if len(old_lines) != len(new_lines):
        return "the number of lines changed"
    by_line: dict[int, list[Edit]] = defaultdict(list)
    for edit in edits:
        if edit.line != edit.end_line:
            return f"{edit.line}:{edit.column}: an edit spans lines"
        by_line[edit.line].append(edit)
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        expected = old
        for edit in sorted(by_line.get(number, ()), key=lambda e: e.column, reverse=True):
            at = expected.find(edit.old, edit.column - 1, edit.end_column - 1)
            if at == -1:
                return f"{edit.line}:{edit.column}: `{edit.old}` is not in its span"
            expected = expected[:at] + edit.new + expected[at + len(edit.old):]
        if new != expected:
            return f"line {number} changed outside the planned edits"
    return None


_HitKey = tuple[int, int, str, str, str]


def same_hits(before: Iterable[Hit], after: Iterable[Hit], edits: Sequence[Edit]) -> str | None:
    """The re-scan finds what the first scan found, shifted by the edits on the same line, with
    each edited id now reading its replacement in the same context and fix class."""
    edited: dict[tuple[int, int, int, int], Edit | None] = {
        (e.line, e.column, e.end_line, e.end_column): e for e in edits
    }
    growth: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for edit in edits:
        growth[edit.line].append((edit.column, len(edit.new) - len(edit.old)))
    expected: list[_HitKey] = []
    for hit in before:
        span = hit.span
        shift = sum(d for column, d in growth.get(span.line, ()) if column < span.column)
        planned = edited.pop((span.line, span.column, span.end_line, span.end_column), None)
        written = hit.written if planned is None else planned.new
        expected.append((span.line, span.column + shift, written, hit.context, hit.fix.value))
    if edited:
        line, column = next(iter(edited))[:2]
        return f"{line}:{column}: the scanner found no id at the planned span"
    found = sorted((h.span.line, h.span.column, h.written, h.context, h.fix.value) for h in after)
    if found == sorted(expected):
        return None
    extra = sorted(set(found) - set(expected)) or sorted(set(expected) - set(found))
    line, column, written, context, _ = extra[0] if extra else found[0]
    return f"{line}:{column}: the re-scan reads `{written}` ({context}) differently"


def _still_parses(text: str, fixed: str, fmt: TextFormat, edits: Sequence[Edit]) -> str | None:
    """JSON and TOML that parsed before parse after, to the same data but the edited strings."""
    if fmt is TextFormat.JSON:
        loads: Any = json.loads
        errors: tuple[type[Exception], ...] = (ValueError,)
    elif fmt is TextFormat.TOML:
        loads, errors = tomllib.loads, (tomllib.TOMLDecodeError,)
    else:
        return None
    try:
        old = loads(text)
    except errors:
        return None  # JSON with comments (.jsonc), templates: the line checks must do
    try:
        new = loads(fixed)
    except errors as error:
        return f"the result no longer parses as {fmt.value.upper()}: {error}"
    changes = _string_changes(old, new)
    if changes is None:
        return f"the {fmt.value.upper()} data changed shape (a rewritten key duplicates another?)"
    if Counter(changes) != Counter((e.old, e.new) for e in edits):
        return f"the {fmt.value.upper()} data changed in other places than the planned strings"
    return None


def _string_changes(old: Any, new: Any) -> list[tuple[str, str]] | None:
    """The (old, new) pairs of strings (values and keys) that differ between two parsed
    documents of the same shape, or None when anything else differs."""
    if isinstance(old, dict) and isinstance(new, dict):
        if len(old) != len(new):
            return None
        changes: list[tuple[str, str]] = []
        for (old_key, old_value), (new_key, new_value) in zip(old.items(), new.items(),
                                                              strict=True):
            if old_key != new_key:
                changes.append((old_key, new_key))
            inner = _string_changes(old_value, new_value)
            if inner is None:
                return None
            changes += inner
        return changes
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return None
        changes = []
        for a, b in zip(old, new, strict=True):
            inner = _string_changes(a, b)
            if inner is None:
                return None
            changes += inner
        return changes
    if isinstance(old, str) and isinstance(new, str):
        return [] if old == new else [(old, new)]
    if type(old) is type(new) and (old == new or repr(old) == repr(new)):
        return []
    return None
