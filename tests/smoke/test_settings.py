"""`[tool.modelguard.smoke]`: parsing tables, and `modelguard smoke` following the file."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from modelguard.cli.main import cli
from modelguard.smoke import PROVIDERS
from modelguard.smoke.settings import (
    ProviderOverride,
    SmokeSettings,
    build_smoke,
    configured_providers,
    smoke_table,
    validate_smoke,
)
from modelguard.workspace.config import validate_config
from tests.conftest import FIXTURES
from tests.smoke.fake_provider import KEY, FakeProvider

TEST_REGISTRY = str(FIXTURES / "registry")
PASTED_KEY = "sk-proj-abcdefghijklmnop0123456789"

# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param({}, SmokeSettings(), id="empty-is-the-defaults"),
    pytest.param({"timeout": 5, "concurrency": 2, "max-calls": 7},
                 SmokeSettings(timeout=5.0, concurrency=2, max_calls=7), id="defaults"),
    pytest.param({"timeout": 0.25}, SmokeSettings(timeout=0.25), id="fractional-timeout"),
    pytest.param({"providers": {"openai": {"base-url": "https://gw.example.com/v1/",
                                           "api-key-env": "GW_KEY"}}},
                 SmokeSettings(providers=(("openai", ProviderOverride(
                     "https://gw.example.com/v1", "GW_KEY")),)),
                 id="provider-both-keys-trailing-slash-dropped"),
    pytest.param({"providers": {"openai": {"api-key-env": "A"}, "anthropic": {"base-url": "http://[::1]:8080/v1"}}},
                 SmokeSettings(providers=(("anthropic", ProviderOverride("http://[::1]:8080/v1", None)),
                                          ("openai", ProviderOverride(None, "A")))),
                 id="several-providers-sorted-loopback-http"),
])
def test_valid_tables_build(raw: dict[str, Any], expected: SmokeSettings) -> None:
    assert validate_smoke(raw) == []
    assert build_smoke(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    pytest.param([], "smoke: expected a table", id="not-a-table"),
    pytest.param({"timout": 5}, "smoke: unknown key 'timout'", id="unknown-key"),
    pytest.param({"timeout": 0}, "smoke.timeout: expected a number of seconds > 0, got 0", id="zero-timeout"),
    pytest.param({"timeout": "30s"}, "smoke.timeout: expected a number of seconds > 0, got '30s'", id="string-timeout"),
    pytest.param({"timeout": True}, "smoke.timeout: expected a number of seconds > 0, got True", id="bool-timeout"),
    pytest.param({"concurrency": 0}, "smoke.concurrency: expected an integer >= 1, got 0", id="zero-concurrency"),
    pytest.param({"max-calls": 2.5}, "smoke.max-calls: expected an integer >= 1, got 2.5", id="float-max-calls"),
    pytest.param({"providers": ["openai"]}, "smoke.providers: expected a table of provider tables", id="providers-not-a-table"),
    pytest.param({"providers": {"bedrock": {}}}, "smoke.providers.bedrock: no smoke client for provider 'bedrock'", id="unknown-provider"),
    pytest.param({"providers": {"openai": "https://x"}}, "smoke.providers.openai: expected a table", id="provider-not-a-table"),
    pytest.param({"providers": {"openai": {"base_url": "https://x"}}}, "smoke.providers.openai: unknown key 'base_url'", id="unknown-provider-key"),
    pytest.param({"providers": {"openai": {"base-url": "http://gw.example.com/v1"}}}, "smoke.providers.openai.base-url: base URL 'http://gw.example.com/v1': plain http is allowed only to loopback", id="remote-plain-http"),
    pytest.param({"providers": {"openai": {"base-url": "https://user:pw@gw.example.com"}}}, "smoke.providers.openai.base-url: base URL", id="credentials-in-url"),
    pytest.param({"providers": {"openai": {"base-url": 8080}}}, "smoke.providers.openai.base-url: expected a string, got 8080", id="base-url-not-a-string"),
    pytest.param({"providers": {"openai": {"api-key-env": "MY-KEY"}}}, "smoke.providers.openai.api-key-env: expected the name of an environment variable", id="bad-variable-name"),
])
def test_invalid_tables_name_the_key(raw: Any, message: str) -> None:
    problems = validate_smoke(raw, "pyproject.toml: [tool.modelguard]")
    assert len(problems) == 1
    assert problems[0].startswith(f"pyproject.toml: [tool.modelguard]: {message}")


def test_a_pasted_key_in_api_key_env_is_not_repeated() -> None:
    (problem,) = validate_smoke({"providers": {"openai": {"api-key-env": PASTED_KEY}}})
    assert PASTED_KEY not in problem
    assert f"a string of {len(PASTED_KEY)} characters" in problem


def test_the_main_table_accepts_and_checks_smoke() -> None:
    assert validate_config({"smoke": {"timeout": 3}}) == []
    assert validate_config({"smoke": {"timeout": -1}}) == [
        "config: smoke.timeout: expected a number of seconds > 0, got -1"]


def test_configured_providers_replace_only_what_the_file_sets() -> None:
    settings = build_smoke({"providers": {
        "openai": {"base-url": "https://gw.example.com/v1"},
        "anthropic": {"api-key-env": "CLAUDE_KEY"},
        "azure-openai": {"base-url": "https://res.openai.azure.com/openai/v1"},
    }})
    table = configured_providers(settings)
    assert (table["openai"].base_url, table["openai"].key_env) == (
        "https://gw.example.com/v1", "OPENAI_API_KEY")
    assert (table["anthropic"].base_url, table["anthropic"].key_env) == (
        "https://api.anthropic.com/v1", "CLAUDE_KEY")
    assert table["azure-openai"].base_url == "https://res.openai.azure.com/openai/v1"
    assert {slug: spec for slug, spec in table.items()
            if slug not in ("openai", "anthropic", "azure-openai")} == {
        slug: spec for slug, spec in PROVIDERS.items()
        if slug not in ("openai", "anthropic", "azure-openai")}
    assert PROVIDERS["openai"].base_url == "https://api.openai.com/v1"  # not mutated


def test_smoke_table_round_trips() -> None:
    raw = {"timeout": 2.5, "concurrency": 3, "max-calls": 9,
           "providers": {"openai": {"base-url": "https://gw.example.com/v1", "api-key-env": "K"}}}
    assert smoke_table(build_smoke(raw)) == raw


# --- `modelguard smoke` with a configuration file ------------------------------------------


def smoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["smoke", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The `mixed` fixture project, run from its parent; only the configured variable holds the
    right key (OPENAI_API_KEY holds a wrong one, so using it would fail with 401)."""
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATEWAY_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-this-one")
    return root


def configure(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text("[tool.modelguard.smoke]\n" + textwrap.dedent(body))


def gateway(fake: FakeProvider, **extra: object) -> str:
    lines = [f"[tool.modelguard.smoke.providers.openai]\nbase-url = {json.dumps(fake.base_url)}\n"
             'api-key-env = "GATEWAY_KEY"\n']
    return "".join(f"{k.replace('_', '-')} = {json.dumps(v)}\n" for k, v in extra.items()) + \
        "".join(lines)


def test_base_url_and_key_variable_come_from_the_file(fake: FakeProvider, project: Path) -> None:
    configure(project, gateway(fake))
    result = smoke("mixed", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01",
                   "--format", "json")
    called = sorted(r["model"] for r in json.loads(result.stdout)["results"])
    assert called == ["gpt-3.5-turbo-instruct", "gpt-4.1", "gpt-4o"]  # gpt-4o: for broken.py, which does not parse
    assert sorted(s.body["model"] for s in fake.seen) == called
    assert {s.headers["authorization"] for s in fake.seen} == {f"Bearer {KEY}"}
    assert KEY not in result.output


def test_model_mode_reads_the_file_too(fake: FakeProvider, project: Path) -> None:
    configure(project, gateway(fake))
    result = smoke("mixed", "--provider", "openai", "--model", "live-model")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok ")
    assert len(fake.seen) == 1
    assert KEY not in result.output


def test_dry_run_shows_the_configured_url_and_variable(fake: FakeProvider, project: Path) -> None:
    configure(project, gateway(fake))
    result = smoke("mixed", "--provider", "openai", "--model", "live-model", "--dry-run",
                   "--format", "json")
    (request,) = json.loads(result.stdout)["requests"]
    assert request["url"] == f"{fake.base_url}/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer $GATEWAY_KEY"
    assert fake.seen == []


def test_an_unset_configured_variable_is_named(fake: FakeProvider, project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATEWAY_KEY")
    configure(project, gateway(fake))
    result = smoke("mixed", "--provider", "openai", "--model", "live-model")
    assert result.exit_code == 2
    assert "GATEWAY_KEY is not set" in result.stdout
    assert fake.seen == []


def test_the_file_timeout_applies(fake: FakeProvider, project: Path) -> None:
    configure(project, gateway(fake, timeout=0.2))
    result = smoke("mixed", "--provider", "openai", "--model", "slow-model", "--format", "json")
    assert result.exit_code == 1
    (record,) = json.loads(result.stdout)["results"]
    assert record["error"]["code"] == "timeout"


@pytest.mark.parametrize(("config_calls", "args", "code"), [
    pytest.param(1, [], 2, id="file-max-calls-refuses"),
    pytest.param(1, ["--max-calls", "2"], 1, id="flag-max-calls-wins"),
])
def test_the_command_line_wins_over_the_file(fake: FakeProvider, project: Path, config_calls: int,
                                             args: list[str], code: int) -> None:
    configure(project, gateway(fake, max_calls=config_calls))
    result = smoke("mixed", "--provider", "openai", "--model", "live-model",
                   "--model", "retired-model", *args)
    assert result.exit_code == code, result.output
    if code == 2:
        assert "2 targets to smoke exceed --max-calls 1" in result.stderr
        assert fake.seen == []
    else:
        assert fake.count("live-model") == fake.count("retired-model") == 1


def test_base_url_flag_wins_over_the_file(fake: FakeProvider, project: Path) -> None:
    configure(project, '[tool.modelguard.smoke.providers.openai]\n'
                       'base-url = "http://127.0.0.1:9/v1"\napi-key-env = "GATEWAY_KEY"\n')
    result = smoke("mixed", "--provider", "openai", "--model", "live-model",
                   "--base-url", fake.base_url)
    assert result.exit_code == 0, result.output
    assert len(fake.seen) == 1


@pytest.mark.parametrize(("body", "message"), [
    pytest.param("timeout = 0\n", "smoke.timeout: expected a number of seconds > 0, got 0", id="bad-value"),
    pytest.param("retries = 3\n", "smoke: unknown key 'retries'", id="unknown-key"),
    pytest.param('[tool.modelguard.smoke.providers.openai]\nbase-url = "http://gw.example.com/v1"\n', "smoke.providers.openai.base-url: base URL 'http://gw.example.com/v1': plain http is allowed only to loopback", id="remote-http"),
    pytest.param(f'[tool.modelguard.smoke.providers.openai]\napi-key-env = "{PASTED_KEY}"\n', "smoke.providers.openai.api-key-env:", id="pasted-key"),
])
def test_bad_file_exits_2_naming_the_key(fake: FakeProvider, project: Path, body: str,
                                         message: str) -> None:
    configure(project, body)
    for args in (["mixed", "--provider", "openai", "--model", "live-model"],
                 ["mixed", "--registry", TEST_REGISTRY]):
        result = smoke(*args)
        assert result.exit_code == 2
        assert result.stderr.startswith("modelguard: error: ")
        assert message in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert PASTED_KEY not in result.output
    assert fake.seen == []


def test_config_command_prints_the_smoke_table_as_toml(fake: FakeProvider, project: Path) -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    configure(project, gateway(fake, timeout=2.5))
    result = CliRunner().invoke(cli, ["config", "mixed"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.stdout)["smoke"] == {
        "timeout": 2.5, "concurrency": 4, "max-calls": 20,
        "providers": {"openai": {"base-url": fake.base_url, "api-key-env": "GATEWAY_KEY"}}}
