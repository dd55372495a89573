"""Smoke-call types: what is called (Target, Endpoint), how a provider shapes its requests
(ProviderClient), and the closed union of outcomes (SmokeResult). No I/O here."""

from __future__ import annotations

import enum
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Endpoint(str, enum.Enum):
    """Which API a smoke call uses; paths are relative to the provider's base URL. The values
    are the registry's endpoint names (registry/SCHEMA.md)."""

    CHAT = "chat"
    RESPONSES = "responses"
    MESSAGES = "messages"
    COMPLETIONS = "completions"
    EMBEDDINGS = "embeddings"
    MODERATIONS = "moderations"
    IMAGES = "images"
    SPEECH = "audio.speech"

    @property
    def path(self) -> str:
        return _PATHS[self]


_PATHS = {
    Endpoint.CHAT: "/chat/completions", Endpoint.RESPONSES: "/responses",
    Endpoint.MESSAGES: "/messages", Endpoint.COMPLETIONS: "/completions",
    Endpoint.EMBEDDINGS: "/embeddings", Endpoint.MODERATIONS: "/moderations",
    Endpoint.IMAGES: "/images/generations", Endpoint.SPEECH: "/audio/speech",
}

# Registry endpoints no smoke call is made on, and why (the target is reported as skipped).
NOT_CALLED = {
    "audio.transcriptions": "needs an audio file to transcribe",
    "realtime": "a websocket API",
    "videos": "a video generation job is billed and takes minutes",
    "edits": "the /edits endpoint was shut down",
}
# Called only on request (`smoke --images`): each call is billed.
BILLED = frozenset({Endpoint.IMAGES})


@dataclass(frozen=True, slots=True, order=True)
class Target:
    """One model at one provider, written as that provider's API takes it."""

    provider: str
    model: str
    # The endpoints the registry says the model serves (() when it does not say): the smoke
    # call uses the first one a client speaks. Not part of the identity: a model is one target.
    endpoints: tuple[str, ...] = field(default=(), compare=False)
    # The token-limit parameters the code sends (`fix --verify` reads them from the rewritten
    # call): the chat call sends exactly these, and is not retried under another name, so it
    # fails when the code would. () when the code's request is not known: the smoke call then
    # picks the name the model takes. Part of the identity: another name is another request.
    limits: tuple[str, ...] = ()
    # The sampling parameters the code sends with literal values, as (name, JSON text), sorted
    # (`fix --verify`, from `scan.parameters.LimitSite`): the chat or messages call sends them
    # as written, so a model that refuses them refuses the call. Part of the identity too.
    sampling: tuple[tuple[str, str], ...] = ()

    @property
    def sending(self) -> str:
        """What the call sends because the code does: `max_completion_tokens, temperature=0.2`
        ("" when nothing)."""
        return ", ".join((*self.limits, *(f"{name}={value}" for name, value in self.sampling)))

    @property
    def sampling_values(self) -> dict[str, Any]:
        return {name: json.loads(value) for name, value in self.sampling}


@dataclass(frozen=True, slots=True)
class ProviderError:
    """The provider's own error code (or `http_<status>`) and message, key redacted."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Answered:
    """The model answered (2xx). `answered_model` is what the server says ran, when it says."""

    target: Target
    endpoint: Endpoint
    status: int
    latency_ms: int
    attempts: int
    answered_model: str | None

    @property
    def substituted(self) -> bool:
        """True when the server ran another model than the one named (beyond a dated snapshot)."""
        return self.answered_model is not None and not same_model(
            self.target.model, self.answered_model
        )


@dataclass(frozen=True, slots=True)
class Rejected:
    """The provider answered with an error: unknown or retired model, bad key, quota, …"""

    target: Target
    endpoint: Endpoint
    status: int
    latency_ms: int
    attempts: int
    error: ProviderError


@dataclass(frozen=True, slots=True)
class Failed:
    """No HTTP answer: timeout, connection refused, TLS failure."""

    target: Target
    endpoint: Endpoint
    latency_ms: int
    attempts: int
    error: ProviderError


@dataclass(frozen=True, slots=True)
class Skipped:
    """Not called. `config_error` marks what the user must fix (a missing key, a base URL);
    `by_design` a model on an endpoint smoke does not call (audio files, websockets, billed
    images), which does not fail the run."""

    target: Target
    endpoint: Endpoint | None
    reason: str
    config_error: bool
    by_design: bool = False


SmokeResult = Answered | Rejected | Failed | Skipped


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """One HTTP request as it will be sent, minus the secret: `headers` hold a placeholder."""

    target: Target
    endpoint: Endpoint
    url: str
    headers: Mapping[str, str]
    body: Mapping[str, Any]


class ProviderClient(ABC):
    """How one API family shapes smoke requests and reads answers. Pure: no network here."""

    endpoints: tuple[Endpoint, ...]

    @abstractmethod
    def headers(self, key: str) -> dict[str, str]:
        """Request headers carrying `key` (or a placeholder standing for it)."""

    @abstractmethod
    def body(self, model: str, endpoint: Endpoint, limits: tuple[str, ...] = (),
             sampling: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The smallest request that proves `model` answers at `endpoint`, sending the token
        limit under the names `limits` (`Target.limits`) where the API has several, and on a
        chat or messages call the `sampling` parameters (`Target.sampling_values`)."""

    def fallback(self, body: Mapping[str, Any], error: ProviderError) -> dict[str, Any] | None:
        """A second body to try once after a 400 `error`, or None."""
        return None

    def answered_model(self, payload: Any) -> str | None:
        """The model the server says answered."""
        model = payload.get("model") if isinstance(payload, dict) else None
        return model if isinstance(model, str) else None

    def error_of(self, status: int, payload: Any, text: str) -> ProviderError:
        """The provider's error code and message from an error response."""
        code, message = f"http_{status}", ""
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            for field in ("code", "type"):
                if isinstance(error.get(field), str) and error[field]:
                    code = error[field]
                    break
            if isinstance(error.get("message"), str):
                message = error["message"]
        elif isinstance(error, str):
            message = error
        if not message:
            message = " ".join(text.split())[:300] or f"HTTP {status} with an empty body"
        return ProviderError(code, message)


# A dated snapshot of a model: gpt-4.1-2025-04-14, claude-3-5-haiku-20241022, gpt-4-0613,
# gemini-1.5-flash-002, claude-3-5-sonnet@20240620 (Vertex).
_SNAPSHOT = r"(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}))?"


def same_model(asked: str, answered: str) -> bool:
    """True when `answered` is `asked` or a dated snapshot of it (or the other way round)."""
    a, b = asked.casefold(), answered.casefold()
    return any(re.fullmatch(re.escape(x) + _SNAPSHOT, y) for x, y in ((a, b), (b, a)))
