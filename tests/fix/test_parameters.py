"""`fix` and rule MG005: a renamed parameter is renamed in the same edit as the model id when the
model literal sits in that call or dict (safe); refused parameters are reported, never removed.

The registry is tests/fixtures/registry-parameters (real facts, small): o1-preview and gpt-4-32k
(retired at AFTER) → o3, which takes `max_completion_tokens` in Chat Completions and refuses
`temperature` and `top_p`; gpt-4o takes everything.
"""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelguard.fix.plan import FixedSource
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES

OAI = "client.chat.completions.create"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


def fixed(source: str, index: ModelIndex, unsafe: bool = False) -> str:
    outcome = fix_source(source, index, ScanSettings(AFTER), allow_unsafe=unsafe, path="app.py")
    assert isinstance(outcome, FixedSource), outcome
    return outcome.source.decode("utf-8")


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'{OAI}(model="o1-preview", max_tokens=5)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5)\n', id="id-and-keyword"),
    pytest.param(f'{OAI}(model="gpt-4-32k", max_tokens=5)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5)\n', id="chat-model-to-reasoning"),
    pytest.param(f'{OAI}(model="o3", max_tokens=5)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5)\n', id="keyword-only"),
    pytest.param(f'{OAI}(\n    model="o1-preview",\n    max_tokens = 5,  # budget\n)\r\n',
                 f'{OAI}(\n    model="o3",\n    max_completion_tokens = 5,  # budget\n)\r\n',
                 id="layout-and-comment-kept"),
    pytest.param('payload = {"model": "o1-preview", "messages": [], \'max_tokens\': 10}\n',
                 'payload = {"model": "o3", "messages": [], \'max_completion_tokens\': 10}\n',
                 id="payload-key-keeps-its-quotes"),
    pytest.param(f'{OAI}(model="o1-preview", max_tokens=5, temperature=0)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5, temperature=0)\n',
                 id="refused-parameter-stays"),
    pytest.param(f'{OAI}(model="o1-preview", max_tokens=5, max_completion_tokens=5)\n',
                 f'{OAI}(model="o3", max_tokens=5, max_completion_tokens=5)\n',
                 id="new-name-already-sent-is-a-removal"),
    pytest.param(f'{OAI}(model="gpt-4o", max_tokens=5, temperature=1)\n',
                 f'{OAI}(model="gpt-4o", max_tokens=5, temperature=1)\n', id="model-takes-it"),
    pytest.param('ChatOpenAI(model="o1-preview", max_tokens=5)\n',
                 'ChatOpenAI(model="o3", max_tokens=5)\n', id="langchain-renames-itself"),
    pytest.param(f'{OAI}(model=MODEL, max_tokens=5)\n',
                 f'{OAI}(model=MODEL, max_tokens=5)\n', id="variable-never-assigned"),
    # A model held in a variable bound once, by a literal: the keyword is renamed when the
    # literal's own fix is safe (it moves to the replacement in the same run) or it stays.
    pytest.param(f'MODEL = "o1-preview"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 f'MODEL = "o3"\n{OAI}(model=MODEL, max_completion_tokens=5)\n',
                 id="module-constant-moved-in-step"),
    pytest.param(f'def ask():\n    m = "o3"\n    return {OAI}(model=m, max_tokens=5)\n',
                 f'def ask():\n    m = "o3"\n    return {OAI}(model=m, max_completion_tokens=5)\n',
                 id="local-of-an-active-model"),
    pytest.param(f'x = "O1-preview"\n{OAI}(model=x, max_tokens=5)\n',
                 f'x = "O1-preview"\n{OAI}(model=x, max_tokens=5)\n',
                 id="literal-fix-unsafe-so-reported-only"),
    pytest.param(f'MODEL = "o3"\nMODEL = "gpt-4o"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 f'MODEL = "o3"\nMODEL = "gpt-4o"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="assigned-twice-not-seen"),
    # Keys added to a payload later in its block: the subscript's key literal, quotes kept.
    pytest.param('p = {"model": "o1-preview", "messages": []}\np[\'max_tokens\'] = 5\n',
                 'p = {"model": "o3", "messages": []}\np[\'max_completion_tokens\'] = 5\n',
                 id="subscript-key"),
    pytest.param('p = {"model": "o3", "messages": []}\np.update(max_tokens=5, n=1)\n',
                 'p = {"model": "o3", "messages": []}\np.update(max_completion_tokens=5, n=1)\n',
                 id="update-keyword"),
    pytest.param(f'{OAI}(model="o3", max_tokens=5, **params)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5, **params)\n',
                 id="kwargs-left-as-they-are"),
])
def test_safe_fix(facts: ModelIndex, source: str, expected: str) -> None:
    assert fixed(source, facts) == expected
    ast.parse(expected)


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'{OAI}(model="o1-preview", max_tokens=5, temperature=0)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5)\n', id="last-argument"),
    pytest.param(f'{OAI}(temperature=0, model="o3")\n', f'{OAI}(model="o3")\n',
                 id="first-argument"),
    pytest.param(f'{OAI}(model="o3", top_p=1, messages=[])\n', f'{OAI}(model="o3", messages=[])\n',
                 id="middle-argument"),
    pytest.param(f'{OAI}(model="o3", temperature=0, top_p=1)\n', f'{OAI}(model="o3")\n',
                 id="two-arguments"),
    pytest.param(f'{OAI}(\n    model="o1-preview",\n    temperature=0.2,\n    messages=[],\n)\n',
                 f'{OAI}(\n    model="o3",\n    messages=[],\n)\n', id="multi-line"),
    pytest.param(f'{OAI}(\n    model="o3",\n    temperature=0.2,\n)\n',
                 f'{OAI}(\n    model="o3",\n)\n', id="multi-line-last-with-trailing-comma"),
    pytest.param(f'{OAI}(model="o1-preview", max_tokens=5, max_completion_tokens=5)\n',
                 f'{OAI}(model="o3", max_completion_tokens=5)\n', id="new-name-already-sent"),
    pytest.param('client.messages.create(model="claude-sonnet-4-5", temperature=0.5, top_p=0.9)\n',
                 'client.messages.create(model="claude-sonnet-4-5", temperature=0.5)\n',
                 id="exclusive-pair-keeps-the-first"),
    pytest.param(f'{OAI}(model="o3",  # the model\n    temperature=0)\n',
                 f'{OAI}(model="o3",  # the model\n    temperature=0)\n',
                 id="comment-would-move-left-alone"),
    pytest.param(f'{OAI}(model="o3", temperature=0,  # hot\n    n=1)\n',
                 f'{OAI}(model="o3", temperature=0,  # hot\n    n=1)\n',
                 id="comment-would-go-left-alone"),
    pytest.param('payload = {"model": "o3", "messages": [], "temperature": 0}\n',
                 'payload = {"model": "o3", "messages": [], "temperature": 0}\n',
                 id="payload-key-reported-only"),
    pytest.param(f'MODEL = "o1-preview"\n{OAI}(model=MODEL, temperature=0, n=1)\n',
                 f'MODEL = "o3"\n{OAI}(model=MODEL, n=1)\n', id="variable-model"),
    pytest.param('p = {"model": "o3", "messages": []}\np.update(temperature=0)\n',
                 'p = {"model": "o3", "messages": []}\np.update(temperature=0)\n',
                 id="key-added-later-reported-only"),
])
def test_unsafe_fix_removes_refused_arguments(facts: ModelIndex, source: str,
                                              expected: str) -> None:
    assert fixed(source, facts, unsafe=True) == expected
    ast.parse(expected)


# The property: over generated calls, `fix` changes exactly the model literal and the renamed
# keyword; every other character (spacing, comments, other arguments, line endings) stays.
MODELS = ["o1-preview", "gpt-4-32k", "o3", "gpt-4o"]
NEW = {"o1-preview": "o3", "gpt-4-32k": "o3"}
REASONING = {"o1-preview", "gpt-4-32k", "o3"}  # every one ends on o3, which renames max_tokens
OTHER_ARGS = ["messages=[]", "n=1", "temperature=0.5", "stream=True", "user='u'"]
SPACE = st.sampled_from(["", " ", "\n    ", "  "])


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, str, str]:
    """(source, what `fix` makes of it, what `fix --unsafe-fixes` makes of it)."""
    model = draw(st.sampled_from(MODELS))
    quote = draw(st.sampled_from(['"', "'"]))
    args = draw(st.lists(st.sampled_from(OTHER_ARGS), unique=True, max_size=3))
    arguments = [f"model={quote}{model}{quote}", *args]
    wanted = [f"model={quote}{NEW.get(model, model)}{quote}", *args]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(arguments)))
        eq = draw(st.sampled_from(["=", " = "]))
        arguments.insert(at, f"max_tokens{eq}7")
        wanted.insert(at, f"{'max_completion_tokens' if model in REASONING else 'max_tokens'}"
                          f"{eq}7")
    seps = [draw(SPACE) for _ in arguments]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    comment = draw(st.sampled_from(["", "  # max_tokens o1-preview"]))

    def render(parts: list[str], spaces: list[str]) -> str:
        body = ",".join(sep + part for sep, part in zip(spaces, parts, strict=True))
        return f"{OAI}({body}){comment}{ending}"

    # --unsafe-fixes also takes out `temperature` (o3 refuses it) with its comma and the space
    # after that; a last argument takes the comma (and space) before it instead.
    unsafe, spaces = list(wanted), list(seps)
    if model in REASONING and "temperature=0.5" in unsafe:
        at = unsafe.index("temperature=0.5")
        del spaces[at if at == len(unsafe) - 1 else at + 1]
        del unsafe[at]
    return render(arguments, seps), render(wanted, seps), render(unsafe, spaces)


@settings(max_examples=150, deadline=None)
@given(calls())
def test_only_the_model_literal_and_the_parameter_change(case: tuple[str, str, str]) -> None:
    source, expected, unsafe = case
    index = build_index(load_registry(FIXTURES / "registry-parameters"))
    assert fixed(source, index) == expected
    assert fixed(source, index, unsafe=True) == unsafe


@pytest.mark.parametrize("source", [
    f'{OAI}(model="o3", max_tokens=5)\n',
    f'{OAI}(messages="é", model="o3", max_tokens=5)\n',
    f'{OAI}(\n    messages="é",  # é\n    max_tokens=5, model="o1-preview",\n)\n',
])
def test_keyword_renamed_alike_in_plain_text_and_through_the_cst(facts: ModelIndex,
                                                                   source: str) -> None:
    """Plain UTF-8 is fixed by the lexer and `ast`, a file with a coding cookie by libcst."""
    cookie = "# -*- coding: utf-8 -*-\n"
    plain = fixed(source, facts)
    assert "max_completion_tokens=5" in plain
    assert cookie + plain == fixed(cookie + source, facts)
