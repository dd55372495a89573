"""The id grammar end to end: `check` finds each written form where it stands, `fix` rewrites
only the id inside it, and `registry show` says how it read it (bundled registry)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelguard.registry.load import bundled_registry_dir, load_registry
from tests.conftest import run_cli

AS_OF = "2026-12-06"
BUNDLED_VERSION = load_registry(bundled_registry_dir()).version


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    (tmp_path / "app.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "app.py"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('agent = Agent("openai:gpt-4-0314")\n',
                     ("MG001", "openai:gpt-4-0314", "gpt-4-0314", 1, 15, 34, "unsafe", "openai:gpt-6.1-sol"),
                     id="pydantic-ai-colon-form"),
        pytest.param('llm = init_chat_model(model="google_genai:gemini-1.5-flash")\n',
                     ("MG001", "google_genai:gemini-1.5-flash", "gemini-1.5-flash", 1, 29, 60, "safe",
                      None),
                     id="langchain-colon-form"),
        pytest.param('x = 1\nAgent(model="ft:gpt-3.5-turbo-0613:acme::8abc")\n',
                     ("MG001", "ft:gpt-3.5-turbo-0613:acme::8abc", "gpt-3.5-turbo-0613", 2, 13, 47, "none",
                      None),
                     id="fine-tune-reported-never-fixed"),
        pytest.param('Agent(model="vertex_ai/claude-3-5-sonnet@20240620")\n',
                     ("MG001", "vertex_ai/claude-3-5-sonnet@20240620", "claude-3-5-sonnet-20240620", 1, 13,
                      51, "safe", "vertex_ai/claude-sonnet-4-6"),
                     id="vertex-dated-spelling"),
    ],
)
def test_check_reports_the_written_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
                                        expected: tuple[object, ...]) -> None:
    _project(tmp_path, monkeypatch, source)
    result = run_cli("check", "--format", "json", "--as-of", AS_OF, "--isolated", "--no-cache", ".")
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["model"], finding["entry"], finding["line"], finding["column"],
            finding["end_column"], finding["fix"], finding["replacement"]) == expected


def test_a_fine_tune_message_says_to_train_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, monkeypatch, 'Agent(model="ft:gpt-3.5-turbo-0613:acme::8abc")\n')
    result = run_cli("check", "--format", "json", "--as-of", AS_OF, "--isolated", "--no-cache", ".")
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["message"] == (
        "`ft:gpt-3.5-turbo-0613:acme::8abc` is a fine-tune of gpt-3.5-turbo-0613, which was shut "
        "down on 2024-09-13; re-train it on gpt-5.6-terra"
    )


@pytest.mark.parametrize(
    ("source", "args", "expected"),
    [
        pytest.param('Agent(model="openai:gpt-4-0314")\n', [], 'Agent(model="openai:gpt-6.1-sol")\n',
                     id="colon-prefix-kept"),
        pytest.param('Agent("openai:gpt-4-0314")\n', ["--unsafe-fixes"], 'Agent("openai:gpt-6.1-sol")\n',
                     id="colon-prefix-kept-unsafe"),
        pytest.param('Agent(model="bedrock:us.anthropic.claude-3-sonnet-20240229-v1:0")\n', [],
                     'Agent(model="bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0")\n',
                     id="prefix-and-region-kept"),
        pytest.param('Agent(model="litellm_proxy/o1-preview")\n', [],
                     'Agent(model="litellm_proxy/o3")\n', id="unknown-prefix-kept"),
        pytest.param('Agent(model="github/o1-preview")\n', [], 'Agent(model="github/o3")\n',
                     id="route-prefix-kept-on-the-makers-entry"),
        pytest.param('Agent(model="ft:gpt-3.5-turbo-0613:acme::8abc")\n', [],
                     'Agent(model="ft:gpt-3.5-turbo-0613:acme::8abc")\n', id="fine-tune-untouched"),
    ],
)
def test_fix_rewrites_only_the_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
                                  args: list[str], expected: str) -> None:
    app = _project(tmp_path, monkeypatch, source)
    run_cli("fix", "--as-of", AS_OF, "--isolated", *args, ".")
    assert app.read_text() == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("gateway/bedrock:us.anthropic.claude-3-haiku-20240307-v1:0", [
            "read as:     prefix 'gateway/bedrock:' (selects bedrock) + region qualifier 'us.' (bedrock)"
            " + id 'anthropic.claude-3-haiku-20240307-v1:0'",
            "provider:    bedrock (Amazon Bedrock)",
            "id:          anthropic.claude-3-haiku-20240307-v1:0",
        ], id="composed"),
        pytest.param("openai:gpt-4-0314", [
            "read as:     prefix 'openai:' (selects openai) + id 'gpt-4-0314'",
            "status:      retired as of 2026-12-06",
            "replacement: gpt-5",
            "rewrite:     openai:gpt-4-0314 -> openai:gpt-6.1-sol",
        ], id="colon-form"),
        pytest.param("ft:gpt-3.5-turbo-0613:acme::8abc", [
            "rewrite:     none: re-train the fine-tune on gpt-5.6-terra (no id replaces it)",
        ], id="fine-tune"),
    ],
)
def test_registry_show_reads_any_form(written: str, expected: list[str]) -> None:
    result = run_cli("registry", "show", written, "--as-of", AS_OF, "--offline")
    assert result.exit_code == 0
    for line in expected:
        assert line in result.stdout.splitlines()


def test_registry_show_plain_id_has_no_reading() -> None:
    result = run_cli("registry", "show", "gpt-4-0314", "--as-of", AS_OF, "--offline")
    assert "read as:" not in result.stdout and "rewrite:" not in result.stdout


@pytest.mark.parametrize("written", ["foo/command", "https://host/openai/deployments/gpt-4"])
def test_registry_show_near_miss_is_one_line_and_exit_1(written: str) -> None:
    result = run_cli("registry", "show", written, "--offline")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"modelguard: {written!r} is not in registry {BUNDLED_VERSION}"
