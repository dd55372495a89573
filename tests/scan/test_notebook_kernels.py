"""Notebooks: which kernels' code cells are read as Python, and ids the file's JSON escapes hide."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, scan_source
from modelguard.scan.notebook import notebook_language
from tests.conftest import AFTER

CELL = 'x = "gpt-4-32k"'


def _notebook(metadata: dict[str, Any], *sources: Any, kind: str = "code") -> str:
    cells = [{"cell_type": kind, "metadata": {}, "source": source}
             | ({"outputs": [], "execution_count": None} if kind == "code" else {})
             for source in sources]
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4,
                       "nbformat_minor": 5}, indent=1) + "\n"


def _rules(index: ModelIndex, text: str) -> list[tuple[int | None, int, str]]:
    found = scan_source("nb.ipynb", text, index, ScanSettings(AFTER))
    return [(f.cell, f.line, f.rule.code) for f in found]


@pytest.mark.parametrize(("metadata", "scanned_as"), [
    pytest.param({}, "python", id="no-metadata"),
    pytest.param({"kernelspec": {"language": "python", "name": "python3"}}, "python",
                 id="kernelspec-python"),
    pytest.param({"language_info": {"name": "python"}}, "python", id="language-info-python"),
    pytest.param({"kernelspec": {"language": "Python"}}, "python", id="case-insensitive"),
    pytest.param({"kernelspec": {"language": "coconut", "name": "coconut"},
                  "language_info": {"name": "coconut", "codemirror_mode": {"name": "python"}}},
                 "python", id="coconut"),
    pytest.param({"kernelspec": {"language": "xonsh"}}, "python", id="xonsh"),
    pytest.param({"kernelspec": {"language": "sage"}}, "python", id="sage"),
    pytest.param({"language_info": {"name": "ipython3"}}, "python", id="ipython3"),
    pytest.param({"kernelspec": {"language": "R"}, "language_info": {"name": "R"}}, "text",
                 id="r"),
    pytest.param({"kernelspec": {"language": "julia"}}, "text", id="julia"),
    pytest.param({"language_info": {"name": "javascript"}, "kernelspec": {"language": "python"}},
                 "text", id="language-info-wins"),
    pytest.param({"language_info": {"name": ""}, "kernelspec": {"language": "R"}}, "text",
                 id="empty-name-falls-back-to-kernelspec"),
    pytest.param({"language_info": "python3"}, "python", id="malformed-metadata"),
])
def test_kernel_metadata_decides_how_code_cells_are_read(
        index: ModelIndex, metadata: dict[str, Any], scanned_as: str) -> None:
    rule = {"python": "MG001", "text": "MG004"}[scanned_as]
    assert _rules(index, _notebook(metadata, [CELL])) == [(1, 1, rule)]


@pytest.mark.parametrize(("metadata", "expected"), [
    pytest.param({"metadata": {"kernelspec": {"language": "coconut"}}}, "coconut", id="kernelspec"),
    pytest.param({"metadata": {"language_info": {"name": " R "}}}, "r", id="trimmed-lowered"),
    pytest.param({"metadata": []}, "python", id="not-an-object"),
    pytest.param({}, "python", id="absent"),
])
def test_notebook_language(metadata: dict[str, Any], expected: str) -> None:
    assert notebook_language(metadata) == expected


def test_a_superset_cell_that_is_not_python_is_text(index: ModelIndex) -> None:
    coconut = {"kernelspec": {"language": "coconut"}}
    text = _notebook(coconut, ['model = "gpt-4-32k" |> print\n', "def f() = 1\n"], [CELL])
    assert _rules(index, text) == [(1, 1, "MG004"), (2, 1, "MG001")]


def test_a_python_cell_that_does_not_parse_still_fails_the_file(index: ModelIndex) -> None:
    text = _notebook({"kernelspec": {"language": "python"}}, ['model = "gpt-4-32k" |> print\n'])
    with pytest.raises(ScanError, match="cell 1: syntax error"):
        scan_source("nb.ipynb", text, index, ScanSettings(AFTER))


# Ids the notebook's bytes do not show as written: the JSON escapes the cell's source once more.
@pytest.mark.parametrize(("sources", "kind", "expected"), [
    pytest.param(['x = "gpt\\x2d4-32k"\n'], "code", [(1, 1, "MG001")], id="python-hex-escape"),
    pytest.param(['x = "gpt\\u002d4-32k"\n'], "code", [(1, 1, "MG001")],
                 id="python-unicode-escape"),
    pytest.param(['x = "gpt-\\\n4-32k"\n'], "code", [(1, 1, "MG001")],
                 id="python-backslash-newline"),
    pytest.param("intro\ngpt-4-32k is old", "markdown", [(1, 2, "MG004")],
                 id="after-a-json-newline"),
    pytest.param("intro\tgpt-4-32k is old", "markdown", [(1, 1, "MG004")],
                 id="after-a-json-tab"),
    pytest.param(['x = "gpt-4', '-32k"\n'], "code", [(1, 1, "MG001")],
                 id="split-across-source-strings"),
])
def test_ids_hidden_by_the_json_escaping_are_found(
        index: ModelIndex, sources: Any, kind: str, expected: list[tuple[int, int, str]]) -> None:
    assert _rules(index, _notebook({}, sources, kind=kind)) == expected


def test_the_json_may_escape_any_character(index: ModelIndex) -> None:
    # `\u0067` is `g`: valid JSON a writer with ensure_ascii-like rules may produce.
    text = _notebook({}, [CELL]).replace('\\"gpt', '\\"\\u0067pt')
    assert '\\u0067pt-4-32k' in text
    assert _rules(index, text) == [(1, 1, "MG001")]


@pytest.mark.parametrize("text", [
    pytest.param('{"cells": [}', id="bad-json"),
    pytest.param(b'{"cells": [], "x": "\xff"}', id="not-utf-8"),
])
def test_a_broken_notebook_naming_no_model_is_not_reported(index: ModelIndex,
                                                            text: str | bytes) -> None:
    assert scan_source("nb.ipynb", text, index, ScanSettings(AFTER)) == ()
