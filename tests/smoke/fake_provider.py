"""A small OpenAI/Anthropic-compatible server on 127.0.0.1 for the smoke tests.

The model named in the request body picks the behaviour (see SCENARIOS); every request is
recorded so tests can count what the server saw and inspect what was sent.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "sk-test-0123456789-SECRET-abcdef"

SCENARIOS = {
    "live-model": "answers, naming a dated snapshot of itself",
    "swapped-model": "answers, but as another model (a silent redirect)",
    "retired-model": "404 model_not_found",
    "reasoning-model": "400 on max_tokens (answers max_completion_tokens), on a temperature or "
                       "top_p other than 1 and on penalties and logprobs, as the real API",
    "busy-model": "429 with retry-after: 2 once, then answers",
    "broken-model": "500 every time",
    "slow-model": "answers only after the test ends (past any timeout)",
    "moved-model": "307 redirect to another host",
    "leaky-model": "500 echoing the key it received, every time",
    **{model: f"answers on {path} only" for model, path in (
        ("completion-model", "/completions"), ("embed-model", "/embeddings"),
        ("moderation-model", "/moderations"), ("image-model", "/images/generations"),
        ("speech-model", "/audio/speech"))},
}

# The one path each non-chat model serves; every other model serves the text APIs. Like the
# real API, a model called on another endpoint gets 404 naming the endpoint it is not served on.
SERVES = {"completion-model": "/completions", "embed-model": "/embeddings",
          "moderation-model": "/moderations", "image-model": "/images/generations",
          "speech-model": "/audio/speech"}
TEXT_PATHS = ("/chat/completions", "/responses", "/messages")
SPEECH = b"ID3\x04\x00fake-mp3-bytes"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeProvider:
    server: ThreadingHTTPServer
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def count(self, model: str) -> int:
        with self.lock:
            return sum(1 for s in self.seen if s.body.get("model") == model)


def _error(kind: str, status: int, code: str | None, message: str, param: str | None = None
           ) -> tuple[int, dict[str, Any]]:
    if kind == "anthropic":
        return status, {"type": "error", "error": {"type": code, "message": message}}
    return status, {"error": {"message": message, "type": "invalid_request_error",
                              "param": param, "code": code}}


# What OpenAI's reasoning models refuse in Chat Completions besides `max_tokens`: a value other
# than the default for these (`unsupported_value`) ...
DEFAULT_ONLY = {"temperature": 1, "top_p": 1}
# ... and any value for these (`unsupported_parameter`).
REFUSED = ("presence_penalty", "frequency_penalty", "logprobs", "top_logprobs")


def _reasoning_refusal(kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """The 400 the real API sends a reasoning model for a parameter it refuses; None if none."""
    if "max_tokens" in body:
        return _error(kind, 400, "unsupported_parameter",
                      "Unsupported parameter: 'max_tokens' is not supported with this model. "
                      "Use 'max_completion_tokens' instead.", "max_tokens")
    for name, default in DEFAULT_ONLY.items():
        if name in body and body[name] != default:
            return _error(kind, 400, "unsupported_value",
                          f"Unsupported value: '{name}' does not support {body[name]} with this "
                          f"model. Only the default ({default}) value is supported.", name)
    for name in REFUSED:
        if name in body:
            return _error(kind, 400, "unsupported_parameter",
                          f"Unsupported parameter: '{name}' is not supported with this model.",
                          name)
    return None


def _served(model: str, path: str) -> bool:
    own = SERVES.get(model)
    return path.endswith(own) if own is not None else path.endswith(TEXT_PATHS)


def _answer(path: str, model: str) -> dict[str, Any] | bytes:
    if path.endswith("/audio/speech"):
        return SPEECH  # audio bytes, not JSON
    if path.endswith("/embeddings"):
        return {"object": "list", "model": model,
                "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2]}]}
    if path.endswith("/moderations"):
        return {"id": "modr-1", "model": model, "results": [{"flagged": False}]}
    if path.endswith("/images/generations"):
        return {"created": 1, "data": [{"b64_json": "iVBORw0KGgo="}]}
    if path.endswith("/completions") and not path.endswith("/chat/completions"):
        return {"id": "cmpl-1", "object": "text_completion", "model": model,
                "choices": [{"index": 0, "text": "Hi", "finish_reason": "length"}]}
    if path.endswith("/messages"):
        return {"id": "msg_1", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": "Hi"}], "stop_reason": "max_tokens"}
    if path.endswith("/responses"):
        return {"id": "resp_1", "object": "response", "model": model, "output": [],
                "max_output_tokens": 16}
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "finish_reason": "length",
                         "message": {"role": "assistant", "content": "Hi"}}]}


def make_handler(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake.lock:
                fake.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()},
                                      body))
                calls = sum(1 for s in fake.seen if s.body.get("model") == body.get("model"))
            status, payload, extra = self.decide(body, calls)
            binary = isinstance(payload, bytes)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-type", "audio/mpeg" if binary else "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def decide(self, body: dict[str, Any], calls: int
                   ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
            anthropic = self.path.endswith("/messages")
            kind = "anthropic" if anthropic else "openai"
            sent = self.headers.get("x-api-key") if anthropic else (
                self.headers.get("authorization", "").removeprefix("Bearer "))
            if anthropic and self.headers.get("anthropic-version") is None:
                return (*_error(kind, 400, "invalid_request_error",
                                "anthropic-version header is required"), {})
            if sent != KEY:
                return (*_error(kind, 401, "invalid_api_key",
                                f"Incorrect API key provided: {sent}."), {})
            model = body.get("model", "")
            endpoint = self.path.removeprefix("/v1")
            if model in SCENARIOS and not _served(model, endpoint):
                kind_of = "a chat model" if model not in SERVES else f"a {SERVES[model]} model"
                return (*_error(kind, 404, None, f"This is {kind_of} and not supported in the "
                                f"v1{endpoint} endpoint."), {})
            if model in SERVES:
                return 200, _answer(self.path, model), {}
            if model == "live-model":
                return 200, _answer(self.path, "live-model-2025-04-14"), {}
            if model == "swapped-model":
                return 200, _answer(self.path, "grok-4"), {}
            if model == "retired-model":
                return (*_error(kind, 404, "model_not_found",
                                f"The model `{model}` does not exist or you do not have access "
                                "to it."), {})
            if model == "reasoning-model":
                refusal = _reasoning_refusal(kind, body)
                if refusal is not None:
                    return (*refusal, {})
                return 200, _answer(self.path, model), {}
            if model == "busy-model":
                if calls == 1:
                    return (*_error(kind, 429, "rate_limit_exceeded", "Rate limit reached"),
                            {"retry-after": "2"})
                return 200, _answer(self.path, model), {}
            if model == "broken-model":
                return (*_error(kind, 500, "server_error", "The server had an error"),
                        {"retry-after-ms": "1"})
            if model == "leaky-model":
                return (*_error(kind, 500, "server_error", f"boom while using key {sent}"),
                        {"retry-after-ms": "1"})
            if model == "slow-model":
                fake.release.wait(10)
                return 200, _answer(self.path, model), {}
            if model == "moved-model":
                return 307, {}, {"location": "http://127.0.0.2:9/v1/chat/completions"}
            return (*_error(kind, 404, "model_not_found", f"unknown test model {model!r}"), {})

    return Handler
