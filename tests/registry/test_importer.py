"""`registry import`: upstream tables → TOML entries for review, checked against golden files.

The inputs under tests/fixtures/import/ are small hand-written files in the upstream layouts;
`<input>.expected/` holds one TOML fragment per provider plus the stderr summary. After a
reviewed change to the output, regenerate with MODELGUARD_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.registry.importer import (
    combined_text,
    litellm_model,
    plan_import,
    read_litellm,
    read_models_dev,
)
from modelguard.registry.load import Registry, bundled_registry_dir, load_registry
from tests.cli.test_registry import Server
from tests.conftest import FIXTURES, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

IMPORT = FIXTURES / "import"
TEST_REGISTRY = FIXTURES / "registry"
INPUTS = {"litellm": IMPORT / "litellm.json", "models-dev": IMPORT / "models_dev.json"}
UPDATE = os.environ.get("MODELGUARD_UPDATE_GOLDEN") == "1"


def run(*args: str) -> Result:
    return run_cli("registry", "import", *args)


@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in INPUTS])
def test_golden_output(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("--from", kind, str(INPUTS[kind]), "--registry", str(TEST_REGISTRY),
                 "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    expected_dir = INPUTS[kind].with_suffix(".expected")
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir)
        (expected_dir / "summary.txt").write_text(result.stderr, encoding="utf-8")
    got = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    want = {p.name: p.read_text(encoding="utf-8") for p in expected_dir.iterdir()
            if p.name != "summary.txt"}
    assert got == want
    assert result.stderr == (expected_dir / "summary.txt").read_text(encoding="utf-8")
    assert result.stdout == ""


@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in INPUTS])
def test_stdout_and_output_file_hold_every_fragment(kind: str, tmp_path: Path) -> None:
    to_stdout = run("--from", kind, str(INPUTS[kind]), "--registry", str(TEST_REGISTRY))
    to_file = run("--from", kind, str(INPUTS[kind]), "--registry", str(TEST_REGISTRY),
                  "--output", str(tmp_path / "out.toml"))
    assert to_stdout.exit_code == to_file.exit_code == 0
    assert (tmp_path / "out.toml").read_text(encoding="utf-8") == to_stdout.stdout
    expected_dir = INPUTS[kind].with_suffix(".expected")
    for fragment in sorted(expected_dir.glob("*.toml")):
        header = f"# ===== registry/{fragment.name} =====\n"
        assert header + fragment.read_text(encoding="utf-8") in to_stdout.stdout


def _apply(fragments: dict[str, str], registry_dir: Path, into: Path) -> Registry:
    """What a reviewer does: append each fragment to its provider file, then load the folder."""
    shutil.copytree(registry_dir, into)
    for slug, text in fragments.items():
        tomllib.loads(text)  # each fragment is TOML on its own
        target = into / f"{slug}.toml"
        before = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(before + "\n" + text, encoding="utf-8")
    return load_registry(into)


def _entry_days(registry: Registry) -> dict[tuple[str, str], tuple[dt.date | None, str]]:
    return {(p.slug, e.id): (e.shutdown, e.shutdown_qualifier)
            for p in registry.providers for e in p.models}


def test_fragments_validate_in_the_registry_and_leave_curated_entries_alone(
    tmp_path: Path,
) -> None:
    registry = load_registry(TEST_REGISTRY)
    result = plan_import(read_litellm(INPUTS["litellm"].read_bytes()), registry)
    merged = _apply(dict(result.fragments), TEST_REGISTRY, tmp_path / "reg")
    before, after = _entry_days(registry), _entry_days(merged)
    assert {k: after[k] for k in before} == before  # disagreements did not overwrite
    added = {k: v for k, v in after.items() if k not in before}
    assert added == {
        ("openai", "gpt-4o-2024-05-13"): (dt.date(2026, 3, 31), "estimated"),
        ("openai", "dall-e-3"): (dt.date(2026, 5, 12), "estimated"),
        ("azure-openai", "gpt-35-turbo-0613"): (dt.date(2025, 2, 13), "estimated"),
        ("bedrock", "anthropic.claude-v2:1"): (dt.date(2025, 7, 21), "estimated"),
        ("vertex-ai", "claude-3-opus@20240229"): (dt.date(2026, 1, 5), "estimated"),
    }
    assert len(added) == result.new


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        pytest.param("litellm", "litellm_model_prices_and_context_window.json", id="litellm"),
        pytest.param("models-dev", "models_dev_api.json", id="models-dev"),
    ],
)
def test_import_of_the_real_upstream_files_validates_against_the_bundled_registry(
    kind: str, source: str, shared_data: Path, tmp_path: Path
) -> None:
    registry = load_registry(bundled_registry_dir())
    data = (shared_data / source).read_bytes()
    upstream = read_litellm(data) if kind == "litellm" else read_models_dev(data)
    result = plan_import(upstream, registry)
    merged = _apply(dict(result.fragments), bundled_registry_dir(), tmp_path / "reg")
    before, after = _entry_days(registry), _entry_days(merged)
    assert {k: after[k] for k in before} == before
    assert len(after) - len(before) == result.new
    print(f"\n{kind}: new {result.new}, disagree {result.disagree}, agree {result.agree}, "
          f"unsourced {result.unsourced}, undated {result.undated}")


@pytest.mark.parametrize(
    ("key", "slug", "expected"),
    [
        pytest.param("gpt-4o-2024-05-13", "openai", ("gpt-4o-2024-05-13", None), id="bare"),
        pytest.param("high/1024-x-1024/dall-e-3", "openai", ("dall-e-3", None),
                     id="pricing-variant"),
        pytest.param("ft:gpt-3.5-turbo-0613", "openai", ("ft-gpt-3.5-turbo-0613", None),
                     id="fine-tune-page-label"),
        pytest.param("azure/eu/gpt-4o-2024-05-13", "azure-openai", ("gpt-4o-2024-05-13", None),
                     id="azure-deployment-type"),
        pytest.param("azure/high/1024-x-1536/gpt-image-1-mini", "azure-openai",
                     ("gpt-image-1-mini", None), id="azure-pricing-variant-after-route"),
        pytest.param("azure/global/low/1024-x-1024/gpt-image-1", "azure-openai",
                     ("gpt-image-1", None), id="azure-deployment-then-pricing-variant"),
        pytest.param("bedrock/us-west-2/anthropic.claude-v2:1", "bedrock",
                     ("anthropic.claude-v2:1", None), id="bedrock-region"),
        pytest.param("apac.anthropic.claude-v2:1", "bedrock",
                     ("anthropic.claude-v2:1", "apac.anthropic.claude-v2:1"),
                     id="bedrock-profile-is-an-alias"),
        pytest.param("vertex_ai/claude-3-opus@20240229", "vertex-ai",
                     ("claude-3-opus@20240229", None), id="vertex-route"),
        pytest.param("gemini/gemini-1.5-pro-002", "google", ("gemini-1.5-pro-002", None),
                     id="gemini-route"),
        pytest.param("azure_ai/DeepSeek-R1", "azure-ai", ("DeepSeek-R1", None), id="azure-ai-route"),
        pytest.param("fireworks_ai/accounts/fireworks/models/gpt-oss-120b", "fireworks",
                     ("accounts/fireworks/models/gpt-oss-120b", None),
                     id="fireworks-keeps-its-namespace"),
        pytest.param("together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "together",
                     ("meta-llama/Llama-3.3-70B-Instruct-Turbo", None), id="together-keeps-org"),
        pytest.param("bedrock_mantle/deepseek.v3.1", "bedrock", ("deepseek.v3.1", None),
                     id="bedrock-mantle-route"),
    ],
)
def test_litellm_model(key: str, slug: str, expected: tuple[str, str | None]) -> None:
    assert litellm_model(key, slug) == expected


def test_combined_text_is_empty_when_nothing_is_new() -> None:
    registry = load_registry(TEST_REGISTRY)
    data = b'{"gpt-4-32k": {"litellm_provider": "openai", "deprecation_date": "2025-06-06"}}'
    result = plan_import(read_litellm(data), registry)
    assert (combined_text(result), result.agree) == ("", 1)


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        pytest.param("gpt-4-32k", "azure-openai", id="azure-openai-model-goes-to-azure-openai"),
        pytest.param("Example-Foundry-Model", "azure-ai", id="other-makers-model-stays"),
    ],
)
def test_azure_ai_route_serves_two_providers(model: str, provider: str) -> None:
    registry = load_registry(TEST_REGISTRY)
    data = (f'{{"azure_ai/{model}": {{"litellm_provider": "azure_ai", '
            '"deprecation_date": "2031-01-01", "deprecation_source": "https://learn.microsoft.com/x"}}')
    result = plan_import(read_litellm(data.encode()), registry)
    assert list(result.fragments) == [provider]


# --- sources and failures ---------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def test_url_source_gives_the_same_output_as_the_file(server: Server) -> None:
    server.routes["/litellm.json"] = (200, INPUTS["litellm"].read_bytes())
    args = ["--from", "litellm", "--registry", str(TEST_REGISTRY)]
    from_url = run(*args, f"{server.url}/litellm.json")
    from_file = run(*args, str(INPUTS["litellm"]))
    assert from_url.exit_code == 0, from_url.output
    assert (from_url.stdout, from_url.stderr) == (from_file.stdout, from_file.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--from", "litellm", "http://example.com/x.json"],
                     "only fetched over https", id="plain-http-not-loopback"),
        pytest.param(["--from", "litellm", "{server}/missing.json"], "HTTP 404", id="http-404"),
        pytest.param(["--from", "litellm", "{tmp}/absent.json"], "file not found",
                     id="missing-file"),
        pytest.param(["--from", "litellm", "{tmp}/broken.json"], "not a LiteLLM's model table "
                     "JSON file", id="invalid-json"),
        pytest.param(["--from", "models-dev", "{tmp}/list.json"], "expected an object",
                     id="models-dev-not-an-object"),
        pytest.param(["--from", "litellm", "{tmp}/bad-date.json"], "is not a YYYY-MM-DD date",
                     id="bad-date"),
        pytest.param(["--from", "litellm", str(INPUTS["litellm"]), "--output", "{tmp}/a",
                      "--output-dir", "{tmp}/b"], "cannot be used together",
                     id="two-outputs"),
    ],
)
def test_failures_are_one_line_exit_2(args: list[str], message: str, server: Server,
                                      tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    (tmp_path / "bad-date.json").write_text(
        '{"m": {"litellm_provider": "openai", "deprecation_date": "soon"}}', encoding="utf-8")
    filled = [a.format(server=server.url, tmp=tmp_path) for a in args]
    result = run(*filled, "--registry", str(TEST_REGISTRY))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert result.stdout == ""
