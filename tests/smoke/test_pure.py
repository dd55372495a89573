"""The pure parts of smoke: base URL policy, retry delays, model identity, targets, exit codes."""

from __future__ import annotations

import datetime as dt
import email.utils
import time

import pytest

from modelguard.api import check_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import ScanSettings
from modelguard.smoke import (
    Answered,
    BaseUrlError,
    Endpoint,
    ProviderError,
    Rejected,
    RetryPolicy,
    Skipped,
    SmokeResult,
    Target,
    check_base_url,
    same_model,
    targets_from_findings,
)
from modelguard.smoke.calls import retry_delay
from modelguard.smoke.report import exit_code, record
from tests.conftest import AFTER

T = Target("openai", "gpt-4.1")


@pytest.mark.parametrize(("url", "expected"), [
    pytest.param("https://api.openai.com/v1", "https://api.openai.com/v1", id="https"),
    pytest.param("https://api.openai.com/v1/", "https://api.openai.com/v1", id="trailing-slash"),
    pytest.param("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1", id="http-ipv4-loopback"),
    pytest.param("http://[::1]:8080/v1", "http://[::1]:8080/v1", id="http-ipv6-loopback"),
    pytest.param("http://localhost:8080/v1", "http://localhost:8080/v1", id="http-localhost"),
])
def test_accepted_base_urls(url: str, expected: str) -> None:
    assert check_base_url(url) == expected


@pytest.mark.parametrize(("url", "message"), [
    pytest.param("http://api.openai.com/v1", "plain http is allowed only to loopback", id="http-remote"),
    pytest.param("http://10.0.0.1/v1", "plain http is allowed only to loopback", id="http-private-ip"),
    pytest.param("http://localhost.evil.com/v1", "plain http is allowed only to loopback", id="http-lookalike"),
    pytest.param("ftp://127.0.0.1/v1", "scheme must be https", id="ftp"),
    pytest.param("api.openai.com/v1", "has no host", id="no-scheme"),
    pytest.param("https://user:pw@api.openai.com/v1", "must not carry credentials", id="userinfo"),
])
def test_refused_base_urls(url: str, message: str) -> None:
    with pytest.raises(BaseUrlError, match=message):
        check_base_url(url)


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(("headers", "retries", "expected"), [
    pytest.param({"retry-after-ms": "1500"}, 0, 1.5, id="retry-after-ms"),
    pytest.param({"retry-after": "3"}, 0, 3.0, id="retry-after-seconds"),
    pytest.param({"retry-after-ms": "250", "retry-after": "9"}, 0, 0.25, id="ms-wins"),
    pytest.param({}, 0, 0.5, id="backoff-first"),
    pytest.param({}, 2, 2.0, id="backoff-third"),
    pytest.param({}, 10, 8.0, id="backoff-capped"),
    pytest.param({"retry-after": "600"}, 1, 1.0, id="too-long-retry-after-falls-back"),
    pytest.param({"retry-after": "0"}, 0, 0.5, id="zero-falls-back"),
    pytest.param({"retry-after": "soon"}, 0, 0.5, id="garbage-falls-back"),
])
def test_retry_delay(headers: dict[str, str], retries: int, expected: float) -> None:
    assert retry_delay(headers, retries, RetryPolicy(), rng=lambda: 0.0) == expected


def test_retry_delay_reads_http_dates() -> None:
    assert 20 < retry_delay({"retry-after": _http_date(30)}, 0, RetryPolicy()) <= 30


def test_backoff_jitter_shortens_by_at_most_a_quarter() -> None:
    assert retry_delay({}, 0, RetryPolicy(), rng=lambda: 1.0) == 0.375


@pytest.mark.parametrize(("asked", "answered", "same"), [
    pytest.param("gpt-4.1", "gpt-4.1", True, id="identical"),
    pytest.param("gpt-4.1", "gpt-4.1-2025-04-14", True, id="dated-snapshot"),
    pytest.param("claude-3-5-haiku", "claude-3-5-haiku-20241022", True, id="compact-date"),
    pytest.param("gpt-4", "gpt-4-0613", True, id="mmdd-snapshot"),
    pytest.param("gpt-4.1-2025-04-14", "gpt-4.1", True, id="snapshot-asked"),
    pytest.param("GPT-4.1", "gpt-4.1", True, id="case"),
    pytest.param("grok-beta", "grok-4", False, id="redirected"),
    pytest.param("gpt-4.1", "gpt-4.1-mini", False, id="other-variant"),
    pytest.param("gpt-4", "gpt-4o", False, id="prefix-only"),
])
def test_same_model(asked: str, answered: str, same: bool) -> None:
    assert same_model(asked, answered) is same


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('m = "gpt-4.5-preview"', [Target("openai", "gpt-4.1")], id="bare"),
    pytest.param('m = "openai/gpt-4.5-preview"', [Target("openai", "gpt-4.1")], id="openai-prefix"),
    pytest.param('m = "openrouter/openai/gpt-4-32k"', [Target("openrouter", "openai/gpt-4o")], id="openrouter"),
    pytest.param('m = "azure/gpt-4-32k"', [Target("azure-openai", "gpt-4o")], id="azure"),
    pytest.param('a = "gpt-4.5-preview"\nb = "gpt-4.5-preview-2025-02-27"', [Target("openai", "gpt-4.1")], id="distinct"),
    pytest.param('a = "gpt-4o"', [], id="no-finding"),
])
def test_targets_from_findings(index: ModelIndex, source: str, expected: list[Target]) -> None:
    findings = check_source("x.py", source, index, ScanSettings(as_of=AFTER, warn_within_days=90))
    assert targets_from_findings(findings, index) == expected


ANSWERED = Answered(T, Endpoint.CHAT, 200, 5, 1, "gpt-4.1-2025-04-14")
REJECTED = Rejected(T, Endpoint.CHAT, 404, 5, 1, ProviderError("model_not_found", "gone"))
NO_KEY = Skipped(T, Endpoint.CHAT, "OPENAI_API_KEY is not set", config_error=True)
UNSUPPORTED = Skipped(Target("bedrock", "x"), None, "no smoke client", config_error=False)


@pytest.mark.parametrize(("results", "code"), [
    pytest.param([ANSWERED], 0, id="all-answered"),
    pytest.param([], 0, id="nothing-to-smoke"),
    pytest.param([ANSWERED, REJECTED], 1, id="one-rejected"),
    pytest.param([ANSWERED, UNSUPPORTED], 1, id="unsupported-is-not-proven"),
    pytest.param([REJECTED, NO_KEY], 2, id="missing-key-is-config-error"),
])
def test_exit_code(results: list[SmokeResult], code: int) -> None:
    assert exit_code(results) == code


def test_json_record_shape() -> None:
    assert record(ANSWERED) == {
        "provider": "openai", "model": "gpt-4.1", "endpoint": "chat", "ok": True,
        "status": 200, "latency_ms": 5, "attempts": 1, "answered_model": "gpt-4.1-2025-04-14",
        "error": None, "warning": None,
    }
    assert record(REJECTED)["error"] == {"code": "model_not_found", "message": "gone"}
    assert record(NO_KEY)["error"] == {"code": "config_error",
                                       "message": "OPENAI_API_KEY is not set"}


def test_substituted_answer_is_flagged() -> None:
    swapped = Answered(Target("xai", "grok-beta"), Endpoint.CHAT, 200, 5, 1, "grok-4")
    assert record(swapped)["warning"] == "answered by grok-4, not grok-beta"
    assert record(swapped)["ok"] is True


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('m = "openai:gpt-4-0314"', [Target("openai", "gpt-6.1-sol")], id="colon-prefix"),
    pytest.param('m = "github/o1-preview"', [Target("openai", "o3")], id="unknown-prefix"),
    pytest.param('m = "bedrock:us.anthropic.claude-3-sonnet-20240229-v1:0"',
                 [Target("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")],
                 id="region-qualifier-is-part-of-the-model"),
    pytest.param('m = "ft:gpt-3.5-turbo-0613:acme::8abc"', [], id="fine-tune-has-no-target"),
])
def test_targets_of_grammar_forms(source: str, expected: list[Target]) -> None:
    bundled = build_index(load_registry(bundled_registry_dir()))
    findings = check_source("x.py", source, bundled, ScanSettings(as_of=dt.date(2026, 12, 6)))
    assert targets_from_findings(findings, bundled) == expected
