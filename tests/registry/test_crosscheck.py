"""The bundled registry against the upstream tables in ../shared/data.

Every dated model row of the providers' own tables must be in the registry with that shutdown
day, and every LiteLLM id with a deprecation date must be in it with the same day, unless the
disagreement is explained: by a rule below, or by an entry of registry_disagreements.toml that
says which source wins and why. A disagreement nobody explained fails with the full list.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from modelguard.registry.load import ModelEntry, Registry, bundled_registry_dir, load_registry
from tests import upstream
from tests.upstream import Expected

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AIMLAPI_TABLE = "aimlapi_deprecated_table_history.csv"
ALLOW_LIST = Path(__file__).parent / "registry_disagreements.toml"
# Domains of the providers' own pages: a LiteLLM date citing one of these is a lead the
# registry takes (marked estimated); other citations, or none, are not enough.
PROVIDER_PAGES = {
    "openai": ("developers.openai.com", "platform.openai.com"),
    "azure-openai": ("learn.microsoft.com",),
    "anthropic": ("platform.claude.com", "docs.anthropic.com"),
    "google": ("ai.google.dev",),
    "vertex-ai": ("cloud.google.com",),
    "bedrock": ("docs.aws.amazon.com",),
    "mistral": ("docs.mistral.ai",),
    "xai": ("docs.x.ai",),
    "cohere": ("docs.cohere.com",),
    "deepseek": ("api-docs.deepseek.com",),
    "azure-ai": ("learn.microsoft.com",),
    "together": ("docs.together.ai",),
    "fireworks": ("docs.fireworks.ai",),
    "databricks": ("docs.databricks.com",),
    "cerebras": ("inference-docs.cerebras.ai",),
    "baseten": ("docs.baseten.co",),
    "wandb": ("docs.wandb.ai", "docs.coreweave.com"),
}


@dataclass(frozen=True, slots=True)
class Allowed:
    source: str
    provider: str | None
    ids: frozenset[str]
    wins: str
    reason: str


def _allow_list() -> list[Allowed]:
    with ALLOW_LIST.open("rb") as handle:
        raw = tomllib.load(handle)
    out = []
    for item in raw.get("disagreement", []):
        assert item["wins"] in {"registry", "upstream", "neither"}, item
        assert len(item["reason"]) > 20, item
        out.append(
            Allowed(item["source"], item.get("provider"), frozenset(item["ids"]), item["wins"],
                    item["reason"])
        )
    return out


@pytest.fixture(scope="module")
def bundled() -> Registry:
    return load_registry(bundled_registry_dir())


def _find(registry: Registry, provider: str, model_id: str) -> ModelEntry | None:
    found = registry.provider(provider)
    if found is None:
        return None
    key = model_id.casefold()
    return next((e for e in found.models if key in {n.casefold() for n in e.names}), None)


def _allowed(row: Expected, allowed: list[Allowed]) -> Allowed | None:
    return next(
        (a for a in allowed
         if a.source == row.source and a.provider in {row.provider, None} and row.id in a.ids),
        None,
    )


def _describe(row: Expected, entry: ModelEntry | None) -> str:
    ours = "missing" if entry is None else f"registry {entry.shutdown} ({entry.id})"
    return f"{row.source}: {row.provider} {row.written!r} -> {row.id}: upstream {row.shutdown}, {ours}"


def test_provider_tables_agree_with_the_registry(shared_data: Path, bundled: Registry) -> None:
    allowed = _allow_list()
    unexplained = []
    for row in upstream.provider_tables(shared_data):
        if row.provider is None:
            continue
        entry = _find(bundled, row.provider, row.id)
        if entry is not None and entry.shutdown == row.shutdown:
            continue
        if _allowed(row, allowed) is None:
            unexplained.append(_describe(row, entry))
    assert unexplained == []


def test_azure_rows_split_between_azure_openai_and_azure_ai(shared_data: Path) -> None:
    """Microsoft's tables list Azure OpenAI models and other makers' models sold through Foundry
    (Meta, Mistral, DeepSeek ...): the first are checked against azure-openai, the rest against
    azure-ai."""
    rows = upstream.azure(shared_data)
    assert {r.provider for r in rows if r.upstream_provider == "Azure OpenAI"} == {"azure-openai"}
    foundry = {r.upstream_provider for r in rows if r.provider == "azure-ai"}
    assert "Azure OpenAI" not in foundry
    assert len(foundry) > 5  # the split is real: if Microsoft's tables change shape, look again


def _cites_provider_page(row: Expected) -> bool:
    """LiteLLM leads are taken only when they cite the provider's own page over https; a date
    with no citation (or citing an API listing) cannot be traced, so it is counted, not taken."""
    url = row.url or ""
    host = url.split("/")[2] if url.startswith("https://") else ""
    return row.provider is not None and host in PROVIDER_PAGES.get(row.provider, ())


def _litellm_outcome(row: Expected, registry: Registry, provider_days: dict[tuple[str, str], dt.date],
                     allowed: list[Allowed]) -> str:
    entry = None if row.provider is None else _find(registry, row.provider, row.id)
    if entry is not None and entry.shutdown == row.shutdown:
        return "same day"
    if entry is not None and entry.shutdown is not None and any(
        provider_days.get((str(row.provider), name.casefold())) == entry.shutdown
        for name in entry.names
    ):
        return "provider table wins"
    explained = _allowed(row, allowed) is not None
    if row.provider is None:
        why = "provider not covered"
    elif not _cites_provider_page(row):
        why = "no provider page cited"
    else:
        return "allow-listed" if explained else "UNEXPLAINED: " + _describe(row, entry)
    return f"{why} (allow-listed)" if explained else f"UNEXPLAINED: {why}: {_describe(row, entry)}"


def test_litellm_deprecations_are_in_the_registry(shared_data: Path, bundled: Registry) -> None:
    """Every LiteLLM id with a deprecation date: same day, or the provider's own table (in
    shared/data) confirms the registry's day, or allow-listed with the reason: a date citing no
    page of the provider, a provider with no registry file, or a verified disagreement. The
    summary line prints the counts (run with -s to see it)."""
    allowed = _allow_list()
    provider_days = {
        (row.provider, row.id.casefold()): row.shutdown
        for row in upstream.provider_tables(shared_data) if row.provider is not None
    }
    rows = upstream.litellm(shared_data)
    outcomes = [_litellm_outcome(row, bundled, provider_days, allowed) for row in rows]
    tally = Counter(o if not o.startswith("UNEXPLAINED") else "unexplained" for o in outcomes)
    print(f"\nLiteLLM deprecations: {len(rows)}: {dict(sorted(tally.items()))}")
    assert [o for o in outcomes if o.startswith("UNEXPLAINED")] == []


def test_allow_list_has_no_stale_entries(shared_data: Path, bundled: Registry) -> None:
    """Each allow-listed id is still a disagreement: fixed data must leave the list too."""
    rows = [*upstream.provider_tables(shared_data), *upstream.litellm(shared_data)]
    disagreeing = {
        (row.source, row.id)
        for row in rows
        if row.provider is None  # no registry file: always a disagreement
        or getattr(_find(bundled, row.provider, row.id), "shutdown", None) != row.shutdown
    }
    stale = [
        (a.source, model_id)
        for a in _allow_list()
        if a.source != AIMLAPI_TABLE  # checked in the AI/ML API test
        for model_id in sorted(a.ids)
        if (a.source, model_id) not in disagreeing
    ]
    assert stale == []


def test_aimlapi_removed_ids_are_known_as_retired(shared_data: Path, bundled: Registry) -> None:
    ids = [row["model_id"] for row in upstream.read_csv(shared_data / AIMLAPI_TABLE)]
    aimlapi = bundled.provider("aimlapi")
    assert aimlapi is not None
    names = {n for e in aimlapi.models if e.shutdown is not None for n in e.names}
    allowed = {i for a in _allow_list() if a.source == AIMLAPI_TABLE for i in a.ids}
    assert len(ids) > 200
    assert [i for i in ids if i not in names and i not in allowed] == []
    assert sorted(allowed & names) == []  # allow-listed ids that are in fact known: stale
