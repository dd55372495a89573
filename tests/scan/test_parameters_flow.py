"""Rule MG005 beyond one call or dict literal (issue #18): a model held in a variable, parameters
passed through `**kwargs`, and keys added to a payload dict by later statements of its block.

The registry is tests/fixtures/registry-parameters: o1-preview (retired at AFTER) → o3, which
takes `max_completion_tokens` in Chat Completions and refuses `temperature` and `top_p`."""

from __future__ import annotations

import pytest

from modelguard.findings import Finding, FixSafety
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.report.model import FailOn, Report
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.parameters import LimitSite, token_limits
from tests.conftest import AFTER, FIXTURES

OAI = "client.chat.completions.create"
RENAME = "send `max_completion_tokens` instead"
REFUSED = "remove it (only the default value is accepted)"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


def found(source: str, index: ModelIndex) -> list[Finding]:
    return [f for f in scan_source("app.py", source, index, ScanSettings(AFTER))
            if f.rule.code == "MG005"]


def mg005(source: str, index: ModelIndex) -> list[tuple[str, str, str]]:
    """(`line text-at-the-span`, message tail, fix class) of every MG005 finding."""
    lines = source.splitlines()
    return [(f"{f.line} {lines[f.line - 1][f.column - 1:f.end_column - 1]}",
             f.message.split(": ", 1)[1], f.fix.value) for f in found(source, index)]


VIA_MODEL = " (the model is `MODEL`, assigned on line 1)"


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'MODEL = "o3"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 [("2 max_tokens", RENAME + VIA_MODEL, "safe")], id="module-constant"),
    pytest.param(f'MODEL = "o3"\ndef ask():\n    return {OAI}(model=MODEL, max_tokens=5)\n',
                 [("3 max_tokens", RENAME + VIA_MODEL, "safe")], id="constant-read-in-a-function"),
    pytest.param(f'def ask():\n    m = "o1-preview"\n    {OAI}(model=m, max_tokens=5)\n',
                 [("3 max_tokens", RENAME + " (the model is `m`, assigned on line 2)", "safe")],
                 id="local-assigned-once"),
    pytest.param(f'MODEL = "o1-preview"\n{OAI}(model=MODEL, temperature=0)\n',
                 [("2 temperature", REFUSED + VIA_MODEL, "unsafe")], id="refused-removal-unsafe"),
    pytest.param(f'MODEL: str = "o3"\nclass A:\n    def ask(self):\n'
                 f'        {OAI}(model=MODEL, max_tokens=5)\n',
                 [("4 max_tokens", RENAME + VIA_MODEL, "safe")], id="annotated-through-a-class"),
    # The id is replaced but its own fix is unsafe (written in another case): a run may leave
    # it as it is, so the keyword is reported only.
    pytest.param(f'x = "O1-preview"\n{OAI}(model=x, max_tokens=5)\n',
                 [("2 max_tokens", RENAME + " (the model is `x`, assigned on line 1)", "none")],
                 id="case-differs-report-only"),
    pytest.param(f'CHOICE = "o1-preview"\n{OAI}(model=CHOICE, max_tokens=5)\n',
                 [("2 max_tokens", RENAME + " (the model is `CHOICE`, assigned on line 1)",
                   "safe")], id="distinctive-id-any-name"),
    pytest.param('MODEL = "o3"\npayload = {"model": MODEL, "messages": [], "top_p": 1}\n',
                 [('2 "top_p"', REFUSED + VIA_MODEL, "none")], id="payload-dict"),
])
def test_model_in_a_variable(facts: ModelIndex, source: str,
                             expected: list[tuple[str, str, str]]) -> None:
    assert mg005(source, facts) == expected


def _default(line: int, name: str = "model") -> str:
    return f" (the model is `{name}`, a parameter defaulting to it on line {line}; a caller may " \
        "pass another)"


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'def ask(prompt, model="o3"):\n    return {OAI}(model=model, max_tokens=5)\n',
                 [("2 max_tokens", RENAME + _default(1), "none")], id="positional-default"),
    pytest.param(f'async def ask(*, model: str = "o1-preview", t=0):\n'
                 f'    return await {OAI}(model=model, temperature=0)\n',
                 [("2 temperature", REFUSED + _default(1), "none")], id="keyword-only-default"),
    pytest.param(f'class A:\n    def ask(self, m="o3", /):\n        {OAI}(model=m, top_p=1)\n',
                 [("3 top_p", REFUSED + _default(2, "m"), "none")], id="positional-only-method"),
    pytest.param(f'ask = lambda model="o3": {OAI}(model=model, max_tokens=5)\n',
                 [("1 max_tokens", RENAME + _default(1), "none")], id="lambda"),
    pytest.param(f'def ask(model="o3"):\n    {OAI}(model=model, **params)\n',
                 [("2 **params", "`o3` on chat takes `max_completion_tokens` for `max_tokens`; "
                   "refuses `temperature`, `top_p`" + _default(1), "none")], id="kwargs"),
])
def test_model_a_parameter_defaults_to(facts: ModelIndex, source: str,
                                       expected: list[tuple[str, str, str]]) -> None:
    # A caller may pass another model: every finding is a note, and `fix` renames nothing.
    assert mg005(source, facts) == expected
    assert all(f.advisory for f in found(source, facts))


@pytest.mark.parametrize("source", [
    pytest.param(f'MODEL = "o3"\nMODEL = "gpt-4o"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="assigned-twice"),
    pytest.param(f'def ask(model="o3"):\n    model = model or "gpt-4o"\n'
                 f'    {OAI}(model=model, max_tokens=5)\n', id="parameter-reassigned"),
    pytest.param(f'def ask(model=None):\n    {OAI}(model=model, max_tokens=5)\n',
                 id="parameter-default-not-a-string"),
    pytest.param(f'def ask(*models):\n    {OAI}(model=models, max_tokens=5)\n',
                 id="star-parameter"),
    pytest.param(f'def outer(model="o3"):\n    def ask():\n'
                 f'        {OAI}(model=model, max_tokens=5)\n', id="outer-function-s-parameter"),
    pytest.param(f'MODEL = "o3"\ndef ask(MODEL):\n    {OAI}(model=MODEL, max_tokens=5)\n',
                 id="shadowed-by-a-parameter-without-default"),
    pytest.param(f'MODEL = "o3"\ndef ask():\n    global MODEL\n    MODEL = x\n'
                 f'{OAI}(model=MODEL, max_tokens=5)\n', id="global-statement"),
    pytest.param(f'def ask():\n    {OAI}(model=m, max_tokens=5)\n    m = "o3"\n',
                 id="assigned-after-the-call"),
    pytest.param(f'def outer():\n    m = "o3"\n    def ask():\n'
                 f'        {OAI}(model=m, max_tokens=5)\n', id="closure"),
    pytest.param(f'for MODEL in ("o3",):\n    {OAI}(model=MODEL, max_tokens=5)\n',
                 id="loop-variable"),
    pytest.param(f'MODEL = "o3"\nMODEL += "-mini"\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="augmented"),
    pytest.param(f'MODEL = os.environ["MODEL"]\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="not-a-literal"),
    pytest.param(f'MODEL = "o3"\n[MODEL for MODEL in models]\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="comprehension-target"),
    pytest.param(f'from config import MODEL\n{OAI}(model=MODEL, max_tokens=5)\n',
                 id="imported"),
])
def test_variable_not_known_to_hold_one_literal(facts: ModelIndex, source: str) -> None:
    assert mg005(source, facts) == []


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'{OAI}(model="o3", **params)\n',
                 [("1 **params", "`o3` on chat takes `max_completion_tokens` for `max_tokens`; "
                                 "refuses `temperature`, `top_p`", "none")], id="kwargs"),
    pytest.param(f'{OAI}(model="o1-preview", messages=m, **self.options)\n',
                 [("1 **self.options", "`o3` (the replacement of `o1-preview`) on chat takes "
                   "`max_completion_tokens` for `max_tokens`; refuses `temperature`, `top_p`",
                   "none")], id="replacement-and-attribute"),
    pytest.param('litellm.completion(model="o3", **kw)\n',
                 [("1 **kw", "`o3` on chat/messages refuses `temperature`, `top_p`", "none")],
                 id="client-library-renames"),
    pytest.param('client.messages.create(model="claude-sonnet-4-5", **kw)\n',
                 [("1 **kw", "`claude-sonnet-4-5` on messages takes one of `temperature` and "
                   "`top_p`", "none")], id="exclusive-group"),
])
def test_kwargs_get_one_note(facts: ModelIndex, source: str,
                             expected: list[tuple[str, str, str]]) -> None:
    assert mg005(source, facts) == expected
    assert all(f.message.startswith("parameters passed through `**") for f in found(
        source, facts))


@pytest.mark.parametrize("source", [
    pytest.param(f'{OAI}(model="gpt-4o", **params)\n', id="model-takes-everything"),
    pytest.param('client.responses.create(model="o3", **params)\n', id="no-fact-on-endpoint"),
    pytest.param('send(model="o3", **params)\n', id="unknown-call"),
    pytest.param(f'{OAI}(model=choose(), **params)\n', id="model-not-known"),
])
def test_kwargs_without_note(facts: ModelIndex, source: str) -> None:
    assert mg005(source, facts) == []


@pytest.mark.parametrize("fail_on", list(FailOn))
def test_a_kwargs_note_never_fails_a_run(facts: ModelIndex, fail_on: FailOn) -> None:
    [note] = found(f'{OAI}(model="o3", **params)\n', facts)
    report = Report("0", "test", AFTER, fail_on, 1, (note,), ())
    assert (note.advisory, report.fails(note), report.exit_code) == (True, False, 0)


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('payload = {"model": "o3", "messages": []}\npayload["max_tokens"] = 5\n',
                 [('2 "max_tokens"', RENAME, "safe")], id="subscript"),
    pytest.param('payload = {"model": "o3", "messages": []}\npayload.update(max_tokens=5)\n',
                 [("2 max_tokens", RENAME, "safe")], id="update-keyword"),
    pytest.param("payload = {'model': 'o3', 'messages': []}\npayload.update({'top_p': 1})\n",
                 [("2 'top_p'", REFUSED, "none")], id="update-dict"),
    pytest.param('def build(m):\n    body = {"model": "o3"}\n    body["messages"] = m\n'
                 '    body["temperature"] = 0\n    return body\n',
                 [('4 "temperature"', REFUSED, "none")], id="messages-added-later"),
    pytest.param('payload = {"model": "o3", "messages": [], "max_tokens": 5}\n'
                 'payload["top_p"] = 1\n',
                 [('1 "max_tokens"', RENAME, "safe"), ('2 "top_p"', REFUSED, "none")],
                 id="keys-of-the-literal-too"),
])
def test_keys_added_in_the_same_block(facts: ModelIndex, source: str,
                                      expected: list[tuple[str, str, str]]) -> None:
    assert mg005(source, facts) == expected


@pytest.mark.parametrize("source", [
    pytest.param('payload = {"model": "o3", "messages": []}\npayload = {}\n'
                 'payload["max_tokens"] = 5\n', id="rebound-first"),
    pytest.param('payload = {"model": "o3", "messages": []}\nif big:\n'
                 '    payload["max_tokens"] = 5\n', id="another-block"),
    pytest.param('payload = {"model": "o3"}\npayload["max_tokens"] = 5\n', id="not-a-payload"),
    pytest.param('payload = {"model": "gpt-4o", "messages": []}\npayload["max_tokens"] = 5\n',
                 id="model-takes-it"),
])
def test_keys_not_added_to_the_payload(facts: ModelIndex, source: str) -> None:
    assert mg005(source, facts) == []


# `fix --verify` reads the requests of the rewritten module: a variable's request is placed on
# the line of the literal the fix rewrites, and literal sampling values travel with it.
@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('M = "m"\nc.chat.completions.create(model=M, max_tokens=1)\n',
                 [LimitSite(1, "m", ("max_tokens",))], id="variable"),
    pytest.param('c.chat.completions.create(model="m", temperature=0.2, top_p=-1, seed=3)\n',
                 [LimitSite(1, "m", (), (("temperature", "0.2"), ("top_p", "-1")))],
                 id="sampling-literals"),
    pytest.param('c.chat.completions.create(model="m", temperature=t, logprobs=True)\n',
                 [LimitSite(1, "m", (), (("logprobs", "true"),))], id="non-literal-not-sent"),
    pytest.param('litellm.completion(model="m", temperature=0)\n', [LimitSite(1, "m", ())],
                 id="client-library-builds-the-request"),
    pytest.param('p = {"model": "m", "messages": []}\np["max_tokens"] = 1\np["top_p"] = 0.5\n',
                 [LimitSite(1, "m", ("max_tokens",), (("top_p", "0.5"),))],
                 id="keys-added-later"),
    pytest.param('{"model": "m", "temperature": 0}\n', [LimitSite(1, "m", ())],
                 id="dict-not-a-payload"),
])
def test_what_verify_reads(source: str, expected: list[LimitSite]) -> None:
    assert token_limits(source) == expected


def test_a_variable_note_never_changes_the_fix_class_of_a_literal_model(
        facts: ModelIndex) -> None:
    [direct] = found(f'{OAI}(model="o1-preview", max_tokens=5)\n', facts)
    assert (direct.fix, direct.message.endswith(RENAME)) == (FixSafety.SAFE, True)
