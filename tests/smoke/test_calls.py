"""verify_targets against the fake provider on 127.0.0.1: one row per server behaviour."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from modelguard.smoke import (
    Answered,
    Endpoint,
    Failed,
    Rejected,
    RetryPolicy,
    Skipped,
    SmokeResult,
    Target,
    verify_targets,
)
from modelguard.smoke.report import exit_code, render_json, render_text
from tests.smoke.fake_provider import KEY, FakeProvider

ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY}
DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Expect:
    kind: type
    status: int | None
    attempts: int
    code: str | None = None  # provider error code for Rejected / Failed
    answered_model: str | None = None


def smoke_one(fake: FakeProvider, provider: str, model: str, endpoint: Endpoint | None = None,
              env: dict[str, str] = ENV, sleeps: list[float] | None = None,
              policy: RetryPolicy = DEFAULT_POLICY, timeout: float = 5.0) -> SmokeResult:
    results = verify_targets([Target(provider, model)], endpoint=endpoint,
                             base_url=fake.base_url, environ=env, timeout=timeout,
                             policy=policy, sleep=(sleeps if sleeps is not None else []).append)
    return results[Target(provider, model)]


@pytest.mark.parametrize(("provider", "model", "endpoint", "expect"), [
    pytest.param("openai", "live-model", None, Expect(Answered, 200, 1, answered_model="live-model-2025-04-14"), id="chat-live"),
    pytest.param("openai", "live-model", Endpoint.RESPONSES, Expect(Answered, 200, 1, answered_model="live-model-2025-04-14"), id="responses-live"),
    pytest.param("anthropic", "live-model", None, Expect(Answered, 200, 1, answered_model="live-model-2025-04-14"), id="messages-live"),
    pytest.param("openai", "swapped-model", None, Expect(Answered, 200, 1, answered_model="grok-4"), id="chat-silently-swapped"),
    pytest.param("openai", "retired-model", None, Expect(Rejected, 404, 1, "model_not_found"), id="chat-retired-404"),
    pytest.param("anthropic", "retired-model", None, Expect(Rejected, 404, 1, "model_not_found"), id="messages-retired-404"),
    pytest.param("openai", "reasoning-model", None, Expect(Answered, 200, 2, answered_model="reasoning-model"), id="max-tokens-rejected-then-max-completion-tokens"),
    pytest.param("openai", "busy-model", None, Expect(Answered, 200, 2, answered_model="busy-model"), id="429-then-ok"),
    pytest.param("openai", "broken-model", None, Expect(Rejected, 500, 3, "server_error"), id="500-retries-exhausted"),
    pytest.param("openai", "moved-model", None, Expect(Rejected, 307, 1, "redirect"), id="redirect-not-followed"),
])
def test_outcome_per_server_behaviour(fake: FakeProvider, provider: str, model: str,
                                      endpoint: Endpoint | None, expect: Expect) -> None:
    result = smoke_one(fake, provider, model, endpoint)
    assert type(result) is expect.kind
    assert isinstance(result, Answered | Rejected)
    assert (result.status, result.attempts) == (expect.status, expect.attempts)
    assert fake.count(model) == expect.attempts
    if isinstance(result, Answered):
        assert result.answered_model == expect.answered_model
    else:
        assert result.error.code == expect.code


@pytest.mark.parametrize(("endpoint", "path", "fields"), [
    pytest.param(None, "/v1/chat/completions", {"model", "messages", "max_tokens"}, id="chat"),
    pytest.param(Endpoint.RESPONSES, "/v1/responses", {"model", "input", "max_output_tokens"}, id="responses"),
])
def test_openai_request_is_minimal(fake: FakeProvider, endpoint: Endpoint | None, path: str,
                                   fields: set[str]) -> None:
    smoke_one(fake, "openai", "live-model", endpoint)
    (seen,) = fake.seen
    assert seen.path == path
    assert set(seen.body) == fields  # no temperature, nothing else
    assert seen.headers["authorization"] == f"Bearer {KEY}"


def test_anthropic_request_shape(fake: FakeProvider) -> None:
    smoke_one(fake, "anthropic", "live-model")
    (seen,) = fake.seen
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == KEY
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen.headers
    assert seen.body["max_tokens"] == 1
    assert set(seen.body) == {"model", "max_tokens", "messages"}


def test_max_tokens_retry_sends_max_completion_tokens_once(fake: FakeProvider) -> None:
    smoke_one(fake, "openai", "reasoning-model")
    first, second = fake.seen
    assert first.body["max_tokens"] == 1
    assert "max_tokens" not in second.body
    assert second.body["max_completion_tokens"] == 1


def test_retry_after_is_honoured(fake: FakeProvider) -> None:
    sleeps: list[float] = []
    smoke_one(fake, "openai", "busy-model", sleeps=sleeps)
    assert sleeps == [2.0]


def test_server_errors_retry_a_bounded_number_of_times(fake: FakeProvider) -> None:
    sleeps: list[float] = []
    result = smoke_one(fake, "openai", "broken-model", sleeps=sleeps,
                       policy=RetryPolicy(max_retries=4))
    assert isinstance(result, Rejected)
    assert result.attempts == fake.count("broken-model") == 5
    assert sleeps == [0.001] * 4  # retry-after-ms: 1


def test_slow_server_times_out(fake: FakeProvider) -> None:
    sleeps: list[float] = []
    result = smoke_one(fake, "openai", "slow-model", timeout=0.2, sleeps=sleeps,
                       policy=RetryPolicy(max_retries=1))
    assert isinstance(result, Failed)
    assert result.error.code == "timeout"
    assert result.attempts == 2
    assert len(sleeps) == 1
    assert fake.count("slow-model") == 2


def test_wrong_key_is_rejected_and_never_repeated(fake: FakeProvider) -> None:
    wrong = "sk-wrong-key-that-must-not-leak-42"
    result = smoke_one(fake, "openai", "live-model", env={"OPENAI_API_KEY": wrong})
    assert isinstance(result, Rejected)
    assert (result.status, result.error.code) == (401, "invalid_api_key")
    assert result.error.message == "Incorrect API key provided: [redacted]."
    out = render_text([result]) + render_json([result]) + repr(result)
    assert wrong not in out


@pytest.mark.parametrize(("target", "env", "reason", "config_error"), [
    pytest.param(Target("openai", "live-model"), {}, "OPENAI_API_KEY is not set", True, id="missing-openai-key"),
    pytest.param(Target("anthropic", "live-model"), {"OPENAI_API_KEY": KEY}, "ANTHROPIC_API_KEY is not set", True, id="missing-anthropic-key"),
    pytest.param(Target("openai", "live-model"), {"OPENAI_API_KEY": "  "}, "OPENAI_API_KEY is not set", True, id="blank-key"),
    pytest.param(Target("bedrock", "live-model"), ENV, "no smoke client for provider 'bedrock'", False, id="unsupported-provider"),
])
def test_not_called(fake: FakeProvider, target: Target, env: dict[str, str], reason: str,
                    config_error: bool) -> None:
    result = smoke_one(fake, target.provider, target.model, env=env)
    assert isinstance(result, Skipped)
    assert result.reason.startswith(reason)
    assert result.config_error is config_error
    assert fake.seen == []


def test_endpoint_the_provider_does_not_serve_is_a_config_error(fake: FakeProvider) -> None:
    result = smoke_one(fake, "openai", "live-model", Endpoint.MESSAGES)
    assert isinstance(result, Skipped)
    assert result.config_error
    assert "messages endpoint" in result.reason
    assert fake.seen == []


def test_many_targets_each_called_once_in_order(fake: FakeProvider) -> None:
    models = ["live-model", "retired-model", "reasoning-model", "swapped-model"]
    targets = [Target("openai", m) for m in models] * 2  # duplicates collapse
    results = verify_targets(targets, base_url=fake.base_url, environ=ENV, concurrency=3,
                             sleep=lambda _s: None)
    assert list(results) == sorted({Target("openai", m) for m in models})
    assert sorted(s.body["model"] for s in fake.seen) == sorted(
        [*models, "reasoning-model"])  # the max_tokens fallback is the only second request
    assert exit_code(results.values()) == 1


def test_the_key_appears_in_no_output_or_log(fake: FakeProvider,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    models = ["live-model", "retired-model", "leaky-model", "moved-model", "slow-model"]
    results = verify_targets([Target("openai", m) for m in models], base_url=fake.base_url,
                             environ=ENV, timeout=0.2, sleep=lambda _s: None,
                             policy=RetryPolicy(max_retries=1))
    leaky = results[Target("openai", "leaky-model")]
    assert isinstance(leaky, Rejected)
    assert leaky.error.message == "boom while using key [redacted]"
    text = render_text(list(results.values())) + render_json(list(results.values()))
    assert KEY not in text
    assert KEY not in repr(results)
    assert KEY not in caplog.text
    assert caplog.records  # httpx did log, and what it logged holds no key
