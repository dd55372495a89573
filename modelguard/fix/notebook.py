"""`fix` for notebooks: each edit in a cell's source is mapped to the characters of the JSON
string token that holds it in the raw file (decoding the token ourselves, escapes and all), and
the raw file is edited there; `json.load` / `json.dump` would re-indent, re-escape and re-order
the file. The result must re-scan to the same ids and still parse to the same notebook but for
the edited sources.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from typing import Any

from modelguard.fix.plan import (
    Edit,
    EditMismatch,
    FixedSource,
    FixError,
    FixPlan,
    SkippedFix,
    apply_fixes,
    line_starts,
)
from modelguard.fix.text import decode_utf8, same_hits
from modelguard.registry.index import ModelIndex
from modelguard.scan.notebook import NotebookError, read_cells, scan_notebook, source_tokens

NOTEBOOK_SUFFIX = ".ipynb"


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
    decoded = decode_utf8(source)
    if isinstance(decoded, FixError):
        return decoded
    bom, text = decoded
    try:
        cells = read_cells(text)
        document = json.loads(text)
    except (NotebookError, ValueError) as error:
        return FixError(str(error))
    # Taking a keyword argument out (MG005 with --unsafe-fixes) is a syntax-tree edit that only
    # the Python fix makes; in a cell, the argument is left to a human.
    plan = plan.without([SkippedFix(e.finding, "removing an argument in a notebook cell; fix "
                                               "by hand") for e in plan.edits if _removes(e)])
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


def _removes(edit: Edit) -> bool:
    return edit.finding.parameter is not None and edit.new == ""


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
        before = {c.cell.number: c.hits for c in scan_notebook(text, index, parameters=False)}
        after = {c.cell.number: c.hits for c in scan_notebook(fixed, index, parameters=False)}
    except NotebookError as error:
        return f"the result does not scan: {error}"
    for number in sorted(before.keys() | after.keys()):
        problem = same_hits(before.get(number, []), after.get(number, []),
                            [e for e in by_cell.get(number, []) if e.finding.parameter is None])
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
