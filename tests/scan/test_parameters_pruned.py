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
    _line_requests,
    _model_offsets,
    _Request,
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


def _shape(request: _Request) -> tuple[object, ...]:
    """A request as positions and names (nodes of two trees never compare equal)."""
    def at(node: object) -> tuple[object, ...]:
        return tuple(getattr(node, name, None) for name in (
            "lineno", "col_offset", "end_lineno", "end_col_offset"))
    return (request.endpoints, request.client_renames, request.in_dict, request.model.value,
            at(request.model), getattr(request.variable, "id", None),
            tuple((param.name, at(param.node)) for param in request.params),
            tuple(at(spread) for spread in request.spreads))


def _both(source: str) -> tuple[list[tuple[object, ...]] | None, list[tuple[object, ...]]]:
    """The requests read a logical line at a time (None: the module is needed) and those of
    the walk of the whole module, sorted."""
    lines = _LINES.findall(source)
    numbers = _line_numbers(_model_offsets(source), lines)
    tree = syntax_tree(source)
    assert tree is not None
    apart = _line_requests(source, lines, numbers)
    return (None if apart is None else sorted(map(_shape, apart), key=repr),
            sorted(map(_shape, _requests(tree, numbers)), key=repr))


# Read a logical line at a time: each row holds a request (and fails when the line it sits on
# is read wrong, or read whole).
APART = [
    pytest.param(f'def f():\n    if x:\n        r = {OAI}(\n            model="o3",\n'
                 f'            max_tokens=5)\n', id="indented-over-lines"),
    pytest.param(f'class A:\n    @cache({OAI}(model="o3", max_tokens=5))\n    def f(self):\n'
                 '        pass\n', id="decorator"),
    pytest.param(f'if a:\n    pass\nelif {OAI}(model="o3", max_tokens=5):\n    pass\n',
                 id="elif-header"),
    pytest.param(f'try:\n    pass\nexcept {OAI}(model="o3", top_p=1):\n    pass\n',
                 id="except-header"),
    pytest.param(f'async def f():\n    async with {OAI}(model="o3",\n            top_p=1) as r:\n'
                 '        pass\n', id="async-with-header"),
    pytest.param(f'for chunk in {OAI}(model="o3", stream=True, top_p=1):\n    print(chunk)\n',
                 id="for-header"),
    pytest.param(f'def f():\r\n\treturn {OAI}(model="o3",\r\n\t\tmax_tokens=5)\r\n',
                 id="crlf-and-tabs"),
    pytest.param('def f():\n    p = {"model": "o3", "messages": [], "max_tokens": 5}\n'
                 '    return send(p)\n', id="dict-bound-to-a-name-nothing-adds-to"),
    pytest.param('p = {"model": "o3", "messages": [], "max_tokens": 5}\nq = p["model"]\n',
                 id="dict-read-by-subscript-not-added-to"),
    pytest.param(f'{OAI}(model="o3", max_tokens=5, **extra)\nself.model = other\n',
                 id="spread-and-an-attribute-named-model"),
    pytest.param(f'x = 1\nwhile True: {OAI}(model="o3", max_tokens=5); break\n',
                 id="compound-statement-on-one-line"),
    pytest.param('p = {"mo" "del": "o3", "messages": [], "max_tokens": 5}\n',
                 id="key-concatenated"),
    pytest.param('p = {"mo\\x64el": "o3", "messages": [], "max_tokens": 5}\n', id="key-escaped"),
    pytest.param('litellm.\uff43ompletion(model="o3", max_tokens=5)\n',
                 id="call-name-nfkc-folds"),    pytest.param(f'match x:\n    case _ if {OAI}(model="o3", max_tokens=5):\n        pass\n',
                 id="case-clause-code-put-on-its-line"),
]


@pytest.mark.parametrize("source", APART)
def test_a_logical_line_read_apart_finds_what_the_module_walk_finds(source: str) -> None:
    apart, whole = _both(source)
    assert (apart, bool(whole)) == (whole, True)


# The module is needed: a variable's binding, or keys added to a dict by other statements.
WHOLE = [
    pytest.param(f'MODEL = "o3"\n{OAI}(model=MODEL, max_tokens=5)\n', id="model-in-a-variable"),
    pytest.param(f'def ask(model="o3"):\n    return {OAI}(model=model, max_tokens=5)\n',
                 id="model-a-parameter-default"),
    pytest.param('p = {"model": "o3", "messages": []}\np["max_tokens"] = 5\n',
                 id="key-added-by-subscript"),
    pytest.param('p = {"model": "o3", "messages": []}\n(p)["max_tokens"] = 5\n',
                 id="key-added-through-parentheses"),
    pytest.param('p = {"model": "o3", "messages": []}\np \\\n["max_tokens"] = 5\n',
                 id="key-added-after-a-backslash"),
    pytest.param('p = {"model": "o3", "messages": []}; p.update(max_tokens=5)\n',
                 id="key-added-after-a-semicolon"),
    pytest.param('p = {"model": "o3", "messages": []}\n\uff50["max_tokens"] = 5\n',
                 id="key-added-through-an-identifier-nfkc-folds"),
    pytest.param('p = {"messages": [], "max_tokens": 5}\np["model"] = "o3"\n',
                 id="model-added-by-subscript"),
    pytest.param('p: dict = {"messages": [], "max_tokens": 5}\np.update({"model": "o3"})\n',
                 id="model-added-by-update-to-an-annotated-dict"),
]


@pytest.mark.parametrize("source", WHOLE)
def test_a_request_that_needs_its_module_is_read_whole(source: str) -> None:
    apart, whole = _both(source)
    assert (apart, bool(whole)) == (None, True)


# Read apart, and no request: a line holds no call `_CALLS` knows and no "model" key, a dict's
# own model is no literal, or a key is added to a name no dict display is bound to.
NONE = [
    pytest.param('p = {"model": cfg.model, "messages": []}\np["max_tokens"] = 5\n',
                 id="own-model-no-literal"),
    pytest.param('p = dict(messages=[])\np["model"] = "o3"\np["max_tokens"] = 5\n',
                 id="model-added-to-no-dict-display"),
    pytest.param('run(model="o3", max_tokens=5)\n', id="a-call-no-rule-knows"),
    pytest.param('p["model"] = cfg.model\n', id="model-added-no-literal"),
]


@pytest.mark.parametrize("source", NONE)
def test_what_holds_no_request_is_read_apart(source: str) -> None:
    assert _both(source) == ([], [])


def test_this_package_reads_apart_as_whole() -> None:
    """Every module of modelguard and its tests: real code, read both ways."""
    root = FIXTURES.parent.parent
    for path in sorted([*root.glob("modelguard/**/*.py"), *root.glob("tests/**/*.py")]):
        source = path.read_text(encoding="utf-8", errors="replace")
        if syntax_tree(source) is None:
            continue  # a fixture that is not Python
        apart, whole = _both(source)
        assert apart is None or apart == whole, path
