"""`[[parameters]]`: which request parameters some models refuse (rule MG005), validated with
errors naming file, table and field, and carried through the parsed cache and bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelguard.registry.bundle import bundle_bytes, registry_from_bundle
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import (
    ParameterFact,
    RegistryError,
    bundled_registry_dir,
    load_registry,
)
from modelguard.registry.parsed import from_data, to_data

MANIFEST = 'schema = 1\nversion = "2026.01.01"\n'
MODELS = ('provider = "acme"\n[[models]]\nid = "r1"\naliases = ["r1-2025-01-01"]\n'
          '[[models]]\nid = "c1"\n')
SRC = 'source = "https://acme.example/reasoning"\n'
GOOD = ('[[parameters]]\nmodels = ["r1*"]\nendpoints = ["chat"]\n'
        'renamed = {max_tokens = "max_completion_tokens"}\nunsupported = ["temperature"]\n'
        'exclusive = [["top_p", "top_k"]]\n' + SRC)


def _load(tmp_path: Path, parameters: str) -> ParameterFact:
    (tmp_path / "registry.toml").write_text(MANIFEST)
    # A top-level key after a [[models]] table would belong to that table.
    text = MODELS + parameters if parameters.startswith("[[") else parameters + MODELS
    (tmp_path / "acme.toml").write_text(text)
    [fact] = load_registry(tmp_path).providers[0].parameters
    return fact


def test_a_fact_loads_and_covers_its_models(tmp_path: Path) -> None:
    fact = _load(tmp_path, GOOD)
    assert fact == ParameterFact(("r1*",), ("chat",), (("max_tokens", "max_completion_tokens"),),
                                 ("temperature",), (("top_p", "top_k"),),
                                 "https://acme.example/reasoning")
    assert fact.covers(("R1-2025-01-01",)) and not fact.covers(("c1",))


@pytest.mark.parametrize(("table", "expected"), [
    pytest.param(GOOD.replace('["r1*"]', '["x9*"]'),
                 "parameters[0]: models: 'x9*' matches no entry of this provider", id="no-entry"),
    pytest.param(GOOD.replace('models = ["r1*"]\n', ''),
                 "parameters[0]: models: expected a non-empty list", id="no-models"),
    pytest.param(GOOD.replace('endpoints = ["chat"]\n', ''),
                 "parameters[0]: endpoints: expected the endpoints", id="no-endpoints"),
    pytest.param(GOOD.replace('["chat"]', '["chat/completions"]'),
                 "parameters[0]: endpoints: unknown endpoint 'chat/completions'", id="bad-endpoint"),
    pytest.param(GOOD.replace('"max_completion_tokens"', '"max tokens"'),
                 "parameters[0]: renamed: expected a table of old = \"new\"", id="bad-rename"),
    pytest.param(GOOD.replace('["temperature"]', '"temperature"'),
                 "parameters[0]: unsupported: expected a list of parameter names", id="bad-list"),
    pytest.param(GOOD.replace('[["top_p", "top_k"]]', '[["top_p"]]'),
                 "parameters[0]: exclusive: expected a list of groups of two", id="lone-group"),
    pytest.param(GOOD.replace('["temperature"]', '["max_tokens"]'),
                 "parameters[0]: 'max_tokens' is both renamed and unsupported", id="both"),
    pytest.param(GOOD.replace(SRC, 'source = "http://acme.example/"\n'),
                 "parameters[0]: source: expected the https:// page", id="http-source"),
    pytest.param(GOOD + 'extra = 1\n', "parameters[0]: unknown key 'extra'", id="unknown-key"),
    pytest.param('[[parameters]]\nmodels = ["r1"]\nendpoints = ["chat"]\n' + SRC,
                 "parameters[0]: expected at least one of renamed, unsupported, exclusive",
                 id="empty-fact"),
    pytest.param('parameters = 3\n', "acme.toml: parameters: expected an array of tables",
                 id="not-tables"),
])
def test_errors_name_file_table_and_field(tmp_path: Path, table: str, expected: str) -> None:
    with pytest.raises(RegistryError) as raised:
        _load(tmp_path, table)
    assert len(raised.value.problems) == 1, raised.value.problems
    assert "acme.toml" in raised.value.problems[0]
    assert expected in raised.value.problems[0]


def test_facts_survive_the_parsed_cache_and_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "registry.toml").write_text(MANIFEST)
    (tmp_path / "acme.toml").write_text(MODELS + GOOD)
    registry = load_registry(tmp_path)
    assert from_data(to_data(registry)).providers[0].parameters == \
        registry.providers[0].parameters
    assert registry_from_bundle(bundle_bytes(registry)).providers[0].parameters == \
        registry.providers[0].parameters


@pytest.fixture(scope="module")
def openai() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()), ["openai"])


@pytest.mark.parametrize(("model", "renamed", "refused"), [
    ("o3-mini", {"max_tokens": "max_completion_tokens"}, "temperature"),
    ("o1-2024-12-17", {"max_tokens": "max_completion_tokens"}, "logprobs"),
    ("gpt-5-mini", {"max_tokens": "max_completion_tokens"}, "top_p"),
])
def test_bundled_reasoning_models_refuse_max_tokens(
    openai: ModelIndex, model: str, renamed: dict[str, str], refused: str
) -> None:
    index = openai
    match = index.lookup(model)
    assert match is not None
    facts = [f for f in index.parameter_facts(match.entry) if "chat" in f.endpoints]
    assert {old: new for fact in facts for old, new in fact.renamed} == renamed
    assert any(refused in fact.unsupported for fact in facts)
    assert all(fact.source.startswith("https://") for fact in facts)


@pytest.mark.parametrize("model", ["gpt-4o", "gpt-4.1", "gpt-5-chat-latest", "gpt-5.1"])
def test_bundled_chat_models_take_max_tokens(openai: ModelIndex, model: str) -> None:
    index = openai
    match = index.lookup(model)
    assert match is not None
    assert [f for f in index.parameter_facts(match.entry) if "chat" in f.endpoints] == []


@pytest.fixture(scope="module")
def bundled() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


def _on(index: ModelIndex, model: str, endpoint: str) -> tuple[dict[str, str], set[str]]:
    """The renamed and the refused parameters of `model` on `endpoint`."""
    match = index.lookup(model)
    assert match is not None
    facts = [f for f in index.parameter_facts(match.entry) if endpoint in f.endpoints]
    assert all(f.source.startswith("https://") for f in facts)
    return ({old: new for f in facts for old, new in f.renamed},
            {name for f in facts for name in f.unsupported})


@pytest.mark.parametrize(("model", "endpoint", "renamed", "refused"), [
    # The Responses API names the token limit max_output_tokens, whatever the model.
    ("gpt-4o", "responses", {"max_tokens": "max_output_tokens",
                             "max_completion_tokens": "max_output_tokens"}, set()),
    ("gpt-5-nano", "responses", {"max_tokens": "max_output_tokens",
                                 "max_completion_tokens": "max_output_tokens"},
     {"temperature", "top_p", "logprobs"}),
    # GPT-5.1 takes sampling parameters at its default reasoning effort: nothing refused.
    ("gpt-5.1", "chat", {}, set()),
    # On Azure, Microsoft's reasoning page names max_completion_tokens for GPT-5.1/5.2/5.4.
    ("azure/gpt-5.1-2025-11-13", "chat", {"max_tokens": "max_completion_tokens"}, set()),
    ("azure/gpt-5.4-nano", "chat", {"max_tokens": "max_completion_tokens"}, set()),
    ("azure/gpt-5.4-nano", "responses", {}, set()),  # the fact holds on Chat Completions
    ("azure/gpt-5.2-chat", "chat", {}, set()),
    ("claude-opus-4-7", "messages", {}, {"temperature", "top_p", "top_k"}),
    ("claude-opus-5-5", "messages", {}, {"temperature", "top_p", "top_k"}),
    ("anthropic/claude-sonnet-5", "messages", {}, {"temperature", "top_p", "top_k"}),
    ("claude-sonnet-4-6", "messages", {}, set()),
    ("claude-haiku-4-5", "messages", {}, set()),
])
def test_bundled_facts_per_endpoint(bundled: ModelIndex, model: str, endpoint: str,
                                    renamed: dict[str, str], refused: set[str]) -> None:
    assert _on(bundled, model, endpoint) == (renamed, refused)


def test_a_changed_fact_changes_the_index_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "registry.toml").write_text(MANIFEST)
    (tmp_path / "acme.toml").write_text(MODELS + GOOD)
    before = build_index(load_registry(tmp_path)).fingerprint
    (tmp_path / "acme.toml").write_text(MODELS + GOOD.replace('"temperature"', '"seed"'))
    assert build_index(load_registry(tmp_path)).fingerprint != before
