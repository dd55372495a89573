from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from modelguard.registry.load import RegistryError, bundled_registry_dir, load_registry

MANIFEST = 'schema = 1\nversion = "2026.01.01"\n'
HEADER = 'provider = "acme"\nprefixes = ["acme/"]\n'
SRC = 'source = "https://acme.example/deprecations"'


def _load(tmp_path: Path, provider: str, manifest: str = MANIFEST) -> None:
    (tmp_path / "registry.toml").write_text(manifest)
    (tmp_path / "acme.toml").write_text(textwrap.dedent(provider))
    load_registry(tmp_path)


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        pytest.param(
            HEADER + f'[[models]]\nid = "m1"\nannounced = 2025-06-10\nshutdown = 2025-06-06\n{SRC}\n',
            "acme.toml: models[0] (m1): shutdown 2025-06-06 is before announced 2025-06-10",
            id="dates-out-of-order",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\n[[models]]\nid = "m2"\naliases = ["m1"]\n',
            "acme.toml: models[1] (m2): id 'm1' is already used by ",
            id="duplicate-id",
        ),
        pytest.param(
            HEADER + f'[[models]]\nid = "m1"\nshutdown = 2025-01-01\nreplacement = "m9"\n{SRC}\n',
            "acme.toml: models[0] (m1): replacement: 'm9' is not a model of this provider",
            id="replacement-missing",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "a"\nreplacement = "b"\n[[models]]\nid = "b"\nreplacement = "a"\n',
            "acme.toml: models[0] (a): replacement: chain loops: a -> b -> a",
            id="replacement-loop",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nreplacement = "m1"\n',
            "acme.toml: models[0] (m1): replacement: a model cannot replace itself",
            id="replacement-self",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nshutdown = 2025-01-01\n',
            "acme.toml: models[0] (m1): source: a deprecated entry needs an https:// source URL",
            id="source-missing",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nshutdown = 2025-01-01\nsource = "http://acme.example"\n',
            "acme.toml: models[0] (m1): source: a deprecated entry needs an https:// source URL",
            id="source-not-https",
        ),
        pytest.param(
            HEADER + f'[[models]]\nid = "m1"\nshutdown = "2025-01-01"\n{SRC}\n',
            "acme.toml: models[0] (m1): shutdown: expected a TOML date such as 2025-07-14, got '2025-01-01'",
            id="date-as-string",
        ),
        pytest.param(
            HEADER + f'[[models]]\nid = "m1"\nshutdown = 2025-01-01T10:00:00\n{SRC}\n',
            "acme.toml: models[0] (m1): shutdown: expected a TOML date such as 2025-07-14, got ",
            id="datetime-not-date",
        ),
        pytest.param(
            HEADER + f'[[models]]\nid = "m1"\nshutdown = 2025-01-01\nshutdown_qualifier = "maybe"\n{SRC}\n',
            "acme.toml: models[0] (m1): shutdown_qualifier: expected one of exact, not_before, estimated, got 'maybe'",
            id="bad-qualifier",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nretired = true\n',
            "acme.toml: models[0] (m1): unknown key 'retired'",
            id="unknown-entry-key",
        ),
        pytest.param(
            HEADER + 'homepage = "x"\n',
            "acme.toml: unknown key 'homepage'",
            id="unknown-provider-key",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = ""\n',
            "acme.toml: models[0]: id: expected a non-empty string without surrounding spaces",
            id="empty-id",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\naliases = "m2"\n',
            "acme.toml: models[0] (m1): aliases: expected a list of non-empty strings",
            id="aliases-not-list",
        ),
        pytest.param(
            'provider = "acme"\nprefixes = ["acme"]\n',
            "acme.toml: prefixes: expected a list of strings ending in '/'",
            id="prefix-without-slash",
        ),
        pytest.param(
            HEADER + "match_bare = 1\n",
            "acme.toml: match_bare: expected true or false",
            id="match-bare-not-bool",
        ),
        pytest.param(
            'prefixes = []\n',
            "acme.toml: provider: expected a non-empty string",
            id="provider-missing",
        ),
        pytest.param(
            HEADER + "[[models]\n",
            "acme.toml: invalid TOML: ",
            id="invalid-toml",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nendpoints = ["chat", "speech"]\n',
            "acme.toml: models[0] (m1): endpoints: unknown endpoint 'speech' (expected one of chat, ",
            id="unknown-endpoint",
        ),
        pytest.param(
            HEADER + 'default_endpoints = ["chat/completions"]\n',
            "acme.toml: default_endpoints: unknown endpoint 'chat/completions' (expected one of ",
            id="unknown-default-endpoint",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nendpoints = "chat"\n',
            "acme.toml: models[0] (m1): endpoints: expected a list of endpoint names (chat, ",
            id="endpoints-not-list",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nendpoints = []\n',
            "acme.toml: models[0] (m1): endpoints: expected at least one endpoint",
            id="endpoints-empty",
        ),
        pytest.param(
            HEADER + '[[models]]\nid = "m1"\nendpoints = ["embeddings", "embeddings"]\n',
            "acme.toml: models[0] (m1): endpoints: an endpoint is named twice",
            id="endpoint-twice",
        ),
    ],
)
def test_provider_errors(tmp_path: Path, provider: str, expected: str) -> None:
    with pytest.raises(RegistryError) as raised:
        _load(tmp_path, provider)
    assert len(raised.value.problems) == 1, raised.value.problems
    assert expected in raised.value.problems[0]
    assert raised.value.problems[0].endswith(str(tmp_path.name) + "/acme.toml") is False


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        pytest.param('schema = 2\nversion = "x"\n', "registry.toml: schema: expected 1, got 2", id="schema"),
        pytest.param("schema = 1\n", "registry.toml: version: expected a CalVer string", id="version"),
        pytest.param(
            MANIFEST + 'priority = ["nobody"]\n', "registry.toml: priority: unknown provider 'nobody'",
            id="priority",
        ),
        pytest.param(MANIFEST + "extra = 1\n", "registry.toml: unknown key 'extra'", id="unknown-key"),
    ],
)
def test_manifest_errors(tmp_path: Path, manifest: str, expected: str) -> None:
    with pytest.raises(RegistryError) as raised:
        _load(tmp_path, HEADER, manifest)
    assert len(raised.value.problems) == 1, raised.value.problems
    assert expected in raised.value.problems[0]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    provider = HEADER + '[[models]]\nid = "m1"\nshutdown = 2025-01-01\n[[models]]\nid = "m1"\n'
    with pytest.raises(RegistryError) as raised:
        _load(tmp_path, provider)
    assert len(raised.value.problems) == 2


def test_valid_provider_loads(tmp_path: Path) -> None:
    (tmp_path / "registry.toml").write_text(MANIFEST)
    (tmp_path / "acme.toml").write_text(
        HEADER
        + f'[[models]]\nid = "old"\naliases = ["old-2024"]\nannounced = 2025-01-01\n'
        f'shutdown = 2025-06-01\nreplacement = "new"\n{SRC}\n[[models]]\nid = "new"\n'
    )
    registry = load_registry(tmp_path)
    (acme,) = registry.providers
    assert registry.version == "2026.01.01"
    assert [m.id for m in acme.models] == ["old", "new"]
    assert acme.models[0].aliases == ("old-2024",)
    assert acme.models[0].shutdown == dt.date(2025, 6, 1)


def test_bundled_registry_is_valid_and_has_gpt_4_5_preview() -> None:
    registry = load_registry(bundled_registry_dir())
    openai = registry.provider("openai")
    assert openai is not None
    (entry,) = [m for m in openai.models if m.id == "gpt-4.5-preview"]
    assert entry.aliases == ("gpt-4.5-preview-2025-02-27",)
    assert (entry.announced, entry.shutdown) == (dt.date(2025, 4, 14), dt.date(2025, 7, 14))
    assert entry.replacement == "gpt-4.1"
    assert entry.source is not None and entry.source.startswith("https://")


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        pytest.param(
            HEADER + f'[[models]]\nid = "m"\nshutdown = 2025-01-01\ndates_from = "litellm"\n{SRC}\n',
            "acme.toml: models[0] (m): dates_from: expected one of provider, aggregator, "
            "got 'litellm'",
            id="dates-from-unknown",
        ),
        pytest.param(
            HEADER + 'page_version = "2026-09-02"\n',
            "acme.toml: page_version: expected a TOML date such as 2025-07-14, got '2026-09-02'",
            id="page-version-string",
        ),
    ],
)
def test_date_provenance_errors(tmp_path: Path, provider: str, expected: str) -> None:
    with pytest.raises(RegistryError) as raised:
        _load(tmp_path, provider)
    assert raised.value.problems[0].endswith(expected)
    assert len(raised.value.problems) == 1, raised.value.problems


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param("", ("provider", None), id="defaults"),
        pytest.param('dates_from = "aggregator"\n', ("aggregator", None), id="aggregator"),
        pytest.param("page_version = 2026-09-02\n", ("provider", dt.date(2026, 9, 2)),
                     id="page-version"),
    ],
)
def test_date_provenance_loads(tmp_path: Path, lines: str, expected: tuple[str, object]) -> None:
    header, entry = (lines, "") if lines.startswith("page_version") else ("", lines)
    (tmp_path / "registry.toml").write_text(MANIFEST)
    (tmp_path / "acme.toml").write_text(
        HEADER + header + f'[[models]]\nid = "m"\nshutdown = 2025-01-01\n{entry}{SRC}\n'
    )
    (acme,) = load_registry(tmp_path).providers
    assert (acme.models[0].dates_from, acme.page_version) == expected


def test_every_bundled_provider_names_its_page_version() -> None:
    registry = load_registry(bundled_registry_dir())
    assert [p.slug for p in registry.providers if p.page_version is None] == []


def test_bundled_aggregator_dates_are_estimated() -> None:
    """A day only an aggregator gives is never presented as the provider's exact word: check
    reports say 'around' for estimated days."""
    registry = load_registry(bundled_registry_dir())
    assert [
        (p.slug, e.id) for p in registry.providers for e in p.models
        if e.dates_from == "aggregator" and e.shutdown_qualifier != "estimated"
    ] == []


@pytest.mark.parametrize(("provider", "expected"), [
    pytest.param(HEADER + '[[models]]\nid = "m1"\n', (), id="unknown-without-default"),
    pytest.param(HEADER + 'default_endpoints = ["chat", "responses"]\n[[models]]\nid = "m1"\n',
                 ("chat", "responses"), id="provider-default"),
    pytest.param(HEADER + 'default_endpoints = ["chat"]\n[[models]]\nid = "m1"\n'
                 'endpoints = ["audio.speech"]\n', ("audio.speech",), id="entry-wins"),
])
def test_endpoints_of_an_entry(tmp_path: Path, provider: str, expected: tuple[str, ...]) -> None:
    (tmp_path / "registry.toml").write_text(MANIFEST)
    (tmp_path / "acme.toml").write_text(provider)
    [entry] = load_registry(tmp_path).providers[0].models
    assert entry.endpoints == expected
