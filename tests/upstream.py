"""Readers for the upstream lifecycle tables in ../shared/data, used by the cross-check tests.

Pure functions from the files to `Expected` rows: which provider of ours should know which id,
with which shutdown day. Nothing here decides whether the registry agrees; the tests do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from modelguard.registry.tables import (  # noqa: F401  (re-exported for the cross-check tests)
    PageRow,
    anthropic,
    azure,
    azure_openai_names,
    bedrock,
    google,
    openai,
    provider_tables,
    read_csv,
    simple,
)

# The providers' own tables are read by the product (`registry audit`); one reader serves both.
Expected = PageRow


# LiteLLM's `litellm_provider` → our provider slug. Providers absent here have no registry file.
LITELLM_PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "azure": "azure-openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai": "vertex-ai",
    "vertex_ai-language-models": "vertex-ai",
    "vertex_ai-embedding-models": "vertex-ai",
    "vertex_ai-video-models": "vertex-ai",
    "vertex_ai-anthropic_models": "vertex-ai",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "xai": "xai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "azure_ai": "azure-ai",  # Azure OpenAI model names on this route: azure-openai (below)
    "fireworks_ai": "fireworks",
    "together_ai": "together",
    "databricks": "databricks",
    "deepseek": "deepseek",
    "bedrock_mantle": "bedrock",
}
# LiteLLM keys carry pricing variants ("high/1024-x-1024/gpt-image-1") and routing prefixes
# ("azure/", "bedrock/us-east-1/", "us." cross-Region inference profiles) around the model id.
_VARIANT = re.compile(r"^(?:(?:low|medium|high|standard|hd|max-x-max|\d+-x-\d+|\d+-steps)/)+")
_ROUTE = re.compile(
    r"^(?:azure|gemini|vertex_ai|mistral|codestral|text-completion-codestral|xai|bedrock|"
    r"openai|anthropic|cohere|cohere_chat|azure_ai|fireworks_ai|together_ai|databricks|deepseek|"
    r"bedrock_mantle)/"
)
# LiteLLM prices Azure OpenAI data-zone and global deployments under their own keys
# ("azure/us/gpt-5.2-codex", "azure/global-standard/gpt-4o-mini"): the deployment type, not
# another model; Microsoft's schedule dates the model version (registry/SCHEMA.md).
_AZURE_DEPLOYMENT = re.compile(r"^(?:us|eu|apac|global|global-standard)/")
_BEDROCK_REGION = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d/")
_BEDROCK_PROFILE = re.compile(r"^(?:us|eu|apac|global|jp|au|ca|us-gov)\.")


def litellm_id(key: str, provider: str | None) -> str:
    """The model id inside a LiteLLM key, without pricing variant or routing prefix."""
    model = _VARIANT.sub("", key)
    model = _ROUTE.sub("", model)
    if provider == "azure-openai":
        model = _VARIANT.sub("", _AZURE_DEPLOYMENT.sub("", model))
    if provider == "bedrock":
        model = _BEDROCK_PROFILE.sub("", _BEDROCK_REGION.sub("", model))
    if provider == "openai" and model.startswith("ft:"):
        # OpenAI's page labels fine-tuned models by base as "ft-<base>" (real ids are
        # "ft:<base>:<org>:..."); the registry keeps the page's label.
        model = "ft-" + model[3:]
    return model


def litellm(data: Path) -> list[Expected]:
    name = "litellm_model_prices_and_context_window.json"
    table = json.loads((data / name).read_text(encoding="utf-8"))
    azure_openai = azure_openai_names(data)
    out = []
    for key, value in table.items():
        if key == "sample_spec" or not isinstance(value, dict):
            continue
        if not value.get("deprecation_date"):
            continue
        upstream = str(value.get("litellm_provider", ""))
        provider = LITELLM_PROVIDERS.get(upstream)
        if provider is None and upstream.startswith("vertex_ai-"):
            provider = "vertex-ai"  # Vertex AI's partner-model groups (ai21, qwen, llama, ...)
        model = litellm_id(key, provider)
        if provider == "azure-ai" and model.casefold() in azure_openai:
            provider = "azure-openai"  # LiteLLM's azure_ai route also reaches Azure OpenAI
        out.append(
            Expected(
                name, provider, model, dt.date.fromisoformat(value["deprecation_date"]), key,
                upstream_provider=upstream, url=value.get("deprecation_source"),
            )
        )
    return out


def litellm_successors(data: Path) -> dict[str, str]:
    """LiteLLM key → its `successor_model`, where it names one."""
    name = "litellm_model_prices_and_context_window.json"
    table = json.loads((data / name).read_text(encoding="utf-8"))
    return {
        key: str(value["successor_model"])
        for key, value in table.items()
        if isinstance(value, dict) and value.get("successor_model")
    }
