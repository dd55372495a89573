"""Rule MG005 looks only around the lines a request's model may be named on (`model=`, a
"model" key, and their other spellings): each row is a request found there, at the edge of
what the walk enters, and the walk finds what a walk of every node finds.

The registry is tests/fixtures/registry-parameters: o1-preview (retired at AFTER) → o3, which
takes `max_completion_tokens` in Chat Completions and refuses `temperature` and `top_p`."""

from __future__ import annotations

import json

import pytest

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.parameters import (
    _LINES,
    _line_numbers,
    _model_offsets,
    _requests,
)
from modelguard.scan.syntax import syntax_tree
from tests.conftest import AFTER, FIXTURES

OAI = "client.chat.completions.create"
RENAME = "send `max_completion_tokens` instead"
VIA_MODEL = " (the model is `MODEL`, assigned on line 1)"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


def mg005(source: str, index: ModelIndex, path: str = "app.py") -> list[tuple[str, str]]:
    """(`line text-at-the-span`, message tail) of every MG005 finding, in order."""
    lines = source.splitlines()
    return [(f"{f.line} {lines[f.line - 1][f.column - 1:f.end_column - 1]}",
             f.message.split(": ", 1)[1])
            for f in scan_source(path, source, index, ScanSettings(AFTER))
            if f.rule.code == "MG005"]


EDGES = [
    pytest.param('payload = {"messages": []}\npayload["model"] = "o3"\n'
                 'payload["max_tokens"] = 5\n',
                 [('3 "max_tokens"', RENAME)], id="model-key-added-later"),
    pytest.param('payload = {\n    "messages": [],\n}\n\n\ndef unrelated():\n    return 1\n\n\n'
                 'payload.update(model="o3", max_tokens=5)\n',
                 [("10 max_tokens", RENAME)], id="model-added-after-a-function"),
    pytest.param('payload = {\n    "messages": [],\n    "max_tokens": 5,\n}\nx = 1\n'
                 'payload.update({"model": "o3"})\n',
                 [('3 "max_tokens"', RENAME)], id="key-of-the-literal-model-added-later"),
    pytest.param('p = {\n    "messages": []}; p["model"] = "o3"; p["max_tokens"] = 5\n',
                 [('2 "max_tokens"', RENAME)], id="model-added-on-the-dict-s-last-line"),
    pytest.param('p = {"model": "o3",\n     "messages": []}\nsend(p)\np["max_tokens"] = 5\n',
                 [('4 "max_tokens"', RENAME)], id="key-added-on-a-line-without-model"),
    pytest.param(f'MODEL = "o3"\n\n\nclass A:\n    class B:\n        def f(self):\n'
                 f'            def g():\n                return {OAI}(\n'
                 f'                    model=MODEL, max_tokens=5)\n',
                 [("9 max_tokens", RENAME + VIA_MODEL)], id="module-constant-deep-in-a-method"),
    pytest.param(f'MODEL = "o3"\n\n\n@cache(\n    {OAI}(model=MODEL, max_tokens=5))\n'
                 'def f():\n    pass\n',
                 [("5 max_tokens", RENAME + VIA_MODEL)], id="in-a-decorator"),
    pytest.param(f'MODEL = "o3"\nask = lambda: {OAI}(\n    model=MODEL,\n    max_tokens=5)\n',
                 [("4 max_tokens", RENAME + VIA_MODEL)], id="in-a-lambda"),
    pytest.param(f'{OAI}(model  # the one we pay for\n    = "o3", max_tokens=5)\n',
                 [("2 max_tokens", RENAME)], id="keyword-and-equals-on-two-lines"),
    pytest.param(f'{OAI}(model \\\n    = "o3", max_tokens=5)\n',
                 [("2 max_tokens", RENAME)], id="backslash-continuation"),
    pytest.param(f'{OAI}(\uff4dodel="o3",\n    max_tokens=5)\n',
                 [("2 max_tokens", RENAME)], id="identifier-nfkc-folds"),
    pytest.param('p = {"mo"\n     "del": "o3", "messages": [], "max_tokens": 5}\n',
                 [('2 "max_tokens"', RENAME)], id="key-concatenated"),
    pytest.param("p = {'m'\n     'odel': 'o3', 'messages': [], 'max_tokens': 5}\n",
                 [("2 'max_tokens'", RENAME)], id="key-concatenated-single-quotes"),
    pytest.param(f's = """model\n#"""; {OAI}(model="o3", max_tokens=5)\n"x"\n',
                 [("2 max_tokens", RENAME)], id="keyword-after-a-string-ending-in-a-hash"),
    pytest.param('p = {"mo\\x64el": "o3",\n     "messages": [], "max_tokens": 5}\n',
                 [('2 "max_tokens"', RENAME)], id="key-escaped"),
    pytest.param(f'x = f"{{{OAI}(model=\'o3\', max_tokens=5)}}"\n',
                 [("1 max_tokens", RENAME)], id="in-an-f-string"),
]


@pytest.mark.parametrize(("source", "expected"), EDGES)
def test_found_at_the_edges(facts: ModelIndex, source: str,
                            expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts) == expected


@pytest.mark.parametrize(("source", "expected"), EDGES)
def test_the_walk_finds_what_a_walk_of_every_node_finds(source: str,
                                                      expected: list[tuple[str, str]]) -> None:
    tree = syntax_tree(source)
    assert tree is not None
    lines = _line_numbers(_model_offsets(source), _LINES.findall(source))
    pruned = list(_requests(tree, lines))
    assert (pruned == list(_requests(tree)), bool(pruned)) == (True, True)


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('{"messages": [],\n "max_tokens": 5,\n "\\u006dodel": "o3"}\n',
                 [('2 "max_tokens"', RENAME)], id="key-escaped"),
    pytest.param('{"requests": [\n  {"id": 1},\n  {"model": "o3",\n   "messages": [],\n'
                 '   "max_tokens": 5}]}\n', [('5 "max_tokens"', RENAME)], id="nested"),
])
def test_json_payload_files(facts: ModelIndex, source: str,
                            expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts, "request.json") == expected


def test_notebook_cells(facts: ModelIndex) -> None:
    cells = ['%pip install openai\np = {"messages": []}\nsend(p)\np["model"] = "o3"\n'
             'p["max_tokens"] = 5\n', f'MODEL = "o3"\n\ndef ask():\n    %time x = 1\n'
             f'    return {OAI}(\n        model=MODEL, **kw)\n']
    text = json.dumps({"cells": [
        {"cell_type": "code", "execution_count": None, "id": f"c{n}", "metadata": {},
         "outputs": [], "source": source.splitlines(keepends=True)}
        for n, source in enumerate(cells)
    ], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5})
    found = [(f.cell, f.line, cells[(f.cell or 0) - 1].splitlines()[f.line - 1][
        f.column - 1:f.end_column - 1]) for f in scan_source(
        "nb.ipynb", text, facts, ScanSettings(AFTER)) if f.rule.code == "MG005"]
    assert found == [(1, 5, '"max_tokens"'), (2, 6, "**kw")]
