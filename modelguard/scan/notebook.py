"""Jupyter notebooks: every code cell goes through the Python scanner; outputs are not read.

IPython syntax (`%pip …`, `!ls`, `x = !cmd`, `obj?`) is masked with a placeholder of the same
length before parsing, so lines and columns inside the cell stay right; the masked text is still
searched for mentions. A cell magic (`%%bash`) makes the whole cell text, except the few magics
whose body is Python (`%%time`, `%%timeit`, `%%capture`). Markdown cells are prose: mentions.
Positions are in the cell's source; `file_line` is the file line where that source line begins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modelguard.registry.index import ModelIndex
from modelguard.scan.depth import too_deep
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_LINE_MAGIC = re.compile(r"^(?P<keep>\s*(?:[\w.,\s\[\]()*]+=\s*)?)(?P<magic>[!%?].*)$")
_HELP = re.compile(r"^(?P<keep>\s*)(?P<magic>[\w.]+\?{1,2})\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%(?P<name>\w+)")


class NotebookError(Exception):
    """Not a notebook this scanner can read; the message is one line for users. When it is a
    code cell that does not parse, `cells` holds the hits of every cell all the same (that
    cell's as far as its lexer vouches for them)."""

    def __init__(self, message: str, cells: tuple[CellHits, ...] = ()) -> None:
        super().__init__(message)
        self.cells = cells


@dataclass(frozen=True, slots=True)
class Cell:
    number: int  # 1-based position among all cells, as notebook editors count them
    kind: str  # "code", "markdown" or "raw"
    source: str
    file_lines: tuple[int, ...]  # the file line of each line of `source`


@dataclass(frozen=True, slots=True)
class CellHits:
    cell: Cell
    hits: list[Hit]
    suppressions: Suppressions


def load_notebook(text: str) -> dict[str, Any]:
    """The notebook's JSON document (nbformat 4), its cells' sources checked."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"invalid notebook JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        if isinstance(document, dict) and "worksheets" in document:
            raise NotebookError("unsupported notebook format (nbformat 3); convert it to v4")
        raise NotebookError("not a notebook: no 'cells' list at the top level")
    for i, raw in enumerate(document["cells"]):
        if not isinstance(raw, dict):
            raise NotebookError(f"cell {i + 1}: expected an object")
        if not isinstance(raw.get("cell_type", ""), str):
            raise NotebookError(f"cell {i + 1}: 'cell_type' must be a string")
        parts = _parts(raw)
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise NotebookError(f"cell {i + 1}: 'source' must be a string or a list of strings")
    return document


def _parts(raw: dict[str, Any]) -> Any:
    source = raw.get("source", "")
    return [source] if isinstance(source, str) else source


def read_cells(text: str, document: dict[str, Any] | None = None) -> list[Cell]:
    """The cells of a notebook (nbformat 4), each with its source joined and located;
    `document` is `load_notebook(text)` when the caller has it already."""
    if document is None:
        document = load_notebook(text)
    where = _source_lines(text)
    cells = []
    for i, raw in enumerate(document["cells"]):
        parts = _parts(raw)
        file_lines: list[int] = []  # where each line of the joined source starts
        starts_line = True
        line = 0
        for j, part in enumerate(parts):
            line = where.get((i, j), 0)
            if part and starts_line:
                file_lines.append(line)
            # A newline inside a part starts the next cell line in the same part (and so on the
            # same file line, as an escape); one at its end starts it in the next part.
            file_lines.extend([line] * part.count("\n", 0, len(part) - 1))
            starts_line = part.endswith("\n") if part else starts_line
        if starts_line:
            file_lines.append(line)
        cells.append(Cell(i + 1, str(raw.get("cell_type", "")), "".join(parts), tuple(file_lines)))
    return cells


# Kernels whose cells are Python, or a superset of it that the Python scanner reads as long as
# a cell parses (Coconut, xonsh, Sage): the language names kernels declare, lowercased.
PYTHON_LANGUAGES = frozenset({
    "python", "python2", "python3", "ipython", "ipython2", "ipython3", "pypy", "pypy3",
    "micropython", "circuitpython", "coconut", "xonsh", "sage", "sagemath",
})
# Of these, the ones whose every cell must parse as Python (else the file is not scanned).
STRICT_PYTHON_LANGUAGES = frozenset({
    "python", "python2", "python3", "ipython", "ipython2", "ipython3", "pypy", "pypy3",
})


def notebook_language(document: Any) -> str:
    """The kernel's language, lowercased: `metadata.language_info.name`, else
    `metadata.kernelspec.language`, else "python" (Jupyter's default kernel)."""
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return "python"
    for holder, key in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(holder)
        if isinstance(value, dict) and isinstance(value.get(key), str) and value[key].strip():
            return str(value[key]).strip().lower()
    return "python"


def scan_notebook(text: str, index: ModelIndex, parameters: bool = True) -> list[CellHits]:
    """Hits per cell; raises NotebookError for bad JSON or a code cell that does not parse (the
    first such cell names the error; every cell is scanned, and the error carries their hits).
    With `parameters`, a Python code cell's MG005 sites too (`scan.parameters`; each cell on
    its own, so a model assigned in another cell is not seen).

    The prefilter reads each cell's decoded source, not the file's bytes: in the JSON the
    source is escaped once more (a Python `\\x2d` is written `\\\\x2d`, a newline `\\n`, any
    character may be `\\uXXXX`) and may be split across strings, so the bytes need not show
    an id that the source holds."""
    document = load_notebook(text)
    if not any(index.may_contain("".join(_parts(raw))) for raw in document["cells"]):
        return []
    language = notebook_language(document)
    python = language in PYTHON_LANGUAGES
    strict = language in STRICT_PYTHON_LANGUAGES
    found = []
    failure: str | None = None
    for cell in read_cells(text, document):
        if not cell.source or not index.may_contain(cell.source):
            continue
        if cell.kind == "code" and python:
            try:
                hits, suppressions = _scan_code(cell, index, strict=strict)
            except NotebookError as error:
                failure = failure or str(error)
                (partial,) = error.cells
                hits, suppressions = partial.hits, partial.suppressions
            if parameters:
                hits = [*hits, *_parameter_hits(cell, index)]
        elif cell.kind in ("code", "markdown"):
            hits, suppressions = _mentions(cell.source, index), {}
        else:
            continue
        found.append(CellHits(cell, hits, suppressions))
    if failure is not None:
        raise NotebookError(failure, tuple(found))
    return found


def _scan_code(cell: Cell, index: ModelIndex, *, strict: bool = True
               ) -> tuple[list[Hit], Suppressions]:
    """A code cell as Python. Not `strict` (a kernel whose language only extends Python), a
    cell that does not parse is read as text: its ids are mentions."""
    # libcst takes a third of a second to import: only a cell that may name a model pays it.
    from modelguard.scan.python import ParseFailure, scan_python

    deep = too_deep(cell.source)
    if deep is not None:
        if not strict:
            return _mentions(cell.source, index), {}
        raise NotebookError(f"cell {cell.number}: {deep}", (CellHits(cell, [], {}),))
    magic = _CELL_MAGIC.match(cell.source)
    if magic is not None and magic.group("name") not in PYTHON_CELL_MAGICS:
        return _mentions(cell.source, index), {}
    masked, regions = mask_magics(cell.source)
    try:
        # Most cells are plain Python; masking is only for those that are not. A line that
        # looks like a magic may be Python (`% b` continuing a bracket): only a parse of the
        # whole cell tells.
        return scan_python(cell.source, index, whole_module=bool(regions))
    except ParseFailure:
        pass
    try:
        hits, suppressions = scan_python(masked, index)
    except ParseFailure as error:
        if not strict:
            return _mentions(cell.source, index), {}
        partial = CellHits(cell, [*error.hits, *_magic_mentions(cell, regions, index)],
                           error.suppressions)
        raise NotebookError(f"cell {cell.number}: {error}", (partial,)) from None
    hits.extend(_magic_mentions(cell, regions, index))
    return hits, suppressions


def _parameter_hits(cell: Cell, index: ModelIndex) -> list[Hit]:
    """Rule MG005 in a code cell, read with its IPython lines masked (same length, so the
    positions are the cell's)."""
    from modelguard.scan.parameters import parameter_hits

    return parameter_hits(mask_magics(cell.source)[0], index)


def _magic_mentions(
    cell: Cell, regions: list[tuple[int, int, int]], index: ModelIndex
) -> list[Hit]:
    hits = []
    for line, start, end in regions:
        text = cell.source.split("\n")[line - 1][start:end]
        hits.extend(mention_hits(text, Span(line, start + 1, line, end + 1), index))
    return hits


def _mentions(source: str, index: ModelIndex) -> list[Hit]:
    hits = []
    for number, line in enumerate(source.split("\n"), start=1):
        hits.extend(mention_hits(line, Span(number, 1, number, len(line) + 1), index))
    return hits


def mask_magics(source: str) -> tuple[str, list[tuple[int, int, int]]]:
    """The cell with IPython syntax replaced by `0` and spaces (same length, valid Python), and
    the masked regions as (line, start, end) with 0-based, end-exclusive character offsets.
    A continuation line of a magic (after a trailing backslash) becomes blank."""
    lines = source.split("\n")
    regions: list[tuple[int, int, int]] = []
    continued = False
    for i, line in enumerate(lines):
        body = line[:-1] if line.endswith("\r") else line
        end = len(body)
        if continued:
            start = end - len(body.lstrip())
            masked = " " * end
        else:
            found = _LINE_MAGIC.match(body) or _HELP.match(body)
            if found is None:
                continue
            start = found.start("magic")
            masked = body[:start] + "0" + " " * (end - start - 1)
        continued = body.endswith("\\")
        lines[i] = masked + line[end:]
        if end > start:
            regions.append((i + 1, start, end))
    return "\n".join(lines), regions


# JSON's whitespace, and a JSON string token.
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_DECODER = json.JSONDecoder()


def _source_lines(text: str) -> dict[tuple[int, int], int]:
    """File line of every string in `cells[i].source` (part j; a string source is part 0)."""
    found: dict[tuple[int, int], int] = {}
    line = 1
    last = 0
    for key, (start, _end) in sorted(source_tokens(text).items(), key=lambda item: item[1]):
        line += text.count("\n", last, start)
        last = start
        found[key] = line
    return found


def source_tokens(text: str) -> dict[tuple[int, int], tuple[int, int]]:
    """Where every string of `cells[i].source` is written in the notebook's JSON text: (i, j) →
    the character offsets of the JSON string token, quotes included (a string source is part 0).
    `text` must be valid JSON; `fix` edits these tokens in place.

    Only the path to the sources is walked; every other value (outputs, images, metadata) is
    passed over by the JSON decoder, in C."""
    found: dict[tuple[int, int], tuple[int, int]] = {}

    def skip(at: int) -> int:
        return int(_DECODER.raw_decode(text, at)[1])

    def source(cell: int, at: int) -> int:
        if text.startswith('"', at):
            end = skip(at)
            found[(cell, 0)] = (at, end)
            return end

        def part(number: int, at: int) -> int:
            end = skip(at)
            if text.startswith('"', at):
                found[(cell, number)] = (at, end)
            return end

        return _json_array(text, at, part) if text.startswith("[", at) else skip(at)

    def cell(number: int, at: int) -> int:
        if not text.startswith("{", at):
            return skip(at)
        return _json_object(text, at, lambda key, at: source(number, at) if key == "source"
                            else skip(at))

    def top(key: str, at: int) -> int:
        return _json_array(text, at, cell) if key == "cells" and text.startswith("[", at) \
            else skip(at)

    start = _SPACE.match(text).end()  # type: ignore[union-attr]
    if text.startswith("{", start):
        _json_object(text, start, top)
    return found


def _json_object(text: str, at: int, member: Callable[[str, int], int]) -> int:
    """Read the object at `at`, handing each value's offset to `member` (which returns where
    the value ends); return where the object ends."""
    at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    while not text.startswith("}", at):
        key = _STRING.match(text, at)
        assert key is not None  # valid JSON
        colon = _SPACE.match(text, key.end()).end()  # type: ignore[union-attr]
        value = _SPACE.match(text, colon + 1).end()  # type: ignore[union-attr]
        end = member(json.loads(key.group()), value)
        at = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", at):
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    return at + 1


def _json_array(text: str, at: int, item: Callable[[int, int], int]) -> int:
    """`_json_object` for an array: `item` gets each value's index and offset."""
    at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    number = 0
    while not text.startswith("]", at):
        end = item(number, at)
        number += 1
        at = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", at):
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    return at + 1
