from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import Registry, load_registry
from tests.conftest import AFTER, DURING


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("gpt-4.5-preview", ("openai", "gpt-4.5-preview", ""), id="exact"),
        pytest.param("gpt-4.5-preview-2025-02-27", ("openai", "gpt-4.5-preview", ""), id="alias"),
        pytest.param("GPT-4.5-Preview", ("openai", "gpt-4.5-preview", ""), id="case-insensitive"),
        pytest.param("openai/gpt-4.5-preview", ("openai", "gpt-4.5-preview", "openai/"), id="litellm-prefix"),
        pytest.param(
            "openrouter/openai/gpt-4.5-preview",
            ("openai", "gpt-4.5-preview", "openrouter/openai/"),
            id="openrouter-prefix",
        ),
        pytest.param("azure/gpt-4-32k", ("azure-openai", "gpt-4-32k", "azure/"), id="prefix-picks-provider"),
        pytest.param("azure/gpt-4.5-preview", ("openai", "gpt-4.5-preview", "azure/"), id="prefix-falls-back"),
        pytest.param("gpt-4-32k", ("openai", "gpt-4-32k", ""), id="bare-id-priority"),
        pytest.param("gpt-4.5-previewer", None, id="longer-id"),
        pytest.param("my-gpt-4.5-preview", None, id="prefixed-word"),
        pytest.param("gpt-4.5", None, id="shorter-id"),
        pytest.param("gpt-4.1", ("openai", "gpt-4.1", ""), id="other-model"),
        pytest.param("myorg/gpt-4.5-preview", ("openai", "gpt-4.5-preview", "myorg/"), id="unknown-prefix"),
        pytest.param("openai/", None, id="prefix-alone"),
        pytest.param(" gpt-4.5-preview", None, id="leading-space"),
    ],
)
def test_lookup(index: ModelIndex, written: str, expected: tuple[str, str, str] | None) -> None:
    found = index.lookup(written)
    actual = None if found is None else (found.entry.provider, found.entry.id, found.prefix)
    assert actual == expected


@pytest.mark.parametrize(
    ("written", "as_of", "expected"),
    [
        pytest.param("gpt-4.5-preview", DURING, "gpt-4.1", id="direct"),
        pytest.param("openai/gpt-4.5-preview", DURING, "openai/gpt-4.1", id="keeps-prefix"),
        pytest.param("openrouter/openai/gpt-4-32k", AFTER, "openrouter/openai/gpt-4o", id="keeps-long-prefix"),
        # text-davinci-003 -> gpt-3.5-turbo-instruct, which (in the test data) retires in 2030.
        pytest.param("text-davinci-003", AFTER, "gpt-3.5-turbo-instruct", id="chain-first-alive"),
        pytest.param("gpt-4.1", AFTER, None, id="no-replacement"),
    ],
)
def test_replacement(index: ModelIndex, written: str, as_of: object, expected: str | None) -> None:
    found = index.lookup(written)
    assert found is not None
    assert index.replacement(found, as_of) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(dt.date(2029, 1, 1), "gpt-3.5-turbo-instruct", id="first-link-active"),
        # Deprecated with an active successor: go straight to the successor, so fix∘fix = fix.
        pytest.param(dt.date(2030, 2, 1), "gpt-4.1", id="skips-deprecated-link"),
        pytest.param(dt.date(2031, 1, 1), "gpt-4.1", id="skips-retired-link"),
    ],
)
def test_replacement_chain(index: ModelIndex, as_of: dt.date, expected: str) -> None:
    found = index.lookup("text-davinci-003")
    assert found is not None
    assert index.replacement(found, as_of) == expected


def test_replacement_chain_ending_deprecated_gives_last_serving(tmp_path: Path) -> None:
    (tmp_path / "registry.toml").write_text('schema = 1\nversion = "1"\n')
    (tmp_path / "acme.toml").write_text(
        'provider = "acme"\n'
        '[[models]]\nid = "a"\nshutdown = 2020-01-01\nreplacement = "b"\nsource = "https://x.example"\n'
        '[[models]]\nid = "b"\nannounced = 2020-01-01\nshutdown = 2030-01-01\nreplacement = "c"\n'
        'source = "https://x.example"\n'
        '[[models]]\nid = "c"\nshutdown = 2021-01-01\nsource = "https://x.example"\n'
    )
    index = build_index(load_registry(tmp_path))
    found = index.lookup("a")
    assert found is not None
    assert index.replacement(found, dt.date(2025, 1, 1)) == "b"


SHARED_PREFIX = {
    "registry.toml": 'schema = 1\nversion = "1"\npriority = ["maker", "cloud", "market"]\n',
    "maker.toml": 'provider = "maker"\n[[models]]\nid = "m-1"\n[[models]]\nid = "m-2"\n',
    "cloud.toml": 'provider = "cloud"\nprefixes = ["hub/"]\nmatch_bare = false\n'
                  '[[models]]\nid = "c-1"\n',
    "market.toml": 'provider = "market"\nprefixes = ["hub/"]\nmatch_bare = false\n'
                   '[[models]]\nid = "m-1"\n',
}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("hub/c-1", "cloud", id="first-provider-behind-prefix"),
        pytest.param("hub/m-1", "market", id="second-provider-before-maker"),
        pytest.param("hub/m-2", "maker", id="maker-when-none-behind-prefix-knows-it"),
        pytest.param("m-1", "maker", id="bare-id-keeps-maker"),
    ],
)
def test_prefix_shared_by_providers(tmp_path: Path, written: str, expected: str) -> None:
    for name, text in SHARED_PREFIX.items():
        (tmp_path / name).write_text(text)
    found = build_index(load_registry(tmp_path)).lookup(written)
    assert found is not None and found.entry.provider == expected


def test_provider_selection_limits_bare_ids(test_registry: Registry) -> None:
    azure_only = build_index(test_registry, ["azure-openai"])
    found = azure_only.lookup("gpt-4-32k")
    assert found is not None and found.entry.provider == "azure-openai"
    assert azure_only.lookup("gpt-4.5-preview") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("We moved off gpt-4-32k.", ["gpt-4-32k"], id="sentence-end"),
        pytest.param("(gpt-4.5-preview, gpt-4-32k)", ["gpt-4.5-preview", "gpt-4-32k"], id="punctuation"),
        pytest.param("`openai/gpt-4.5-preview`", ["openai/gpt-4.5-preview"], id="routed"),
        pytest.param("gpt-4.5-previewer my-gpt-4.5-preview", [], id="no-substrings"),
        # A plain word is prose even when a registry id is spelled the same (Cohere `command`).
        pytest.param("Run the command; gpt-4-32k.", ["gpt-4-32k"], id="word-ids-are-words"),
        pytest.param("", [], id="empty"),
    ],
)
def test_tokens(index: ModelIndex, text: str, expected: list[str]) -> None:
    assert [token.text for token in index.tokens(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("x = 'gpt-4.5-preview'", True, id="id"),
        pytest.param("x = 'GPT-4-32K'", True, id="case"),
        pytest.param("x = 'gpt-4.5-previewer'", False, id="longer-word"),
        pytest.param("x = 'my-gpt-4.5-preview'", True, id="word-after-dash-is-a-maybe"),
        pytest.param("x = 'azure/gpt-4-32k'", True, id="routed"),
        pytest.param("# see gpt-4.5-preview.", True, id="mention-before-full-stop"),
        pytest.param("x = 'gpt\\x2d4.5-preview'", True, id="hex-escape"),
        pytest.param("x = 'gpt-4.5-\\\npreview'", True, id="line-continuation-in-string"),
        pytest.param("x = 'gpt-4.5-pr\u0117view'", False, id="non-ascii-letter"),
        pytest.param("x = '\u212a'", False, id="non-ascii-no-id"),
        pytest.param("x = 'claude-3-opus'", False, id="unknown"),
        pytest.param("", False, id="empty"),
    ],
)
def test_prefilter(index: ModelIndex, text: str, expected: bool) -> None:
    assert index.may_contain(text) is expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Resellers' dates apply to bare ids only when the user selects them.
        pytest.param("gpt-4o-mini", "openai", id="azure-date-not-applied-to-openai-id"),
        pytest.param("azure/gpt-4o-mini", "azure-openai", id="azure-prefix"),
        pytest.param("meta-llama/Llama-2-7b-chat-hf", None, id="aimlapi-only-when-routed"),
        pytest.param("gpt-4.5-preview", "openai", id="maker-first"),
        pytest.param("claude-3-opus-20240229", "anthropic", id="anthropic"),
        pytest.param("anthropic.claude-v2:1", "bedrock", id="bedrock-form"),
        pytest.param("gemini-1.5-pro", "google", id="gemini-api-before-vertex"),
        pytest.param("vertex_ai/gemini-1.5-pro", "vertex-ai", id="vertex-prefix"),
    ],
)
def test_bundled_registry_provider_choice(written: str, expected: str | None) -> None:
    from modelguard.registry.load import bundled_registry_dir, load_registry

    found = build_index(load_registry(bundled_registry_dir())).lookup(written)
    assert (found.entry.provider if found else None) == expected
