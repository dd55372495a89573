"""`modelguard smoke` end to end: click runner, fake provider on 127.0.0.1, env keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modelguard.cli.main import cli
from tests.conftest import FIXTURES
from tests.smoke.fake_provider import KEY, FakeProvider

TEST_REGISTRY = str(FIXTURES / "registry")


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    monkeypatch.chdir(tmp_path)
    return root


def smoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["smoke", *args], catch_exceptions=False)


def models(fake: FakeProvider, *names: str, provider: str = "openai") -> list[str]:
    args = ["--provider", provider, "--base-url", fake.base_url]
    for name in names:
        args += ["--model", name]
    return args


def test_json_results(fake: FakeProvider, keys: None) -> None:
    result = smoke(*models(fake, "live-model", "retired-model"), "--format", "json")
    assert result.exit_code == 1
    live, retired = json.loads(result.stdout)["results"]
    assert set(live) == {"provider", "model", "endpoint", "ok", "status", "latency_ms",
                         "attempts", "answered_model", "error", "warning"}
    assert (live["model"], live["ok"], live["status"], live["attempts"]) == (
        "live-model", True, 200, 1)
    assert live["answered_model"] == "live-model-2025-04-14"
    assert isinstance(live["latency_ms"], int)
    assert (retired["ok"], retired["status"], retired["error"]["code"]) == (
        False, 404, "model_not_found")
    assert "does not exist" in retired["error"]["message"]


@pytest.mark.parametrize(("provider", "model", "extra", "code"), [
    pytest.param("openai", "live-model", [], 0, id="chat"),
    pytest.param("openai", "live-model", ["--endpoint", "responses"], 0, id="responses"),
    pytest.param("anthropic", "live-model", [], 0, id="anthropic-messages"),
    pytest.param("openai", "reasoning-model", [], 0, id="max-completion-tokens-retry"),
    pytest.param("openai", "retired-model", [], 1, id="retired"),
])
def test_exit_codes(fake: FakeProvider, keys: None, provider: str, model: str,
                    extra: list[str], code: int) -> None:
    result = smoke(*models(fake, model, provider=provider), *extra)
    assert result.exit_code == code, result.output
    assert result.stdout.startswith("ok " if code == 0 else "failed ")


def test_substituted_model_is_reported(fake: FakeProvider, keys: None) -> None:
    result = smoke(*models(fake, "swapped-model"))
    assert result.exit_code == 0
    assert "grok-4 answered, not swapped-model" in result.stdout


def test_missing_key_names_the_variable_and_sends_nothing(fake: FakeProvider,
                                                          no_keys: None) -> None:
    result = smoke(*models(fake, "live-model"))
    assert result.exit_code == 2
    assert "OPENAI_API_KEY is not set" in result.stdout
    assert fake.seen == []


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--provider", "openai", "--model", "m", "--base-url", "http://example.com/v1"], "plain http is allowed only to loopback", id="remote-http-base-url"),
    pytest.param(["--model", "m"], "--model needs exactly one --provider", id="model-without-provider"),
    pytest.param(["--provider", "bedrock", "--model", "m"], "--model needs exactly one --provider", id="model-unsupported-provider"),
    pytest.param(["--provider", "openai", "--model", "a", "--model", "b", "--max-calls", "1"], "2 targets to smoke exceed --max-calls 1", id="max-calls"),
])
def test_usage_errors(keys: None, args: list[str], message: str) -> None:
    result = smoke(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("modelguard: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_endpoint_not_served_is_a_config_error(fake: FakeProvider, keys: None) -> None:
    result = smoke(*models(fake, "live-model"), "--endpoint", "messages")
    assert result.exit_code == 2
    assert "does not serve the messages endpoint" in result.stdout
    assert fake.seen == []


def test_dry_run_lists_requests_masks_the_key_and_sends_nothing(fake: FakeProvider,
                                                                keys: None) -> None:
    result = smoke(*models(fake, "live-model"), "--dry-run", "--format", "json")
    assert result.exit_code == 0
    (request,) = json.loads(result.stdout)["requests"]
    assert request["url"] == f"{fake.base_url}/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer $OPENAI_API_KEY"
    assert request["body"]["max_tokens"] == 1
    assert KEY not in result.output
    assert fake.seen == []


def test_scan_collects_distinct_replacements(fake: FakeProvider, keys: None,
                                             project: Path) -> None:
    result = smoke("mixed", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01",
                   "--base-url", fake.base_url, "--format", "json")
    called = sorted(r["model"] for r in json.loads(result.stdout)["results"])
    assert called == ["gpt-3.5-turbo-instruct", "gpt-4.1", "gpt-4o"]  # gpt-4o: for broken.py, which does not parse
    assert sorted(s.body["model"] for s in fake.seen) == called
    assert result.exit_code == 1  # the fake knows neither model
    assert "not scanned: mixed/pkg/broken.py" in result.stderr


def test_scan_dry_run_in_text(keys: None, project: Path) -> None:
    result = smoke("mixed", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.count("POST https://api.openai.com/v1/chat/completions") == 3
    assert "Authorization: Bearer $OPENAI_API_KEY" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_key_never_reaches_the_output(fake: FakeProvider, keys: None, fmt: str) -> None:
    result = smoke(*models(fake, "live-model", "retired-model", "leaky-model", "moved-model"),
                   "--format", fmt)
    assert result.exit_code == 1
    assert "[redacted]" in result.stdout  # the leaky server did echo it
    assert KEY not in result.stdout
    assert KEY not in result.stderr


def test_a_wrong_key_echoed_by_the_server_is_redacted(fake: FakeProvider,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "sk-wrong-0000-must-not-leak"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    result = smoke(*models(fake, "live-model"), "--format", "json")
    assert result.exit_code == 1
    (record,) = json.loads(result.stdout)["results"]
    assert (record["status"], record["error"]["code"]) == (401, "invalid_api_key")
    assert wrong not in result.output
