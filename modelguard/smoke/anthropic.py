"""Anthropic Messages API: `POST {base}/messages` with `x-api-key` and `anthropic-version`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelguard.smoke.interface import Endpoint, ProviderClient
from modelguard.smoke.openai import PROMPT

ANTHROPIC_VERSION = "2023-06-01"


class AnthropicClient(ProviderClient):
    endpoints = (Endpoint.MESSAGES,)

    def headers(self, key: str) -> dict[str, str]:
        return {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION,
                "Content-Type": "application/json"}

    def body(self, model: str, endpoint: Endpoint, limits: tuple[str, ...] = (),
             sampling: Mapping[str, Any] | None = None) -> dict[str, Any]:
        # One name for the limit (`max_tokens`, required): `limits` changes nothing here.
        return {"model": model, "max_tokens": 1,
                "messages": [{"role": "user", "content": PROMPT}], **(sampling or {})}
