"""The id grammar (registry/SCHEMA.md): every way projects write a model id, read by
`ModelIndex.lookup` from the registry's data, and the near-misses it must leave alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from modelguard.registry.index import Match, ModelIndex, build_index
from modelguard.registry.load import RegistryError, bundled_registry_dir, load_registry
from modelguard.registry.views import reading

AS_OF = dt.date(2026, 12, 6)
CLAUDE_3_SONNET = "anthropic.claude-3-sonnet-20240229-v1:0"
GEMINI_002 = "publishers/google/models/gemini-1.5-pro-002"


@pytest.fixture(scope="module")
def bundled() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


def _read(match: Match | None) -> tuple[str, ...] | None:
    """(provider, entry, prefix, qualifier, suffix, separator, fine-tune?) as read."""
    if match is None:
        return None
    return (match.entry.provider, match.entry.id, match.prefix, match.qualifier, match.suffix,
            match.separator, "fine-tune" if match.fine_tune else "")


def p(written: str, provider: str, entry: str, prefix: str = "", qualifier: str = "",
      suffix: str = "", separator: str = "", fine_tune: str = "", *, id: str) -> object:
    return pytest.param(written, (provider, entry, prefix, qualifier, suffix, separator, fine_tune),
                        id=id)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # pydantic-ai colon forms
        p("openai:gpt-4-0314", "openai", "gpt-4-0314", "openai:", id="pydantic-openai"),
        p("openai-chat:gpt-4-0314", "openai", "gpt-4-0314", "openai-chat:", id="pydantic-openai-chat"),
        p("openai-responses:gpt-4-0314", "openai", "gpt-4-0314", "openai-responses:",
          id="pydantic-openai-responses"),
        p("anthropic:claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet-20241022",
          "anthropic:", id="pydantic-anthropic"),
        p("google-gla:gemini-1.5-pro", "google", "gemini-1.5-pro", "google-gla:", id="pydantic-google-gla"),
        p("google-vertex:gemini-1.5-pro-002", "vertex-ai", "gemini-1.5-pro", "google-vertex:",
          id="pydantic-google-vertex"),
        p("google:gemini-1.5-flash", "google", "gemini-1.5-flash", "google:", id="pydantic-google"),
        p("bedrock:anthropic.claude-v2", "bedrock", "anthropic.claude-v2", "bedrock:", id="pydantic-bedrock"),
        p("mistral:mistral-large-2402", "mistral", "mistral-large-2402", "mistral:", id="pydantic-mistral"),
        p("groq:gpt-4-0314", "openai", "gpt-4-0314", "groq:", id="pydantic-groq-unknown-prefix"),
        p("cohere:command-r-03-2024", "cohere", "command-r-03-2024", "cohere:", id="pydantic-cohere"),
        p("xai:grok-4-0709", "xai", "grok-4-0709", "xai:", id="pydantic-xai"),
        p("gateway/openai:gpt-4-0314", "openai", "gpt-4-0314", "gateway/openai:", id="gateway-openai"),
        p("gateway/bedrock:anthropic.claude-v2", "bedrock", "anthropic.claude-v2", "gateway/bedrock:",
          id="gateway-bedrock"),
        # LangChain init_chat_model
        p("google_genai:gemini-1.5-flash", "google", "gemini-1.5-flash", "google_genai:",
          id="langchain-google-genai"),
        p("google_vertexai:gemini-1.5-pro-002", "vertex-ai", "gemini-1.5-pro", "google_vertexai:",
          id="langchain-google-vertexai"),
        p("azure_openai:gpt-35-turbo-0301", "azure-openai", "gpt-35-turbo-0301", "azure_openai:",
          id="langchain-azure-openai"),
        p("bedrock_converse:anthropic.claude-v2", "bedrock", "anthropic.claude-v2", "bedrock_converse:",
          id="langchain-bedrock-converse"),
        p("mistralai:mistral-large-2402", "mistral", "mistral-large-2402", "mistralai:",
          id="langchain-mistralai"),
        # router prefixes
        p("github/o1-mini", "openai", "o1-mini", "github/", id="aider-github"),
        p("claude/claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet-20241022", "claude/",
          id="aider-claude"),
        p("azure_openai/gpt-35-turbo-0301", "azure-openai", "gpt-35-turbo-0301", "azure_openai/",
          id="azure-openai-slash"),
        p("litellm/gpt-4-0314", "openai", "gpt-4-0314", "litellm/", id="litellm"),
        p("grok/grok-4-0709", "xai", "grok-4-0709", "grok/", id="grok"),
        p("vertexai/gemini-1.5-pro-002", "vertex-ai", "gemini-1.5-pro", "vertexai/", id="instructor-vertexai"),
        p("generative-ai/gemini-1.5-flash", "google", "gemini-1.5-flash", "generative-ai/",
          id="instructor-generative-ai"),
        p("vertex/gemini-1.5-pro-002", "vertex-ai", "gemini-1.5-pro", "vertex/", id="vertex"),
        p("openrouter/anthropic/claude-3-opus-20240229", "anthropic", "claude-3-opus-20240229",
          "openrouter/anthropic/", id="openrouter-anthropic"),
        p("something/o1-preview", "openai", "o1-preview", "something/", id="unknown-prefix"),
        p("a:b/c:o1-preview", "openai", "o1-preview", "a:b/c:", id="unknown-prefix-segments"),
        # Bedrock cross-region inference profiles
        p("us." + CLAUDE_3_SONNET, "bedrock", CLAUDE_3_SONNET, "", "us.", id="region-us"),
        p("bedrock/us." + CLAUDE_3_SONNET, "bedrock", CLAUDE_3_SONNET, "bedrock/", "us.",
          id="region-behind-prefix"),
        p("bedrock:us.amazon.nova-premier-v1:0", "bedrock", "amazon.nova-premier-v1:0", "bedrock:", "us.",
          id="region-behind-colon-prefix"),
        *(p(f"{geo}.{CLAUDE_3_SONNET}", "bedrock", CLAUDE_3_SONNET, "", f"{geo}.", id=f"region-{geo}")
          for geo in ("eu", "apac", "global", "us-gov", "jp", "au")),
        p("gateway/bedrock:us.anthropic.claude-3-haiku-20240307-v1:0", "bedrock",
          "anthropic.claude-3-haiku-20240307-v1:0", "gateway/bedrock:", "us.", id="prefixes-compose"),
        # provider-native forms
        p("claude-3-5-sonnet@20240620", "anthropic", "claude-3-5-sonnet-20240620", separator="@",
          id="vertex-dated"),
        p("vertex_ai/claude-3-5-sonnet@20240620", "anthropic", "claude-3-5-sonnet-20240620",
          "vertex_ai/", separator="@", id="vertex-dated-behind-prefix"),
        p(GEMINI_002, "vertex-ai", "gemini-1.5-pro", "publishers/google/models/", id="vertex-publisher"),
        p("projects/P/locations/L/" + GEMINI_002, "vertex-ai", "gemini-1.5-pro",
          "projects/P/locations/L/publishers/google/models/", id="vertex-resource-name"),
        p("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2", "bedrock",
          "anthropic.claude-v2", "arn:aws:bedrock:us-east-1::foundation-model/", id="bedrock-arn"),
        p("ft:gpt-3.5-turbo-0613:acme::8abc", "openai", "gpt-3.5-turbo-0613", "ft:",
          suffix=":acme::8abc", fine_tune="fine-tune", id="openai-fine-tune"),
        p("openai/ft:gpt-3.5-turbo-0613:acme::8abc", "openai", "gpt-3.5-turbo-0613", "openai/ft:",
          suffix=":acme::8abc", fine_tune="fine-tune", id="fine-tune-behind-prefix"),
        p("ft:open-mistral-7b:587a6b29:20240514:7e773925", "mistral", "open-mistral-7b", "ft:",
          suffix=":587a6b29:20240514:7e773925", fine_tune="fine-tune", id="mistral-fine-tune"),
        p("ft:gpt-4-0314", "openai", "gpt-4-0314", "ft:", fine_tune="fine-tune",
          id="fine-tune-lead-without-name"),
        # still as before
        p("openai/ada", "openai", "ada", "openai/", id="known-prefix-before-a-word"),
        p(CLAUDE_3_SONNET, "bedrock", CLAUDE_3_SONNET, id="bare-id-with-colon"),
    ],
)
def test_every_written_form_resolves(bundled: ModelIndex, written: str,
                                     expected: tuple[str, ...]) -> None:
    assert _read(bundled.lookup(written)) == expected
    assert _read(bundled.lookup(written.upper())) == tuple(
        part.upper() if 2 <= i <= 5 else part for i, part in enumerate(expected)
    )


@pytest.mark.parametrize(
    "written",
    [
        # A URL's path names an endpoint; on Azure the segment after /deployments/ is a deployment
        # name the user chose (often, not always, the model's): rewriting it would break the URL.
        pytest.param("https://host/openai/deployments/gpt-4", id="url"),
        pytest.param("https://host/v1/models/gpt-4-0314", id="url-with-model-path"),
        pytest.param("my-gpt-4-notes", id="id-inside-a-word"),
        pytest.param("gpt-4x", id="longer-id"),
        pytest.param("not/a/model", id="path"),
        pytest.param("foo/command", id="word-behind-unknown-prefix"),
        pytest.param("foo/ada", id="short-word-behind-unknown-prefix"),
        pytest.param("openai: gpt-4-0314", id="space-after-prefix"),
        pytest.param("gpt-4-0314/", id="prefix-alone-after"),
        pytest.param("openai:", id="prefix-alone"),
        pytest.param("ca." + CLAUDE_3_SONNET, id="region-aws-does-not-document"),
        pytest.param("us.gpt-4-0314", id="region-before-another-providers-id"),
        pytest.param("gpt-4-0314@20240620", id="dated-spelling-of-no-entry"),
        pytest.param("claude-3-5-sonnet@2024062", id="dated-spelling-short-date"),
        pytest.param("ftx:gpt-3.5-turbo-0613:acme::8abc", id="not-a-fine-tune-lead"),
        pytest.param("gpt-4-0314:latest", id="something-after-a-plain-id"),
        pytest.param("a/" * 150 + "gpt-4-0314", id="longer-than-any-written-id"),
    ],
)
def test_near_misses_do_not_resolve(bundled: ModelIndex, written: str) -> None:
    assert bundled.lookup(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("openai:gpt-4-0314", "openai:gpt-6.1-sol", id="colon-prefix-kept"),
        pytest.param("something/o1-preview", "something/o3", id="unknown-prefix-kept"),
        pytest.param("us." + CLAUDE_3_SONNET, "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                     id="region-kept"),
        pytest.param("bedrock:us." + CLAUDE_3_SONNET,
                     "bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0", id="both-kept"),
        pytest.param("vertex_ai/claude-3-5-sonnet@20240620", "vertex_ai/claude-sonnet-4-6",
                     id="undated-replacement-of-a-dated-spelling"),
        pytest.param("ft:gpt-3.5-turbo-0613:acme::8abc", None, id="fine-tune-never-rewritten"),
    ],
)
def test_rewrite_keeps_everything_but_the_id(bundled: ModelIndex, written: str,
                                             expected: str | None) -> None:
    match = bundled.lookup(written)
    assert match is not None
    assert bundled.replacement(match, AS_OF) == expected


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        pytest.param("claude-sonnet-4-5-20250929", "vertex_ai/claude-sonnet-4-5@20250929", id="dated"),
        pytest.param("claude-sonnet-4-6", "vertex_ai/claude-sonnet-4-6", id="undated"),
        pytest.param("claude-4-5", "vertex_ai/claude-4-5", id="short-number-is-no-date"),
    ],
)
def test_a_dated_spelling_spells_its_replacement_alike(bundled: ModelIndex, replacement: str,
                                                       expected: str) -> None:
    match = bundled.lookup("vertex_ai/claude-3-5-sonnet@20240620")
    assert match is not None
    assert match.rewritten(replacement) == expected
    assert match.as_listed(expected[len("vertex_ai/"):]) == replacement


def test_a_fine_tune_still_has_a_successor_to_train_on(bundled: ModelIndex) -> None:
    match = bundled.lookup("ft:gpt-3.5-turbo-0613:acme::8abc")
    assert match is not None
    successor = bundled.successor(match, AS_OF)
    assert successor is not None and successor.provider == "openai"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("openai:gpt-4-0314", "prefix 'openai:' (selects openai) + id 'gpt-4-0314'",
                     id="known-prefix"),
        pytest.param("litellm_proxy/o1-mini", "prefix 'litellm_proxy/' (not in the registry: read "
                     "before an id with a digit, '.' or '-') + id 'o1-mini'", id="unknown-prefix"),
        pytest.param("github/o1-mini", "prefix 'github/' (selects github-models) + id 'o1-mini'",
                     id="route-without-the-id-falls-back-to-the-maker"),
        pytest.param("bedrock/us." + CLAUDE_3_SONNET, "prefix 'bedrock/' (selects bedrock) + region "
                     f"qualifier 'us.' (bedrock) + id '{CLAUDE_3_SONNET}'", id="qualifier"),
        pytest.param("claude-3-5-sonnet@20240620", "id 'claude-3-5-sonnet@20240620' (anthropic's "
                     "'claude-3-5-sonnet-20240620' spelled with '@' before the date)", id="dated"),
        pytest.param("ft:gpt-3.5-turbo-0613:acme::8abc", "prefix 'ft:' (ends in a fine-tune lead) + "
                     "id 'gpt-3.5-turbo-0613' + fine-tune name ':acme::8abc' (a model trained from "
                     "the id)", id="fine-tune"),
    ],
)
def test_reading_names_each_part_as_written(bundled: ModelIndex, written: str, expected: str) -> None:
    match = bundled.lookup(written)
    assert match is not None
    assert reading(written, match) == expected


_PROVIDER = 'provider = "acme"\n'


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        pytest.param(_PROVIDER + 'prefixes = ["acme"]\n', "acme.toml: prefixes: expected a list of "
                     "strings ending in '/' or ':'", id="prefix-without-separator"),
        pytest.param(_PROVIDER + 'prefixes = ["https://acme/"]\n', "acme.toml: prefixes: ",
                     id="prefix-url"),
        pytest.param(_PROVIDER + 'prefixes = ["a b/"]\n', "acme.toml: prefixes: ", id="prefix-space"),
        pytest.param(_PROVIDER + 'qualifiers = ["us"]\n', "acme.toml: qualifiers: expected a list of "
                     "strings such as 'us.'", id="qualifier-without-dot"),
        pytest.param(_PROVIDER + 'qualifiers = "us."\n', "acme.toml: qualifiers: ", id="qualifier-not-list"),
        pytest.param(_PROVIDER + 'fine_tunes = ["ft"]\n', "acme.toml: fine_tunes: expected a list of "
                     "strings such as 'ft:'", id="fine-tune-without-colon"),
        pytest.param(_PROVIDER + 'date_separators = ["-"]\n', "acme.toml: date_separators: expected a "
                     "list of single characters such as '@'", id="separator-dash"),
        pytest.param(_PROVIDER + 'date_separators = ["@@"]\n', "acme.toml: date_separators: ",
                     id="separator-two-characters"),
    ],
)
def test_grammar_fields_are_validated(tmp_path: Path, provider: str, expected: str) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "registry.toml").write_text('schema = 1\nversion = "2026.01.01"\n')
    (registry / "acme.toml").write_text(provider)
    with pytest.raises(RegistryError) as raised:
        load_registry(registry)
    assert len(raised.value.problems) == 1, raised.value.problems
    assert expected in raised.value.problems[0]
