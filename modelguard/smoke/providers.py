"""Where each provider's API lives, which variable holds its key, and which client speaks it.

Base URLs include the version path; requests go to `{base}{endpoint.path}`. Variable names follow
the providers' own SDKs (and the models.dev catalogue's `env` lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelguard.net import transport_allowed
from modelguard.smoke.anthropic import AnthropicClient
from modelguard.smoke.interface import Endpoint, ProviderClient
from modelguard.smoke.openai import OpenAIClient

if TYPE_CHECKING:  # httpx takes a tenth of a second to import: only network code pays
    pass


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    slug: str
    name: str
    base_url: str | None  # None: the user must give one (Azure: a per-resource host)
    key_env: str
    client: ProviderClient

    @property
    def default_endpoint(self) -> Endpoint:
        return self.client.endpoints[0]


_OPENAI = OpenAIClient()

PROVIDERS: dict[str, ProviderSpec] = {
    spec.slug: spec
    for spec in (
        ProviderSpec("openai", "OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", _OPENAI),
        ProviderSpec("aimlapi", "AI/ML API", "https://api.aimlapi.com/v1", "AIMLAPI_API_KEY",
                     _OPENAI),
        ProviderSpec("openrouter", "OpenRouter", "https://openrouter.ai/api/v1",
                     "OPENROUTER_API_KEY", _OPENAI),
        ProviderSpec("google", "Google Gemini API (OpenAI-compatible)",
                     "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY",
                     _OPENAI),
        ProviderSpec("xai", "xAI", "https://api.x.ai/v1", "XAI_API_KEY", _OPENAI),
        ProviderSpec("mistral", "Mistral AI", "https://api.mistral.ai/v1", "MISTRAL_API_KEY",
                     _OPENAI),
        ProviderSpec("azure-openai", "Azure OpenAI", None, "AZURE_OPENAI_API_KEY",
                     OpenAIClient(auth_header="api-key")),
        ProviderSpec("anthropic", "Anthropic", "https://api.anthropic.com/v1",
                     "ANTHROPIC_API_KEY", AnthropicClient()),
    )
}

class BaseUrlError(ValueError):
    pass


def check_base_url(url: str) -> str:
    """The URL without a trailing slash; raises BaseUrlError unless it is https, or plain http
    to a loopback host (the key would otherwise cross the network in clear text)."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise BaseUrlError(f"base URL {url!r} is not a URL: {error}") from None
    if not parsed.host:
        raise BaseUrlError(f"base URL {url!r} has no host")
    if parsed.userinfo or parsed.query or parsed.fragment:
        raise BaseUrlError(f"base URL {url!r} must not carry credentials, a query or a fragment")
    if parsed.scheme == "http" and not transport_allowed(parsed.scheme, parsed.host):
        raise BaseUrlError(
            f"base URL {url!r}: plain http is allowed only to loopback "
            "(127.0.0.1, ::1, localhost); use https"
        )
    if parsed.scheme not in ("http", "https"):
        raise BaseUrlError(f"base URL {url!r}: scheme must be https")
    return url.rstrip("/")
