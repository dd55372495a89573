"""The shared tables' readers, and AI/ML API's removed ids, against the bundled registry.

The comparison of the registry with LiteLLM's table and the providers' own tables is
`registry audit` (tests/registry/test_audit.py runs it over ../shared/data); its allow-list,
registry/audit-allow.toml, explains every disagreement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modelguard.registry.audit import load_allow_list
from modelguard.registry.load import AUDIT_ALLOW_LIST, Registry, bundled_registry_dir, load_registry
from modelguard.registry.tables import azure, read_csv

AIMLAPI_TABLE = "aimlapi_deprecated_table_history.csv"


@pytest.fixture(scope="module")
def bundled() -> Registry:
    return load_registry(bundled_registry_dir())


def test_azure_rows_split_between_azure_openai_and_azure_ai(shared_data: Path) -> None:
    """Microsoft's tables list Azure OpenAI models and other makers' models sold through Foundry
    (Meta, Mistral, DeepSeek ...): the first are checked against azure-openai, the rest against
    azure-ai."""
    rows = azure(shared_data)
    assert {r.provider for r in rows if r.upstream_provider == "Azure OpenAI"} == {"azure-openai"}
    foundry = {r.upstream_provider for r in rows if r.provider == "azure-ai"}
    assert "Azure OpenAI" not in foundry
    assert len(foundry) > 5  # the split is real: if Microsoft's tables change shape, look again


def test_aimlapi_removed_ids_are_known_as_retired(shared_data: Path, bundled: Registry) -> None:
    ids = [row["model_id"] for row in read_csv(shared_data / AIMLAPI_TABLE)]
    aimlapi = bundled.provider("aimlapi")
    assert aimlapi is not None
    names = {n for e in aimlapi.models if e.shutdown is not None for n in e.names}
    allowed = {i for a in load_allow_list(bundled_registry_dir() / AUDIT_ALLOW_LIST)
               if a.source == AIMLAPI_TABLE for i in a.ids}
    assert len(ids) > 200
    assert [i for i in ids if i.casefold() not in allowed and i not in names] == []
    assert sorted(allowed & {n.casefold() for n in names}) == []  # allow-listed yet known: stale
