"""`fix` beyond Python: text formats and notebooks, by span edits on the file's own text.

Nothing is parsed and dumped again: the planned spans are edited in place, so comments, key
order, indentation, escapes, line endings, a UTF-8 BOM and the final newline all survive.

- Text formats (YAML, JSON, TOML, .env, INI, JS/TS): `apply_fixes` on the decoded text, lines
  counted as the text scanner counts them (LF only).
- Notebooks: each edit in a cell's source is mapped to the characters of the JSON string token
  that holds it in the raw file (decoding the token ourselves, escapes and all), and the raw file
  is edited there; `json.load` / `json.dump` would re-indent, re-escape and re-order the file.

Every result is verified before it is returned, or the file is left alone with the reason:
re-scanning the new text must find the same ids in the same contexts, with the edited ones now
reading their replacement; the lines outside the edits must be unchanged; a JSON or TOML file
(and a notebook) that parsed before must still parse, to the same data but for the edited
strings.
"""

from __future__ import annotations

import bisect
import codecs
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from modelguard.fix.run import (
    Edit,
    EditMismatch,
    FixedSource,
    FixError,
    FixPlan,
    apply_fixes,
    line_starts,
)
from modelguard.registry.index import ModelIndex
from modelguard.scan.formats import TextFormat, text_format
from modelguard.scan.hits import Hit
from modelguard.scan.notebook import NotebookError, read_cells, scan_notebook, source_tokens
from modelguard.scan.text import scan_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NOTEBOOK_SUFFIX = ".ipynb"
_BOM = codecs.BOM_UTF8


def fixes_other(path: str) -> bool:
    """True for the files this module fixes: notebooks and text formats except Markdown."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return True
    fmt = text_format(path)
    return fmt is not None and fmt is not TextFormat.MARKDOWN


def fix_other_source(
    path: str, source: bytes, plan: FixPlan, index: ModelIndex
) -> FixedSource | FixError:
    """Apply `plan` to a notebook or text file given as bytes, verified; never raises."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return fix_notebook_source(source, plan, index)
    fmt = text_format(path)
    if fmt is None or fmt is TextFormat.MARKDOWN:
        return FixError(f"{path}: not a format `fix` rewrites")
    return fix_text_source(source, fmt, plan, index)


def _decode(source: bytes) -> tuple[bytes, str] | FixError:
    bom = _BOM if source.startswith(_BOM) else b""
    try:
        return bom, source[len(bom):].decode("utf-8")
    except UnicodeDecodeError as error:
        return FixError(f"cannot decode as UTF-8: byte {error.start + len(bom)}")


# Text formats ------------------------------------------------------------------------------------


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
    decoded = _decode(source)
    if isinstance(decoded, FixError):
        return decoded
    bom, text = decoded
    try:
        fixed = apply_fixes(text, plan, lf_line_starts(text))
    except EditMismatch as error:
        return FixError(str(error))
    problem = (
        _only_planned_lines(text, fixed, plan.edits)
        or _same_hits(scan_text(text, fmt, index)[0], scan_text(fixed, fmt, index)[0], plan.edits)
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


def _same_hits(before: Iterable[Hit], after: Iterable[Hit], edits: Sequence[Edit]) -> str | None:
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


# Notebooks ---------------------------------------------------------------------------------------

_JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                 "t": "\t"}


def decode_json_string(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Decode the JSON string token `text[start:end]` (quotes included) and say where each
    decoded character is written: offsets[k] is the offset in `text` where character k's
    (possibly escaped) spelling begins; offsets[len(value)] is the closing quote's offset."""
    chars: list[str] = []
    offsets: list[int] = []
    i, stop = start + 1, end - 1
    while i < stop:
        char = text[i]
        offsets.append(i)
        if char != "\\":
            chars.append(char)
            i += 1
            continue
        kind = text[i + 1]
        if kind != "u":
            chars.append(_JSON_ESCAPES[kind])
            i += 2
            continue
        code, width = int(text[i + 2:i + 6], 16), 6
        if 0xD800 <= code < 0xDC00 and text.startswith("\\u", i + 6):
            low = int(text[i + 8:i + 12], 16)
            if 0xDC00 <= low < 0xE000:
                code, width = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), 12
        chars.append(chr(code))
        i += width
    offsets.append(stop)
    return "".join(chars), offsets


def _needs_json_escape(value: str) -> bool:
    return any(c in '"\\' or ord(c) < 0x20 for c in value)


def fix_notebook_source(source: bytes, plan: FixPlan, index: ModelIndex) -> FixedSource | FixError:
    """Apply `plan` (spans in cell sources, `finding.cell` naming the cell) to a notebook's raw
    JSON text: only the characters of each id change in the file."""
    decoded = _decode(source)
    if isinstance(decoded, FixError):
        return decoded
    bom, text = decoded
    try:
        cells = read_cells(text)
        document = json.loads(text)
    except (NotebookError, ValueError) as error:
        return FixError(str(error))
    tokens = source_tokens(text)
    by_cell: dict[int, list[Edit]] = defaultdict(list)
    for edit in plan.edits:
        if edit.finding.cell is None or not 1 <= edit.finding.cell <= len(cells):
            return FixError(f"{edit.line}:{edit.column}: the edit names no cell of the notebook")
        by_cell[edit.finding.cell].append(edit)
    raw_starts = line_starts(text)
    raw_edits: list[Edit] = []
    expected: dict[int, str] = {}
    for number, edits in sorted(by_cell.items()):
        cell = cells[number - 1]
        where = f"cell {number}"
        try:
            expected[number] = apply_fixes(cell.source, FixPlan(tuple(edits)))
        except EditMismatch as error:
            return FixError(f"{where}: {error}")
        raw = document["cells"][number - 1].get("source", "")
        parts = [raw] if isinstance(raw, str) else raw
        located: list[tuple[int, str, list[int]]] = []  # (offset in the source, value, offsets)
        offset = 0
        for j, part in enumerate(parts):
            token = tokens.get((number - 1, j))
            if token is None:
                return FixError(f"{where}: cannot find source string {j + 1} in the file")
            value, offsets = decode_json_string(text, *token)
            if value != part:
                return FixError(f"{where}: source string {j + 1} reads differently in the file")
            located.append((offset, value, offsets))
            offset += len(value)
        cell_starts = line_starts(cell.source)
        for edit in edits:
            start = cell_starts[edit.line - 1] + edit.column - 1
            end = cell_starts[edit.end_line - 1] + edit.end_column - 1
            at = cell.source.index(edit.old, start, end)
            holder = next(((o, v, offs) for o, v, offs in located if o <= at < o + len(v)), None)
            if holder is None or at + len(edit.old) > holder[0] + len(holder[1]):
                return FixError(f"{where}:{edit.line}:{edit.column}: `{edit.old}` is split "
                                "across source strings; fix by hand")
            first = holder[2][at - holder[0]]
            last = holder[2][at - holder[0] + len(edit.old)]
            if text[first:last] != edit.old:
                return FixError(f"{where}:{edit.line}:{edit.column}: `{edit.old}` is written "
                                "with JSON escapes; fix by hand")
            if _needs_json_escape(edit.new):
                return FixError(f"{where}: the replacement `{edit.new}` would need JSON escapes")
            line = bisect.bisect_right(raw_starts, first)
            column = first - raw_starts[line - 1] + 1
            raw_edits.append(Edit(line, column, line, column + len(edit.old), edit.old, edit.new,
                                  edit.finding))
    try:
        fixed = apply_fixes(text, FixPlan(tuple(sorted(raw_edits, key=lambda e: e.start))))
    except EditMismatch as error:
        return FixError(str(error))
    problem = _verify_notebook(text, fixed, document, expected, by_cell, index)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(bom + fixed.encode("utf-8"), plan)


def _verify_notebook(
    text: str,
    fixed: str,
    document: Any,
    expected: dict[int, str],
    by_cell: dict[int, list[Edit]],
    index: ModelIndex,
) -> str | None:
    """The new file parses; its cells' sources are the planned ones and everything else in the
    document is equal; the re-scan of every cell agrees with the first scan but the edits."""
    try:
        new_document = json.loads(fixed)
        new_cells = read_cells(fixed)
    except (NotebookError, ValueError) as error:
        return f"the result is not a notebook any more: {error}"
    old_cells = read_cells(text)
    if len(new_cells) != len(old_cells):
        return "the number of cells changed"
    for old, new in zip(old_cells, new_cells, strict=True):
        if new.source != expected.get(old.number, old.source):
            return f"cell {old.number}: the source is not the planned one"
    if _without_sources(new_document) != _without_sources(document):
        return "the notebook changed outside its cells' sources"
    try:
        before = {c.cell.number: c.hits for c in scan_notebook(text, index)}
        after = {c.cell.number: c.hits for c in scan_notebook(fixed, index)}
    except NotebookError as error:
        return f"the result does not scan: {error}"
    for number in sorted(before.keys() | after.keys()):
        problem = _same_hits(before.get(number, []), after.get(number, []),
                             by_cell.get(number, []))
        if problem is not None:
            return f"cell {number}: {problem}"
    return None


def _without_sources(document: Any) -> Any:
    """The notebook with each cell's source replaced by the number of its strings."""
    cells = [
        {**cell, "source": len(cell["source"]) if isinstance(cell.get("source"), list) else -1}
        if isinstance(cell, dict) else cell
        for cell in document.get("cells", [])
    ]
    return {**document, "cells": cells}
