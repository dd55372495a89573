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
                 id="new-name-already-sent-reported-only"),
    pytest.param(f'{OAI}(model="gpt-4o", max_tokens=5)\n',
                 f'{OAI}(model="gpt-4o", max_tokens=5)\n', id="model-takes-it"),
    pytest.param('ChatOpenAI(model="o1-preview", max_tokens=5)\n',
                 'ChatOpenAI(model="o3", max_tokens=5)\n', id="langchain-renames-itself"),
    pytest.param(f'{OAI}(model=MODEL, max_tokens=5)\n',
                 f'{OAI}(model=MODEL, max_tokens=5)\n', id="model-in-a-variable"),
])
def test_fix(facts: ModelIndex, source: str, expected: str) -> None:
    assert fixed(source, facts) == expected
    assert fixed(source, facts, unsafe=True) == expected  # removals are never made
    ast.parse(expected)


# The property: over generated calls, `fix` changes exactly the model literal and the renamed
# keyword; every other character (spacing, comments, other arguments, line endings) stays.
MODELS = ["o1-preview", "gpt-4-32k", "o3", "gpt-4o"]
NEW = {"o1-preview": "o3", "gpt-4-32k": "o3"}
REASONING = {"o1-preview", "gpt-4-32k", "o3"}  # every one ends on o3, which renames max_tokens
OTHER_ARGS = ["messages=[]", "n=1", "temperature=0.5", "stream=True", "user='u'"]
SPACE = st.sampled_from(["", " ", "\n    ", "  "])


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, str]:
    model = draw(st.sampled_from(MODELS))
    quote = draw(st.sampled_from(['"', "'"]))
    args = draw(st.lists(st.sampled_from(OTHER_ARGS), unique=True, max_size=3))
    with_max = draw(st.booleans())
    arguments = [f"model={quote}{model}{quote}", *args]
    wanted = [f"model={quote}{NEW.get(model, model)}{quote}", *args]
    if with_max:
        at = draw(st.integers(0, len(arguments)))
        eq = draw(st.sampled_from(["=", " = "]))
        arguments.insert(at, f"max_tokens{eq}7")
        wanted.insert(at, f"{'max_completion_tokens' if model in REASONING else 'max_tokens'}"
                          f"{eq}7")
    seps = [draw(SPACE) for _ in arguments]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    comment = draw(st.sampled_from(["", "  # max_tokens o1-preview"]))

    def render(parts: list[str]) -> str:
        body = ",".join(sep + part for sep, part in zip(seps, parts, strict=True))
        return f"{OAI}({body}){comment}{ending}"

    return render(arguments), render(wanted)


@settings(max_examples=150, deadline=None)
@given(calls())
def test_only_the_model_literal_and_the_renamed_keyword_change(case: tuple[str, str]) -> None:
    source, expected = case
    index = build_index(load_registry(FIXTURES / "registry-parameters"))
    assert fixed(source, index) == expected
