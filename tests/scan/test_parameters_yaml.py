"""Rule MG005 in YAML payload files (issue #18): flow mappings, anchors, aliases and merge keys,
and the YAML the reader does not vouch for, which yields no site.

The registry is tests/fixtures/registry-parameters: o3 (and gpt-4-32k, retired into it) takes
`max_completion_tokens` in Chat Completions and refuses `temperature` and `top_p`; gpt-4o
takes them all. Each expected site is `line text-at-the-span`: the span covers the key as
written, quotes included."""

from __future__ import annotations

import pytest

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import AFTER, FIXTURES
from tests.scan.test_parameters import mg005

RENAME = "send `max_completion_tokens` instead"
DEFAULT_ONLY = "remove it (only the default value is accepted)"


@pytest.fixture(scope="module")
def facts() -> ModelIndex:
    return build_index(load_registry(FIXTURES / "registry-parameters"))


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("{model: o3, max_tokens: 5, messages: [{role: user, content: hi}]}\n",
                 [("1 max_tokens", RENAME)], id="flow-one-line"),
    pytest.param("request: {model: o3,  # a reasoning model\n"
                 "  'max_tokens': 5, \"temperature\": 0.2,\n"
                 "  messages: []}\n",
                 [("2 'max_tokens'", RENAME), ('2 "temperature"', DEFAULT_ONLY)],
                 id="flow-mapping-value-over-lines-quoted-keys-comments"),
    pytest.param("- {model: o3, messages: [], max_tokens: 1}\n"
                 "- {model: gpt-4o, messages: [], max_tokens: 1}\n",
                 [("1 max_tokens", RENAME)], id="flow-list-items"),
    pytest.param("{model: o3, messages: [{role: user, content: 'a, b: {c}]'},\n"
                 "  {max_tokens: 1}], top_p: 1}\n",
                 [("2 top_p", DEFAULT_ONLY)], id="nested-flow-keys-not-siblings"),
    pytest.param('{"model": "o3", "messages": [], "max_tokens": 10}\n',
                 [('1 "max_tokens"', RENAME)], id="json-in-yaml"),
    pytest.param("requests:\n  - {model: o3, messages: [],\n     max_tokens: 1}\n"
                 "  - model: o3\n    messages: []\n    temperature: 0\n",
                 [("3 max_tokens", RENAME), ("6 temperature", DEFAULT_ONLY)],
                 id="flow-and-block-items"),
    # Merge keys: a merged key's site is where it is written, in the anchored mapping; two
    # requests merging it with the same model and keys make one site.
    pytest.param("defaults: &defaults {max_tokens: 5}\n"
                 "first:\n  <<: *defaults\n  model: o3\n  messages: []\n"
                 "second: {<<: *defaults, model: o3, messages: []}\n",
                 [("1 max_tokens", RENAME)], id="flow-anchor-merged-twice"),
    pytest.param("defaults: &defaults\n  temperature: 0.2\n"
                 "first:\n  <<: *defaults\n  model: o3\n  messages: []\n"
                 "second:\n  <<: *defaults\n  model: gpt-4-32k\n  messages: []\n",
                 [("2 temperature", DEFAULT_ONLY), ("2 temperature", DEFAULT_ONLY)],
                 id="block-anchor-merged-by-two-models"),
    pytest.param("a: &a {top_p: 1, max_tokens: 5}\nb: &b {temperature: 0}\n"
                 "request:\n  <<: [*a, *b]\n  model: o3\n  messages: []\n  max_tokens: 9\n",
                 [("1 top_p", DEFAULT_ONLY), ("2 temperature", DEFAULT_ONLY),
                  ("7 max_tokens", RENAME)], id="merged-list-own-key-wins"),
    pytest.param("base: &base {model: o3}\nrequest: {<<: *base, messages: [], max_tokens: 1}\n",
                 [("2 max_tokens", RENAME)], id="merged-model"),
    pytest.param("base: &base {model: o3, max_tokens: 3}\n"
                 "chat: {<<: *base, messages: []}\nagain: *base\n",
                 [("1 max_tokens", RENAME)], id="alias-of-a-whole-mapping-read-once"),
    # Anchored and aliased model values resolve alike.
    pytest.param("request:\n  model: &m o3\n  messages: []\n  max_tokens: 4\n"
                 "other:\n  model: *m\n  messages: []\n  top_p: 1\n",
                 [("4 max_tokens", RENAME), ("8 top_p", DEFAULT_ONLY)],
                 id="anchored-and-aliased-model"),
    pytest.param("model: o3\nmessages:\n- content: |\n    {unbalanced: [\n- role: user\n"
                 "max_tokens: 1\n",
                 [("6 max_tokens", RENAME)], id="block-scalar-read-past"),
    pytest.param("model: o3\nmessages:\n- text: |2-\n     indented\n    text\n  role: user\n"
                 "max_tokens: 1\n",
                 [("7 max_tokens", RENAME)], id="block-scalar-indentation-indicator"),
    pytest.param("model: o3\nmessages: !!binary |\n  aGk=\nmax_tokens: 1\n",
                 [("4 max_tokens", RENAME)], id="tagged-scalar-read-past"),
    pytest.param("model: gpt-4o\n---\nmodel: o3\nmessages: []\nmax_tokens: 3\n...\n",
                 [("5 max_tokens", RENAME)], id="second-document"),
    pytest.param("model: o3\nmessages: []\n\"<<\": {max_tokens: 1}\n", [],
                 id="quoted-merge-key-merges-nothing"),
])
def test_yaml_sites(facts: ModelIndex, source: str, expected: list[tuple[str, str]]) -> None:
    assert mg005(source, facts, "request.yaml") == expected
    found = [f for f in scan_source("request.yaml", source, facts, ScanSettings(AFTER))
             if f.rule.code == "MG005"]
    assert all(f.fix is FixSafety.NONE and f.context == "parameter key in a payload file"
               for f in found)


# What the reader cannot vouch for yields no site: each row holds a request it would report
# if the construct around it were read (compare `test_yaml_sites`).
@pytest.mark.parametrize("source", [
    pytest.param("{model: o3, messages: [], max_tokens: 1\n", id="unbalanced-brace"),
    pytest.param("{model: o3, messages: [], max_tokens: 1]}\n", id="wrong-closing-bracket"),
    pytest.param("request: !!map\n  model: o3\n  messages: []\n  max_tokens: 4\n",
                 id="tagged-mapping"),
    pytest.param("request: !custom {model: o3, messages: [], max_tokens: 4}\n",
                 id="tagged-flow-mapping"),
    pytest.param("--- {model: o3, messages: [], max_tokens: 1}\n",
                 id="document-on-its-marker-line"),
    pytest.param("x: &m o3\n---\nmodel: *m\nmessages: []\nmax_tokens: 1\n",
                 id="alias-to-another-document"),
    pytest.param("model: *m\nmessages: []\nmax_tokens: 1\n", id="undefined-alias"),
    pytest.param("model: o3\nmessages: []\n<<: o3\nmax_tokens: 1\n", id="merge-of-a-scalar"),
    pytest.param("- &a model: o3\n  messages: []\n  max_tokens: 1\n", id="anchor-on-a-key"),
    pytest.param("{model: o3, messages: [], max_tokens\n  : 1}\n", id="colon-on-another-line"),
    pytest.param("model: o3\nmessages: []\nmax_tokens: 1\nnote: a: b\n", id="invalid-value"),
    pytest.param("model: o3\nmessages: []\nmax_tokens: 1\n\tx: 1\n", id="tab-indentation"),
    pytest.param("model: o3\nmessages: []\nmax_tokens: 1\n? complex\n: key\n", id="complex-key"),
    pytest.param("model: o3\nprompt: |x\n  y\nmessages: []\nmax_tokens: 1\n",
                 id="bad-block-scalar-header"),
    pytest.param("model: o3\nmessages: [a: b]\nmax_tokens: 1\n", id="pair-in-flow-sequence"),
    pytest.param("model: o3\nmessages: []\nmax_tokens: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n",
                 id="nesting-deeper-than-recursion"),
])
def test_yaml_not_vouched_for(facts: ModelIndex, source: str) -> None:
    assert mg005(source, facts, "request.yaml") == []
