"""`modelguard smoke` against a hostile provider: the key never reaches the output, never
crosses plain http to anything but loopback, and no answer holds a run or fills the screen."""

from __future__ import annotations

import base64
import time

import pytest
from click.testing import Result

from modelguard.smoke import Failed, RetryPolicy, Target, verify_targets
from tests.conftest import run_cli
from tests.hostile.server import KEY, SLASHED_KEY, Hostile


def smoke(hostile: Hostile, model: str, *args: str) -> Result:
    return run_cli("smoke", "--provider", "openai", "--base-url", hostile.url + "/v1",
                   "--model", model, *args)


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return KEY


def _shown(result: Result) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("model, key", [
    pytest.param("location-exact", KEY, id="key-as-redirect-host"),
    pytest.param("location-upper", KEY, id="key-upper-cased-in-redirect"),
    pytest.param("location-invalid", KEY, id="key-in-an-invalid-location"),
    pytest.param("echo-upper", KEY, id="key-upper-cased-in-message"),
    pytest.param("echo-url-encoded", SLASHED_KEY, id="key-url-encoded-in-message"),
    pytest.param("echo-base64", SLASHED_KEY, id="key-base64-in-message"),
    pytest.param("echo-auth-headers", KEY, id="other-credentials-in-message"),
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_echoed_key_never_reaches_the_output(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch, model: str, key: str, fmt: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    result = smoke(hostile, model, "--format", fmt)
    assert result.exit_code == 1
    shown = _shown(result).casefold()
    assert "0123456789" not in shown
    assert base64.b64encode(key.encode()).decode().casefold()[:12] not in shown
    assert "[redacted]" in shown or "elsewhere" in shown


@pytest.mark.parametrize("value", [
    pytest.param("sk-abc\ndef-0123456789", id="inner-newline"),
    pytest.param("sk\u2010abc-0123456789", id="pasted-non-ascii-dash"),
    pytest.param("sk-abc def-0123456789", id="inner-space"),
    pytest.param("sk-abc\x7fdef-0123456789", id="delete-character"),
])
def test_a_malformed_key_is_refused_before_any_request(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", value)
    result = smoke(hostile, "live-model")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY holds characters an API key cannot contain" in result.stdout
    assert "0123456789" not in _shown(result)
    assert hostile.seen == []


def test_plain_http_to_loopback_never_goes_through_a_proxy(
    hostile: Hostile, proxy: Hostile, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    result = smoke(hostile, "live-model")
    assert result.exit_code == 0, _shown(result)
    assert (proxy.seen, hostile.seen) == ([], ["/v1/chat/completions"])


@pytest.mark.parametrize("model", [
    pytest.param("trickle", id="body"),
    pytest.param("trickle-headers", id="headers"),
])
def test_a_trickled_answer_ends_at_the_deadline(hostile: Hostile, model: str) -> None:
    started = time.monotonic()
    results = verify_targets([Target("openai", model)], base_url=hostile.url + "/v1",
                             environ={"OPENAI_API_KEY": KEY}, timeout=0.3,
                             policy=RetryPolicy(max_retries=1), sleep=lambda _: None)
    elapsed = time.monotonic() - started
    result = results[Target("openai", model)]
    assert isinstance(result, Failed) and result.error.code == "timeout"
    assert result.attempts == 2
    assert elapsed < 1.5  # two attempts of 0.3 s; the server would take 4 s each


def test_an_oversized_error_message_is_cut(hostile: Hostile, key: str) -> None:
    result = smoke(hostile, "oversized")
    assert result.exit_code == 1
    # read no further than 64 KB: no longer JSON, so the start of the body is shown
    assert result.stdout.startswith('failed  openai oversized (chat): HTTP 400 http_400: '
                                    '{"error": {"message": "AAAA')
    assert len(result.stdout) < 2000


def test_a_deeply_nested_error_body_is_one_line(hostile: Hostile, key: str) -> None:
    result = smoke(hostile, "nested")
    assert result.exit_code == 1
    assert result.stdout.startswith("failed  openai nested (chat): HTTP 400 http_400: [[[")
    assert len(result.stdout.splitlines()) == 1


def test_terminal_escapes_in_a_server_message_are_shown_escaped(hostile: Hostile,
                                                               key: str) -> None:
    result = smoke(hostile, "echo-terminal")
    assert result.exit_code == 1
    assert result.stdout == ("failed  openai echo-terminal (chat): HTTP 400 hostile: "
                             "\\x1b]0;owned\\x07\\x1b[2J\\nok      forged: HTTP 200\n")
