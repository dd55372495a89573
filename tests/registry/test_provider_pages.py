"""Provider files read from the platforms' own pages (Vertex AI MaaS, Cerebras, Baseten, W&B
Inference, GitHub Models): rows taken from those pages, read back through the id grammar at a
given day, and a scan of a project that routes ids to each platform."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.lifecycle import lifecycle
from modelguard.registry.load import bundled_registry_dir, load_registry
from tests.conftest import FIXTURES, run_cli

D = dt.date


@pytest.fixture(scope="module")
def bundled() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


@pytest.mark.parametrize(
    ("written", "as_of", "expected"),
    [
        # Vertex AI open-models table: deprecated 2026-07-21, retired 2026-10-21.
        pytest.param("deepseek-v3.1-maas", D(2026, 7, 20), ("vertex-ai", "active", None),
                     id="vertex-open-before-notice"),
        pytest.param("vertex_ai/deepseek-ai/deepseek-v3.1-maas", D(2026, 7, 21),
                     ("vertex-ai", "deprecated", None), id="vertex-open-publisher-spelling"),
        pytest.param("vertex_ai/zai-org/glm-5-maas", D(2026, 10, 21), ("vertex-ai", "retired", None),
                     id="vertex-open-retired"),
        pytest.param("multilingual-e5-large-instruct-maas", D(2026, 12, 6),
                     ("vertex-ai", "deprecated", None), id="vertex-open-retirement-cut-off"),
        # Vertex AI's own Claude schedule, not Anthropic's (retired on Anthropic's API 2026-02-19).
        pytest.param("claude-3-5-haiku@20241022", D(2026, 3, 1), ("vertex-ai", "deprecated", None),
                     id="vertex-claude-at-spelling"),
        pytest.param("claude-3-5-haiku-20241022", D(2026, 3, 1), ("anthropic", "retired",
                     "claude-haiku-4-5-20251001"), id="anthropic-dash-spelling-unchanged"),
        pytest.param("vertex_ai/claude-3-haiku@20240307", D(2026, 8, 23), ("vertex-ai", "retired", None),
                     id="vertex-claude-3-haiku"),
        # Cerebras: llama3.1-8b "fully deprecated on May 27, 2026"; qwen-3-32b -> GPT OSS 120B.
        pytest.param("cerebras/llama3.1-8b", D(2026, 5, 26), ("cerebras", "deprecated", None),
                     id="cerebras-announced"),
        pytest.param("cerebras/llama3.1-8b", D(2026, 5, 27), ("cerebras", "retired", None),
                     id="cerebras-removed"),
        pytest.param("cerebras:qwen-3-32b", D(2026, 12, 6), ("cerebras", "retired", "cerebras:gpt-oss-120b"),
                     id="cerebras-pydantic-route"),
        pytest.param("cerebras/llama3.1-70b", D(2026, 12, 6),
                     ("cerebras", "retired", "cerebras/gpt-oss-120b"), id="cerebras-chain-past-removed"),
        # Baseten: DeepSeek V3 0324 inactive from May 1, 2026 -> DeepSeek V3.1.
        pytest.param("baseten/deepseek-ai/DeepSeek-V3-0324", D(2026, 5, 1),
                     ("baseten", "retired", "baseten/deepseek-ai/DeepSeek-V3.1"), id="baseten-removed"),
        # W&B Inference: deprecated 2026-09-04, retired 2026-10-05, named replacement.
        pytest.param("wandb/deepseek-ai/DeepSeek-V4-Flash", D(2026, 9, 4),
                     ("wandb", "deprecated", "wandb/deepseek-ai/DeepSeek-V4-Flash-0731"),
                     id="wandb-deprecated"),
        pytest.param("wandb/zai-org/GLM-4.5", D(2026, 3, 3), ("wandb", "retired", "wandb/zai-org/GLM-5-FP8"),
                     id="wandb-retired"),
        # GitHub Models changelog: Llama 3 models deprecated on 2025-06-30.
        pytest.param("github/Meta-Llama-3-70B-Instruct", D(2025, 6, 30),
                     ("github-models", "retired", "github/Llama-3.3-70B-Instruct"), id="github-bare-name"),
        pytest.param("github/meta/meta-llama-3-8b-instruct", D(2025, 6, 1),
                     ("github-models", "deprecated", "github/Meta-Llama-3.1-8B-Instruct"),
                     id="github-publisher-spelling"),
        pytest.param("github/Mistral-Nemo", D(2026, 12, 6),
                     ("github-models", "retired", "github/Mistral-small-2503"), id="github-mistral"),
    ],
)
def test_page_rows_read_back(bundled: ModelIndex, written: str, as_of: dt.date,
                             expected: tuple[str, str, str | None]) -> None:
    match = bundled.lookup(written)
    assert match is not None
    status = lifecycle(match.entry.announced, match.entry.shutdown, as_of).status.value
    assert (match.entry.provider, status, bundled.replacement(match, as_of)) == expected


@pytest.mark.parametrize(
    "written",
    ["llama-3.3-70b", "qwen-3-32b", "zai-org/GLM-4.6", "deepseek-ai/DeepSeek-V4-Pro",
     "Meta-Llama-3-70B-Instruct", "Mistral-Nemo"],
)
def test_resellers_leave_bare_ids_alone(bundled: ModelIndex, written: str) -> None:
    """These platforms list ids that other platforms still serve: without their route (or
    --provider) a bare id never takes their dates."""
    match = bundled.lookup(written)
    assert match is None or match.entry.provider not in {"cerebras", "baseten", "wandb", "github-models"}


def test_scan_finds_each_route_and_no_bare_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURES / "projects" / "reseller-routes", tmp_path / "app")
    monkeypatch.chdir(tmp_path / "app")
    result = run_cli("check", "--format", "json", "--as-of", "2026-12-06", "--isolated", "--no-cache", ".")
    found = [(f["line"], f["provider"], f["model"], f["replacement"])
             for f in json.loads(result.stdout)["findings"]]
    assert found == [
        (3, "vertex-ai", "vertex_ai/deepseek-ai/deepseek-v3.1-maas", None),
        (4, "vertex-ai", "claude-3-5-haiku@20241022", None),
        (5, "cerebras", "cerebras/llama-3.3-70b", "cerebras/gpt-oss-120b"),
        (6, "cerebras", "cerebras:qwen-3-32b", "cerebras:gpt-oss-120b"),
        (7, "baseten", "baseten/zai-org/GLM-4.6", "baseten/zai-org/GLM-4.7"),
        (8, "wandb", "wandb/deepseek-ai/DeepSeek-V4-Pro", "wandb/deepseek-ai/DeepSeek-V4-Pro-0813"),
        (9, "github-models", "github/Meta-Llama-3-70B-Instruct", "github/Llama-3.3-70B-Instruct"),
    ]
