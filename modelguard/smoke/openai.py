"""OpenAI-compatible APIs: chat completions and the Responses API.

Used for OpenAI itself and for the providers that speak its protocol (AI/ML API, OpenRouter,
Gemini's OpenAI-compatible endpoint, xAI, Mistral, Azure OpenAI's v1 API).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelguard.smoke.interface import Endpoint, ProviderClient, ProviderError

PROMPT = "Reply with one word."
# The one word embedded, moderated or spoken: the smallest input those endpoints take.
WORD = "hello"

# The Responses API refuses max_output_tokens below 16.
RESPONSES_MIN_OUTPUT_TOKENS = 16


class OpenAIClient(ProviderClient):
    """Bearer-token auth (`Authorization: Bearer KEY`), or Azure's `api-key` header."""

    endpoints = (Endpoint.CHAT, Endpoint.RESPONSES, Endpoint.COMPLETIONS, Endpoint.EMBEDDINGS,
                 Endpoint.MODERATIONS, Endpoint.IMAGES, Endpoint.SPEECH)

    def __init__(self, auth_header: str = "Authorization") -> None:
        self.auth_header = auth_header

    def headers(self, key: str) -> dict[str, str]:
        value = f"Bearer {key}" if self.auth_header == "Authorization" else key
        return {self.auth_header: value, "Content-Type": "application/json"}

    def body(self, model: str, endpoint: Endpoint, limits: tuple[str, ...] = (),
             sampling: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if endpoint is Endpoint.RESPONSES:
            return {"model": model, "input": PROMPT,
                    "max_output_tokens": RESPONSES_MIN_OUTPUT_TOKENS}
        if endpoint is Endpoint.COMPLETIONS:
            return {"model": model, "prompt": PROMPT, "max_tokens": 1}
        if endpoint in (Endpoint.EMBEDDINGS, Endpoint.MODERATIONS):
            return {"model": model, "input": WORD}
        if endpoint is Endpoint.SPEECH:
            return {"model": model, "input": WORD, "voice": "alloy"}
        if endpoint is Endpoint.IMAGES:
            return {"model": model, "prompt": "A small dot.", "n": 1}
        # Chat takes `max_tokens` or (reasoning models) `max_completion_tokens` only.
        return {"model": model, "messages": [{"role": "user", "content": PROMPT}],
                **dict.fromkeys(limits or ("max_tokens",), 1), **(sampling or {})}

    def fallback(self, body: Mapping[str, Any], error: ProviderError) -> dict[str, Any] | None:
        """Reasoning models reject `max_tokens` and ask for `max_completion_tokens`."""
        if "max_tokens" not in body or "max_tokens" not in error.message:
            return None
        retry = {k: v for k, v in body.items() if k != "max_tokens"}
        retry["max_completion_tokens"] = body["max_tokens"]
        return retry
