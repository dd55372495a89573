"""Each model is smoked on its own endpoint (registry `endpoints`), against the fake provider on
127.0.0.1, which rejects a model called on an endpoint it does not serve, as the real API does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from modelguard.smoke import (
    Answered,
    Endpoint,
    Rejected,
    Skipped,
    SmokeResult,
    Target,
    verify_targets,
)
from modelguard.smoke.report import exit_code, record
from tests.conftest import FIXTURES, run_cli
from tests.smoke.fake_provider import KEY, FakeProvider

ENV = {"OPENAI_API_KEY": KEY}


def smoke(fake: FakeProvider, target: Target, endpoint: Endpoint | None = None,
          allow_billed: bool = False) -> SmokeResult:
    return verify_targets([target], endpoint=endpoint, base_url=fake.base_url, environ=ENV,
                          timeout=5.0, sleep=lambda _: None, allow_billed=allow_billed)[target]


# (model, its registry endpoints, the path the one request goes to)
CALLED = [
    pytest.param("live-model", ("chat", "responses"), "/v1/chat/completions", id="chat"),
    pytest.param("live-model", ("responses",), "/v1/responses", id="responses-only"),
    pytest.param("completion-model", ("completions",), "/v1/completions", id="completions"),
    pytest.param("embed-model", ("embeddings",), "/v1/embeddings", id="embeddings"),
    pytest.param("moderation-model", ("moderations",), "/v1/moderations", id="moderations"),
    pytest.param("speech-model", ("audio.speech",), "/v1/audio/speech", id="audio-speech"),
    # The first endpoint smoke calls: realtime is not, chat is.
    pytest.param("live-model", ("realtime", "chat"), "/v1/chat/completions", id="first-callable"),
]


@pytest.mark.parametrize(("model", "endpoints", "path"), CALLED)
def test_each_model_is_called_on_its_own_endpoint(fake: FakeProvider, model: str,
                                                  endpoints: tuple[str, ...], path: str) -> None:
    result = smoke(fake, Target("openai", model, endpoints))
    assert isinstance(result, Answered), result
    assert [s.path for s in fake.seen] == [path]


def test_the_minimal_bodies_per_endpoint(fake: FakeProvider) -> None:
    for model, endpoints in (("embed-model", ("embeddings",)), ("speech-model", ("audio.speech",)),
                             ("completion-model", ("completions",))):
        smoke(fake, Target("openai", model, endpoints))
    assert [s.body for s in fake.seen] == [
        {"model": "embed-model", "input": "hello"},
        {"model": "speech-model", "input": "hello", "voice": "alloy"},
        {"model": "completion-model", "prompt": "Reply with one word.", "max_tokens": 1},
    ]


# (model, its registry endpoints, the reason's tail); no request is sent for any of them
NOT_CALLED = [
    pytest.param("whisper-like", ("audio.transcriptions",), "needs an audio file to transcribe; not called", id="transcriptions"),
    pytest.param("realtime-like", ("realtime",), "a websocket API; not called", id="realtime"),
    pytest.param("sora-like", ("videos",), "takes minutes; not called", id="videos"),
    pytest.param("image-model", ("images",), "billed per image; not called (pass --images to call it)", id="images-by-default"),
]


@pytest.mark.parametrize(("model", "endpoints", "reason"), NOT_CALLED)
def test_endpoints_smoke_does_not_call_are_skipped_with_the_reason(
    fake: FakeProvider, model: str, endpoints: tuple[str, ...], reason: str
) -> None:
    result = smoke(fake, Target("openai", model, endpoints))
    assert isinstance(result, Skipped) and result.by_design and not result.config_error
    assert result.reason.endswith(reason)
    assert fake.seen == []
    assert record(result)["error"]["code"] == "not_called"
    # Skipped on purpose is not a failure of the run.
    assert exit_code([result]) == 0


def test_image_models_are_called_when_asked(fake: FakeProvider) -> None:
    result = smoke(fake, Target("openai", "image-model", ("images",)), allow_billed=True)
    assert isinstance(result, Answered)
    assert [(s.path, s.body) for s in fake.seen] == [
        ("/v1/images/generations", {"model": "image-model", "prompt": "A small dot.", "n": 1})]


# The fake server rejects a model on an endpoint it does not serve; these are the calls smoke
# made before it knew each model's endpoint.
@pytest.mark.parametrize(("model", "endpoint", "message"), [
    pytest.param("embed-model", None, "not supported in the v1/chat/completions endpoint", id="embeddings-model-on-chat"),
    pytest.param("completion-model", Endpoint.RESPONSES, "not supported in the v1/responses endpoint", id="completions-model-on-responses"),
    pytest.param("live-model", Endpoint.EMBEDDINGS, "This is a chat model and not supported in the v1/embeddings endpoint", id="chat-model-on-embeddings"),
])
def test_a_model_on_the_wrong_endpoint_is_rejected(fake: FakeProvider, model: str,
                                                    endpoint: Endpoint | None, message: str) -> None:
    result = smoke(fake, Target("openai", model), endpoint)
    assert isinstance(result, Rejected) and result.status == 404
    assert message in result.error.message


@pytest.mark.parametrize(("endpoints", "chosen", "path"), [
    pytest.param(("chat", "responses"), Endpoint.RESPONSES, "/v1/responses", id="served-preference-wins"),
    pytest.param(("embeddings",), Endpoint.CHAT, "/v1/embeddings", id="unserved-preference-ignored"),
])
def test_endpoint_option_is_a_preference_among_the_models_own(
    fake: FakeProvider, endpoints: tuple[str, ...], chosen: Endpoint, path: str
) -> None:
    model = "embed-model" if "embeddings" in endpoints else "live-model"
    assert isinstance(smoke(fake, Target("openai", model, endpoints), chosen), Answered)
    assert [s.path for s in fake.seen] == [path]


def test_smoke_plans_each_replacement_on_its_own_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The endpoints project (tests/fix/test_endpoints.py): gpt-4o on chat, the embeddings
    replacement on /embeddings, the realtime replacement of tts-1 skipped with the reason."""
    shutil.copytree(FIXTURES / "projects" / "endpoints", tmp_path / "endpoints")
    monkeypatch.chdir(tmp_path)
    result = run_cli("smoke", "--registry", str(FIXTURES / "registry-endpoints"), "--as-of",
                     "2027-02-01", "--dry-run", "--format", "json", "endpoints")
    plan = json.loads(result.stdout)
    assert [(r["model"], r["url"].removeprefix("https://api.openai.com/v1"))
            for r in plan["requests"]] == [
        ("gpt-4o", "/chat/completions"), ("text-embedding-3-small", "/embeddings")]
    [skipped] = plan["skipped"]
    assert (skipped["model"], skipped["error"]) == ("gpt-realtime-2.1-mini", {
        "code": "not_called", "message": "serves realtime only: a websocket API; not called"})
    assert result.exit_code == 0
