"""Notebooks: code cells through the Python scanner, IPython syntax masked, positions per cell."""

from __future__ import annotations

import json
from typing import Any

import libcst
import pytest

from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, scan_source
from modelguard.scan.notebook import mask_magics, read_cells, source_tokens
from tests.conftest import AFTER, FIXTURES

# (cell, line in cell, column, end column, line in file, rule, fix)
Row = tuple[int | None, int, int, int, int | None, str, str]


def _notebook(*cells: tuple[str, Any], language: str = "python") -> str:
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for kind, source in cells
        ],
        "metadata": {"language_info": {"name": language}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def _scan(index: ModelIndex, text: str) -> list[Row]:
    found = scan_source("nb.ipynb", text, index, ScanSettings(AFTER))
    return [
        (f.cell, f.line, f.column, f.end_column, f.file_line, f.rule.code, f.fix.value) for f in found
    ]


def test_fixture_notebook(index: ModelIndex) -> None:
    """Several cells, outputs, magics: outputs are not read; line 34's output is not a finding."""
    text = (FIXTURES / "projects" / "formats" / "cookbook.ipynb").read_text()
    assert _scan(index, text) == [
        (1, 3, 28, 37, 9, "MG004", "none"),  # markdown prose
        (2, 2, 7, 16, 19, "MG004", "none"),  # inside `!echo …`
        (3, 4, 11, 28, 42, "MG001", "safe"),  # model= after an indented %time
        (3, 8, 15, 24, 46, "MG004", "none"),  # the suppressed line 7 is absent
        (4, 2, 64, 73, 56, "MG004", "none"),  # %%bash cell: text
        (5, 2, 12, 30, 64, "MG001", "safe"),  # %%time cell: Python; string source
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param([("code", ['x = "gpt-4-32k"'])], [(1, 1, 5, 16, 7, "MG001", "safe")], id="list-source"),
        pytest.param([("code", 'a = 1\nx = "gpt-4-32k"\n')], [(1, 2, 5, 16, 6, "MG001", "safe")], id="string-source"),
        pytest.param([("code", ["a = (\n", "  1)\n", 'x = "gpt-4-32k"'])], [(1, 3, 5, 16, 9, "MG001", "safe")], id="third-part"),
        pytest.param([("code", ["x = ", '"gpt-4-32k"'])], [(1, 1, 5, 16, 7, "MG001", "safe")], id="line-split-across-parts-starts-at-first"),
        pytest.param([("markdown", ["# t\n"]), ("code", ['x = "gpt-4-32k"'])], [(2, 1, 5, 16, 14, "MG001", "safe")], id="cells-count-markdown-too"),
        pytest.param([("raw", ["gpt-4-32k"])], [], id="raw-cells-skipped"),
        pytest.param([("code", ["!pip install x  # gpt-4-32k\n", "y = !ls gpt-4-32k"])], [(1, 1, 19, 28, 7, "MG004", "none"), (1, 2, 9, 18, 8, "MG004", "none")], id="shell-lines"),
        pytest.param([("code", ["%%writefile a.py\n", 'x = "gpt-4-32k"'])], [(1, 2, 6, 15, 8, "MG004", "none")], id="cell-magic-is-text"),
        pytest.param([("code", ['x = "gpt-4-32k"  # modelguard: ignore'])], [], id="suppression"),
    ],
)
def test_cells(index: ModelIndex, cells: list[tuple[str, Any]], expected: list[Row]) -> None:
    assert _scan(index, _notebook(*cells)) == expected


def test_cells_of_other_kernels_are_text(index: ModelIndex) -> None:
    text = _notebook(("code", ['x <- "gpt-4-32k"']), language="R")
    assert _scan(index, text) == [(1, 1, 7, 16, 7, "MG004", "none")]


@pytest.mark.parametrize(
    ("source", "masked"),
    [
        pytest.param("%pip install x\nimport x", "0             \nimport x", id="line-magic"),
        pytest.param("!ls", "0  ", id="shell"),
        pytest.param("files = !ls -l", "files = 0     ", id="assigned-shell"),
        pytest.param("if a:\n    %time f()", "if a:\n    0        ", id="indented"),
        pytest.param("!pip install \\\n    x\ny = 1", "0             \n     \ny = 1", id="continuation"),
        pytest.param("obj?", "0   ", id="help"),
        pytest.param("%%time\nx = 1", "0     \nx = 1", id="cell-magic-line"),
        pytest.param("x = 5 % 3\ny = a != b", "x = 5 % 3\ny = a != b", id="operators-untouched"),
    ],
)
def test_mask_magics(source: str, masked: str) -> None:
    result, _ = mask_magics(source)
    assert result == masked
    assert [len(line) for line in result.split("\n")] == [len(line) for line in source.split("\n")]
    libcst.parse_module(result)  # the masked cell is Python


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"cells": [}, "gpt-4-32k"', "invalid notebook JSON: Expecting value at line 1, column 12", id="bad-json"),
        pytest.param('["gpt-4-32k"]', "not a notebook: no 'cells' list at the top level", id="not-an-object"),
        pytest.param('{"worksheets": [], "x": "gpt-4-32k"}', "unsupported notebook format (nbformat 3)", id="nbformat-3"),
        pytest.param('{"cells": [{"cell_type": "code", "source": 3}], "x": "gpt-4-32k"}', "cell 1: 'source' must be", id="bad-source"),
        pytest.param(_notebook(("code", "x = 'gpt-4-32k'\ndef (")), "cell 1: syntax error at line 2", id="cell-syntax-error"),
    ],
)
def test_unreadable_notebooks_raise_scan_error(index: ModelIndex, text: str, message: str) -> None:
    # Every case mentions an id so that the prefilter lets it through.
    with pytest.raises(ScanError) as raised:
        scan_source("nb.ipynb", text, index, ScanSettings(AFTER))
    assert str(raised.value).startswith(message)


def test_read_cells_joins_sources() -> None:
    cells = read_cells(_notebook(("markdown", ["a\n", "b"]), ("code", "c\n")))
    assert [(c.number, c.kind, c.source) for c in cells] == [(1, "markdown", "a\nb"), (2, "code", "c\n")]


def _sources(notebook: object) -> dict[tuple[int, int], str]:
    """Every string of `cells[i].source`, as `json` reads the notebook (the reference)."""
    found: dict[tuple[int, int], str] = {}
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    for i, cell in enumerate(cells if isinstance(cells, list) else []):
        source = cell.get("source") if isinstance(cell, dict) else None
        parts = [source] if isinstance(source, str) else source if isinstance(source, list) else []
        found.update({(i, j): part for j, part in enumerate(parts) if isinstance(part, str)})
    return found


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"cells": [{"source": ["a\\n", "b"]}]}', id="list-source"),
        pytest.param('{"cells": [{"source": "a\\nb"}]}', id="string-source"),
        pytest.param('{ "cells" : [ { "source" : [ "x" , "y" ] } , { } ] }', id="spaces"),
        pytest.param('{\n\t"cells":\r\n[{"source":[]},{"source":["\\"q\\"", 1, null]}]}',
                     id="escapes-and-non-strings"),
        pytest.param('{"metadata": {"source": ["no"]}, "cells": [{"outputs": [{"source": "no",'
                     ' "data": {"text/plain": ["[", "{", "\\\\"]}}], "source": ["yes"]}]}',
                     id="source-keys-elsewhere"),
        pytest.param('{"cells": [{"source": ["a"], "source": ["b"]}]}', id="duplicate-key"),
        pytest.param('{"nbformat": 4, "cells": {"source": "no"}}', id="cells-not-a-list"),
        pytest.param('[{"cells": [{"source": "no"}]}]', id="not-an-object"),
        pytest.param('{"cells": [{"source": ["\\u00e9\\ud83d\\ude00 gpt-4"]}], "x": [1.5e3, -0,'
                     ' true, false, null, NaN]}', id="unicode-escapes-and-numbers"),
    ],
)
def test_source_tokens_are_where_json_reads_the_sources(text: str) -> None:
    tokens = source_tokens(text)
    found = {key: json.loads(text[start:end]) for key, (start, end) in tokens.items()}
    assert found == _sources(json.loads(text))
