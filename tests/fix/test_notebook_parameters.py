"""Rule MG005 in notebooks (issue #18): a code cell's requests are read like a module's, each
cell on its own, with spans in the cell's source; `fix` renames a parameter in the raw JSON
text as it rewrites an id, and leaves removals (--unsafe-fixes) to a human."""

from __future__ import annotations

import json

import pytest

from modelguard.fix.plan import FixedSource
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import AFTER, FIXTURES

OAI = "client.chat.completions.create"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


def notebook(*cells: str, kind: str = "code") -> str:
    """A notebook as Jupyter writes it (indent 1, each source split into lines)."""
    return json.dumps({"cells": [
        {"cell_type": kind, "execution_count": None, "id": f"c{n}", "metadata": {},
         "outputs": [], "source": source.splitlines(keepends=True)}
        for n, source in enumerate(cells)
    ], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4,
        "nbformat_minor": 5}, indent=1) + "\n"


@pytest.mark.parametrize(("cells", "expected"), [
    pytest.param((f'{OAI}(model="o3", max_tokens=5)',),
                 [(1, 1, "max_tokens", "safe")], id="one-cell"),
    pytest.param(("x = 1", f'%time r = 2\nMODEL = "o3"\n{OAI}(model=MODEL, temperature=0)'),
                 [(2, 3, "temperature", "unsafe")], id="magic-masked-variable-in-the-cell"),
    pytest.param(('MODEL = "o3"', f'{OAI}(model=MODEL, max_tokens=5)'), [],
                 id="variable-of-another-cell-not-seen"),
    pytest.param((f'{OAI}(model="o3", **kw)',), [(1, 1, "**kw", "none")], id="kwargs-note"),
])
def test_scan(facts: ModelIndex, cells: tuple[str, ...],
              expected: list[tuple[int, int, str, str]]) -> None:
    found = [f for f in scan_source("nb.ipynb", notebook(*cells), facts, ScanSettings(AFTER))
             if f.rule.code == "MG005"]
    assert [(f.cell, f.line, cells[(f.cell or 0) - 1].splitlines()[f.line - 1][
        f.column - 1:f.end_column - 1], f.fix.value) for f in found] == expected


def test_markdown_cells_are_not_requests(facts: ModelIndex) -> None:
    text = notebook(f'{OAI}(model="o3", max_tokens=5)', kind="markdown")
    assert [f for f in scan_source("nb.ipynb", text, facts, ScanSettings(AFTER))
            if f.rule.code == "MG005"] == []


@pytest.mark.parametrize(("cells", "unsafe", "expected"), [
    pytest.param((f'{OAI}(\n    model="o1-preview",\n    max_tokens=5,\n)',), False,
                 (f'{OAI}(\n    model="o3",\n    max_completion_tokens=5,\n)',),
                 id="id-and-keyword"),
    pytest.param(('p = {"model": "o3", "messages": []}\np["max_tokens"] = 5',), False,
                 ('p = {"model": "o3", "messages": []}\np["max_completion_tokens"] = 5',),
                 id="key-added-later"),
    pytest.param((f'{OAI}(model="o1-preview", temperature=0, max_tokens=5)',), True,
                 (f'{OAI}(model="o3", temperature=0, max_completion_tokens=5)',),
                 id="removal-left-to-a-human"),
])
def test_fix(facts: ModelIndex, cells: tuple[str, ...], unsafe: bool,
             expected: tuple[str, ...]) -> None:
    outcome = fix_source(notebook(*cells), facts, ScanSettings(AFTER), allow_unsafe=unsafe,
                         path="nb.ipynb")
    assert isinstance(outcome, FixedSource), outcome
    assert outcome.source.decode("utf-8") == notebook(*expected)
