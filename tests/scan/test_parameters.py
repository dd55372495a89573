"""Rule MG005: a request parameter written beside a literal model id that the model, or the
replacement `fix` writes, does not accept. One row per call shape and per kind of fact."""

from __future__ import annotations

import pytest

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanError, ScanSettings, scan_source
from modelguard.scan.parameters import LimitSite, token_limits
from tests.conftest import AFTER, FIXTURES

OAI = "client.chat.completions.create"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


def mg005(source: str, index: ModelIndex, path: str = "app.py") -> list[tuple[str, str]]:
    """(`line text-at-the-span`, message tail) of every MG005 finding, in order: the span must
    cover the parameter's name exactly (characters, not bytes)."""
    lines = source.splitlines()
    return [(f"{f.line} {lines[f.line - 1][f.column - 1:f.end_column - 1]}",
             f.message.split(": ", 1)[1])
            for f in scan_source(path, source, index, ScanSettings(AFTER))
            if f.rule.code == "MG005"]


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(f'{OAI}(model="o3", max_tokens=5, messages=[])\n',
                 [("1 max_tokens", "send `max_completion_tokens` instead")],
                 id="reasoning-model-rename"),
    pytest.param(f'{OAI}(model="gpt-4-32k", max_tokens=5, messages=[])\n',
                 [("1 max_tokens", "send `max_completion_tokens` instead")],
                 id="replacement-is-a-reasoning-model"),
    pytest.param(f'{OAI}(model="o3", temperature=0.2, top_p=1)\n',
                 [("1 temperature", "remove it (only the default value is accepted)"),
                  ("1 top_p", "remove it (only the default value is accepted)")],
                 id="unsupported-sampling"),
    pytest.param(f'{OAI}(model="o3", max_tokens=5, max_completion_tokens=5)\n',
                 [("1 max_tokens", "remove it (`max_completion_tokens` is already sent)")],
                 id="new-name-already-sent"),
    pytest.param(f'{OAI}(\n    model="o3",\n    max_tokens=5,\n)\n',
                 [("3 max_tokens", "send `max_completion_tokens` instead")],
                 id="multi-line-call"),
    pytest.param('client.messages.create(model="claude-sonnet-4-5", temperature=0.5, top_p=0.9)\n',
                 [("1 top_p", "send `temperature` or `top_p`, not both")],
                 id="anthropic-exclusive-pair"),
    pytest.param('payload = {"model": "o3", "messages": [], "max_tokens": 10}\n',
                 [("1 \"max_tokens\"", "send `max_completion_tokens` instead")],
                 id="chat-payload-dict"),
    pytest.param('litellm.completion(model="o3", max_tokens=5, temperature=0)\n',
                 [("1 temperature", "remove it (only the default value is accepted)")],
                 id="litellm-renames-max-tokens-itself"),
    pytest.param('ChatOpenAI(model="o1-preview", max_tokens=5)\n', [],
                 id="langchain-renames-max-tokens-itself"),
    pytest.param('x = "é"; client.chat.completions.create(model="o3", max_tokens=5)\n',
                 [("1 max_tokens", "send `max_completion_tokens` instead")],
                 id="columns-count-characters"),
])
def test_parameters_the_model_refuses(facts: ModelIndex, source: str,
                                      expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts) == expected


@pytest.mark.parametrize("source", [
    pytest.param(f'{OAI}(model="gpt-4o", max_tokens=5, temperature=0.2)\n', id="chat-model"),
    pytest.param('client.responses.create(model="o3", max_tokens=5)\n', id="fact-on-chat-only"),
    pytest.param('client.messages.create(model="claude-sonnet-4-5", temperature=0.5)\n',
                 id="one-of-the-pair"),
    pytest.param(f'{OAI}(model=MODEL, max_tokens=5)\n', id="variable-never-assigned"),
    pytest.param('payload = {"model": "o3", "max_tokens": 10}\n', id="dict-not-a-payload"),
    pytest.param('payload = {"model": "o3", "input": "hi", "max_tokens": 10}\n',
                 id="responses-payload-fact-on-chat-only"),
    pytest.param('send(model="o3", max_tokens=5)\n', id="unknown-call"),
])
def test_nothing_to_report(facts: ModelIndex, source: str) -> None:
    assert mg005(source, facts) == []


def test_a_module_that_does_not_parse_has_no_mg005(facts: ModelIndex) -> None:
    with pytest.raises(ScanError) as raised:
        scan_source("app.py", f'{OAI}(model="o3", max_tokens=5\n', facts, ScanSettings(AFTER))
    assert [f.rule.code for f in raised.value.findings] == []  # o3 is active: no MG00x either


@pytest.mark.parametrize(("source", "parameter", "fix", "replacement", "context"), [
    pytest.param(f'{OAI}(model="o3", max_tokens=5)\n', "max_tokens", FixSafety.SAFE,
                 "max_completion_tokens", "parameter keyword argument", id="rename-is-safe"),
    pytest.param(f'{OAI}(model="o3", temperature=0)\n', "temperature", FixSafety.UNSAFE, "",
                 "parameter keyword argument", id="removal-is-unsafe"),
    pytest.param('p = {"model": "o3", "messages": [], "top_p": 1}\n', "top_p", FixSafety.NONE,
                 None, "parameter payload key", id="payload-key-reported-only"),
])
def test_what_a_finding_carries(facts: ModelIndex, source: str, parameter: str, fix: FixSafety,
                                replacement: str | None, context: str) -> None:
    [found] = [f for f in scan_source("app.py", source, facts, ScanSettings(AFTER))
               if f.rule.code == "MG005"]
    assert (found.parameter, found.fix, found.replacement, found.context, found.model) == \
        (parameter, fix, replacement, context, "o3")


def test_suppressed_like_any_rule(facts: ModelIndex) -> None:
    source = f'{OAI}(model="o3", max_tokens=5)  # modelguard: ignore[MG005]\n'
    assert mg005(source, facts) == []


# What `fix --verify` reads from a rewritten module: each request's literal model and the
# token-limit names it sends to chat (none where the client library or the endpoint decides).
@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('c.chat.completions.create(model="m", max_tokens=1)\n',
                 [LimitSite(1, "m", ("max_tokens",))], id="chat-call"),
    pytest.param('c.chat.completions.create(\n    model="m", max_completion_tokens=1)\n',
                 [LimitSite(2, "m", ("max_completion_tokens",))], id="model-on-its-line"),
    pytest.param('c.chat.completions.create(model="m", max_tokens=1, max_completion_tokens=1)\n',
                 [LimitSite(1, "m", ("max_completion_tokens", "max_tokens"))], id="both"),
    pytest.param('c.chat.completions.create(model="m")\n', [LimitSite(1, "m", ())],
                 id="no-limit"),
    pytest.param('c.responses.create(model="m", max_output_tokens=16)\n',
                 [LimitSite(1, "m", ())], id="responses-one-name"),
    pytest.param('litellm.completion(model="m", max_tokens=1)\n', [LimitSite(1, "m", ())],
                 id="client-library-renames"),
    pytest.param('{"model": "m", "messages": [], "max_tokens": 1}\n',
                 [LimitSite(1, "m", ("max_tokens",))], id="payload-dict"),
    pytest.param('{"model": "m", "max_tokens": 1}\n', [LimitSite(1, "m", ())],
                 id="dict-without-messages"),
    pytest.param('c.chat.completions.create(model=M, max_tokens=1)\n', [], id="variable"),
    pytest.param('c.chat.completions.create(model="m"\n', [], id="does-not-parse"),
])
def test_token_limits(source: str, expected: list[LimitSite]) -> None:
    assert token_limits(source) == expected


# JSON payload files: keys beside a `model` key, reported only (what reads the file is unknown).
@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('{"model": "o3", "messages": [], "max_tokens": 10}\n',
                 [("1 \"max_tokens\"", "send `max_completion_tokens` instead")],
                 id="chat-payload"),
    pytest.param('{\n  "model": "gpt-4-32k",\n  "messages": [],\n  "temperature": 0.2,\n'
                 '  "stream": true, "user": null\n}\n',
                 [("4 \"temperature\"", "remove it (only the default value is accepted)")],
                 id="replacement-refuses-literals-of-json"),
    pytest.param('[{"model": "o3", "messages": [], "max_tokens": 1}, '
                 '{"model": "gpt-4o", "messages": [], "max_tokens": 1}]\n',
                 [("1 \"max_tokens\"", "send `max_completion_tokens` instead")],
                 id="one-payload-of-two"),
    pytest.param('{"model": "o3", "max_tokens": 10}\n', [], id="not-a-payload"),
    pytest.param('{"model": "gpt-4o", "messages": [], "max_tokens": 10}\n', [],
                 id="accepted"),
    pytest.param('// jsonc\n{"model": "o3", "messages": [], "max_tokens": 10}\n', [],
                 id="comments-not-read"),
])
def test_json_payload_files(facts: ModelIndex, source: str,
                            expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts, "request.json") == expected
    found = [f for f in scan_source("request.json", source, facts, ScanSettings(AFTER))
             if f.rule.code == "MG005"]
    assert all(f.fix is FixSafety.NONE and f.context == "parameter key in a payload file"
               for f in found)


# YAML payload files: keys of the block mapping holding `model:`, reported only.
@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("model: o3\nmessages: []\nmax_tokens: 10\n",
                 [("3 max_tokens", "send `max_completion_tokens` instead")], id="top-level"),
    pytest.param("requests:\n  - model: 'o3'  # reasoning\n    messages:\n      - role: user\n"
                 "        max_tokens: 1\n    temperature: 0.2\n  - model: gpt-4o\n"
                 "    messages: []\n    max_tokens: 5\n",
                 [("6 temperature", "remove it (only the default value is accepted)")],
                 id="list-items-nested-keys-not-siblings"),
    pytest.param("a:\n  max_tokens: 5\nb:\n  model: o3\n  messages: []\n", [],
                 id="another-mapping"),
    pytest.param("model: o3\nmax_tokens: 10\n", [], id="not-a-payload"),
    pytest.param("model: o3\nprompt: |\n  messages: x\n  max_tokens: 1\n", [],
                 id="block-scalar-content"),
    pytest.param("model: gpt-4-32k\n\n# the chat\ninput: hi\nmax_tokens: 3\n", [],
                 id="responses-fact-on-chat-only"),
])
def test_yaml_payload_files(facts: ModelIndex, source: str,
                            expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts, "request.yaml") == expected
    found = [f for f in scan_source("request.yaml", source, facts, ScanSettings(AFTER))
             if f.rule.code == "MG005"]
    assert all(f.fix is FixSafety.NONE and f.context == "parameter key in a payload file"
               for f in found)
