"""Readers for the upstream lifecycle tables in ../shared/data, used by the cross-check tests.

Pure functions from the files to `Expected` rows: which provider of ours should know which id,
with which shutdown day. Nothing here decides whether the registry agrees; the tests do.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Expected:
    source: str  # upstream file name
    provider: str | None  # our provider slug; None when no registry file covers it
    id: str  # the id as our registry should spell it
    shutdown: dt.date
    written: str  # the key or id exactly as upstream writes it
    upstream_provider: str = ""  # upstream's own provider name (LiteLLM's litellm_provider)
    url: str | None = None  # the page upstream cites for the date


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def openai(data: Path) -> list[Expected]:
    name = "openai_deprecations.csv"
    return [
        Expected(name, "openai", r["model"], _day(r["shutdown"]), r["model"])
        for r in read_csv(data / name)
        if r["shutdown"] and not r["notes"].startswith("system, not a model id")
    ]


def anthropic(data: Path) -> list[Expected]:
    name = "anthropic_deprecations.csv"
    return [
        Expected(name, "anthropic", r["model"], _day(r["retirement_date"]), r["model"])
        for r in read_csv(data / name)
        if r["retirement_date"]
    ]


GOOGLE_PLATFORMS = {"gemini-api": "google", "vertex-ai": "vertex-ai"}


def google(data: Path) -> list[Expected]:
    name = "google_deprecations.csv"
    return [
        Expected(name, GOOGLE_PLATFORMS[r["platform"]], r["model"], _day(r["shutdown"]), r["model"])
        for r in read_csv(data / name)
        if r["shutdown"]
    ]


def bedrock(data: Path) -> list[Expected]:
    """One row per model: Bedrock dates some models per Region; the earliest day counts."""
    name = "bedrock_lifecycle.csv"
    earliest: dict[str, dt.date] = {}
    for r in read_csv(data / name):
        if r["shutdown"]:
            day = _day(r["shutdown"])
            earliest[r["model"]] = min(day, earliest.get(r["model"], day))
    return [Expected(name, "bedrock", m, day, m) for m, day in earliest.items()]


def simple(data: Path, provider: str) -> list[Expected]:
    """mistral, cohere and xai share one layout."""
    name = f"{provider}_deprecations.csv"
    return [
        Expected(name, provider, r["model"], _day(r["shutdown"]), r["model"])
        for r in read_csv(data / name)
        if r["shutdown"]
    ]


AZURE_TABLES = ("schedule", "retirement_table", "retired")  # newest first
_DATED_VERSION = re.compile(r"\d{4}(?:-\d{2}-\d{2})?")


def _is_azure_openai(row: dict[str, str]) -> bool:
    return row["section"] == "Azure OpenAI" or row["model"] == "model-router"


def azure_openai_names(data: Path) -> frozenset[str]:
    """Model names (casefolded) of Microsoft's Azure OpenAI section, with their dated forms."""
    names = set()
    for r in read_csv(data / "azure_openai_retirements.csv"):
        if _is_azure_openai(r):
            names.add(r["model"].casefold())
            names.add(f"{r['model']}-{r['version']}".casefold())
    return frozenset(names)


def azure(data: Path) -> list[Expected]:
    """Per (model, version), the newest table's dated row. Azure OpenAI rows (and model-router)
    belong to azure-openai: dated versions ("2024-08-06", "0613") are checked under the
    `<model>-<version>` deployment form, others ("001", "1") under the model name. Rows of the
    other Foundry providers (Meta, Mistral, DeepSeek, ...) belong to azure-ai, checked under the
    model name (serverless deployments name the model, not its version)."""
    name = "azure_openai_retirements.csv"
    best: dict[tuple[str, str], dict[str, str]] = {}
    for r in read_csv(data / name):
        if not r["retirement_date"]:
            continue
        key = (r["model"], r["version"])
        held = best.get(key)
        if held is None or AZURE_TABLES.index(r["source_table"]) < AZURE_TABLES.index(
            held["source_table"]
        ):
            best[key] = r
    out = []
    for (model, version), r in best.items():
        ours = _is_azure_openai(r)
        model_id = f"{model}-{version}" if ours and _DATED_VERSION.fullmatch(version) else model
        out.append(
            Expected(
                name, "azure-openai" if ours else "azure-ai", model_id, _day(r["retirement_date"]),
                f"{model} {version}", upstream_provider=r["section"],
            )
        )
    return out


def provider_tables(data: Path) -> list[Expected]:
    return [
        *openai(data), *anthropic(data), *google(data), *bedrock(data),
        *simple(data, "mistral"), *simple(data, "cohere"), *simple(data, "xai"), *azure(data),
    ]


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
    "cerebras": "cerebras",
    "baseten": "baseten",
    "wandb": "wandb",
}
# LiteLLM keys carry pricing variants ("high/1024-x-1024/gpt-image-1") and routing prefixes
# ("azure/", "bedrock/us-east-1/", "us." cross-Region inference profiles) around the model id.
_VARIANT = re.compile(r"^(?:(?:low|medium|high|standard|hd|max-x-max|\d+-x-\d+|\d+-steps)/)+")
_ROUTE = re.compile(
    r"^(?:azure|gemini|vertex_ai|mistral|codestral|text-completion-codestral|xai|bedrock|"
    r"openai|anthropic|cohere|cohere_chat|azure_ai|fireworks_ai|together_ai|databricks|deepseek|"
    r"bedrock_mantle|cerebras|baseten|wandb)/"
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
                name, provider, model, _day(value["deprecation_date"]), key,
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
