"""Configuration files: found by walking up, validated, overridden by the command line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from modelguard.workspace.config import Config, build_config, locate_config, validate_config
from tests.conftest import FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")


def run(*args: str) -> Result:
    return run_cli(*args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """app.py (MG001 gpt-4-32k, safe), legacy/old.py (MG001), sub/deep/x.py (MG001 text-davinci-003)."""
    root = tmp_path / "project"
    for name, text in {
        "app.py": 'MODEL = "gpt-4-32k"\n',
        "legacy/old.py": 'MODEL = "gpt-4-32k"\n',
        "sub/deep/x.py": 'MODEL = "text-davinci-003"\n',
        "private.py": 'MODEL = "acme-chat-1"\n',
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return root


def _write_config(root: Path, body: str, name: str = "pyproject.toml") -> None:
    header = "[tool.modelguard]\n" if name == "pyproject.toml" else ""
    (root / name).write_text(header + textwrap.dedent(body))


def check(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("check", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", "--format", "json", *args)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def _paths(report: dict[str, Any]) -> list[str]:
    return sorted(f["path"] for f in report["findings"])


ALL = ["project/app.py", "project/legacy/old.py", "project/sub/deep/x.py"]


@pytest.mark.parametrize(
    ("config", "args", "expected_code", "expected_paths"),
    [
        pytest.param("", [], 1, ALL, id="empty-table"),
        pytest.param('fail-on = "never"\n', [], 0, ALL, id="fail-on"),
        pytest.param('fail-on = "never"\n', ["--fail-on", "retired"], 1, ALL, id="cli-overrides-fail-on"),
        pytest.param('extend-exclude = ["legacy/"]\n', [], 1, ["project/app.py", "project/sub/deep/x.py"], id="extend-exclude"),
        pytest.param("", ["--extend-exclude", "sub/"], 1, ["project/app.py", "project/legacy/old.py"], id="cli-extend-exclude"),
        pytest.param('exclude = ["app.py"]\n', [], 1, ["project/legacy/old.py", "project/sub/deep/x.py"], id="exclude"),
        pytest.param('include = ["sub/**"]\n', [], 1, ["project/sub/deep/x.py"], id="include"),
        pytest.param('[tool.modelguard.per-file-ignores]\n"legacy/*" = ["MG001"]\n"x.py" = ["ALL"]\n', [], 1, ["project/app.py"], id="per-file-ignores"),
        pytest.param('ignore-models = ["GPT-4-32K"]\n', [], 1, ["project/sub/deep/x.py"], id="ignore-models"),
        pytest.param('ignore = ["MG001"]\n', [], 0, [], id="ignore"),
        pytest.param('ignore = ["MG001"]\n', ["--ignore", "MG004"], 1, ALL, id="cli-ignore-replaces-file"),
        # Azure retires gpt-4-32k later (deprecated on 2025-08-01) and has no text-davinci-003.
        pytest.param('providers = ["azure-openai"]\n', [], 0, ["project/app.py", "project/legacy/old.py"], id="providers"),
    ],
)
def test_settings(project: Path, config: str, args: list[str], expected_code: int, expected_paths: list[str]) -> None:
    _write_config(project, config)
    code, report = check("project", *args)
    assert (code, _paths(report)) == (expected_code, expected_paths)


def test_found_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(project, '[tool.modelguard.per-file-ignores]\n"sub/deep/*.py" = ["MG001"]\n')
    monkeypatch.chdir(project / "sub")
    code, report = check("deep")
    assert (code, report["findings"]) == (0, [])
    assert locate_config(project / "sub" / "deep" / "x.py") == project / "pyproject.toml"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"pyproject.toml": "[tool.modelguard]\n"}, "pyproject.toml", id="pyproject"),
        pytest.param({"modelguard.toml": ""}, "modelguard.toml", id="modelguard-toml"),
        pytest.param({"pyproject.toml": "[tool.modelguard]\n", "modelguard.toml": ""}, "modelguard.toml", id="modelguard-toml-wins"),
        pytest.param({"pyproject.toml": "[tool.ruff]\n"}, None, id="pyproject-without-table-passed-over"),
        pytest.param({"pyproject.toml": "[tool.modelguard]\n", "sub/pyproject.toml": "[project]\n"}, "pyproject.toml", id="walks-past-foreign-pyproject"),
        pytest.param({"pyproject.toml": "[tool.modelguard]\n", "sub/modelguard.toml": ""}, "sub/modelguard.toml", id="nearest-wins"),
    ],
)
def test_locate_config(tmp_path: Path, files: dict[str, str], expected: str | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "sub" / "deep").mkdir(parents=True, exist_ok=True)
    found = locate_config(tmp_path / "sub" / "deep")
    assert found == (None if expected is None else tmp_path / expected)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param('fial-on = "any"\n', "[tool.modelguard]: unknown key 'fial-on'", id="unknown-key"),
        pytest.param('warn-within-days = "soon"\n', "warn-within-days: expected an integer >= 0, got 'soon'", id="wrong-type"),
        pytest.param("warn-within-days = -1\n", "warn-within-days: expected an integer >= 0, got -1", id="negative"),
        pytest.param("max-file-size = true\n", "max-file-size: expected an integer >= 1, got True", id="bool-is-not-int"),
        pytest.param('fail-on = "sometimes"\n', "fail-on: expected one of retired, deprecated, any, never", id="bad-choice"),
        pytest.param('select = "MG001"\n', "select: expected a list of strings, got 'MG001'", id="string-not-list"),
        pytest.param('ignore = ["MG999"]\n', "ignore: unknown rule 'MG999'", id="unknown-rule"),
        pytest.param('[tool.modelguard.per-file-ignores]\n"a.py" = "MG001"\n', "per-file-ignores: 'a.py': expected a list of rule codes", id="per-file-not-list"),
        pytest.param('extra-registries = ["missing.toml"]\n', "extra-registries: no such file:", id="missing-extra-registry"),
        pytest.param('providers = ["nobody"]\n', "unknown provider 'nobody'", id="unknown-provider"),
    ],
)
def test_bad_configuration_exits_2_naming_the_key(project: Path, config: str, message: str) -> None:
    _write_config(project, config)
    result = run("check", "--registry", TEST_REGISTRY, "project")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_invalid_toml_in_modelguard_toml(project: Path) -> None:
    _write_config(project, "fail-on = [\n", name="modelguard.toml")
    result = run("check", "--registry", TEST_REGISTRY, "project")
    assert result.exit_code == 2
    assert "modelguard.toml: invalid TOML" in result.stderr


def test_extra_registry_adds_a_model(project: Path) -> None:
    (project / "private").mkdir()
    (project / "private" / "acme.toml").write_text(textwrap.dedent("""\
        provider = "acme"
        name = "ACME internal"

        [[models]]
        id = "acme-chat-1"
        announced = 2024-01-01
        shutdown = 2024-06-01
        replacement = "acme-chat-2"
        source = "https://wiki.example.com/models"

        [[models]]
        id = "acme-chat-2"
        """))
    code, report = check("project/private.py")
    assert (code, report["findings"]) == (0, [])
    _write_config(project, 'extra-registries = ["private/acme.toml"]\n')
    code, report = check("project/private.py")
    assert code == 1
    assert [(f["model"], f["provider"], f["replacement"]) for f in report["findings"]] == [
        ("acme-chat-1", "acme", "acme-chat-2")
    ]


def test_max_file_size_skips_with_a_note(project: Path) -> None:
    _write_config(project, "max-file-size = 10\n")
    code, report = check("project")
    assert code == 0
    assert [s["path"] for s in report["skipped"]] == [
        "project/app.py", "project/legacy/old.py", "project/private.py", "project/pyproject.toml",
        "project/sub/deep/x.py",
    ]
    assert all(s["reason"].startswith("larger than 10 bytes") for s in report["skipped"])


def test_config_command_prints_the_resolved_configuration(project: Path) -> None:
    _write_config(project, 'fail-on = "any"\nwarn-within-days = 30\n', name="modelguard.toml")
    result = run("config", "project", "--warn-within", "7", "--format", "json")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    assert (table["source"], table["fail-on"], table["warn-within-days"]) == (
        str((project / "modelguard.toml").absolute()), "any", 7
    )
    toml_text = run("config", "project").stdout
    assert 'fail-on = "any"\nwarn-within-days = 30\n' in toml_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param({}, [], id="empty"),
        pytest.param({"select": ["mg001"], "per-file-ignores": {"t/*": ["all"]}}, [], id="codes-case-insensitive"),
        pytest.param({"a": 1, "b": 2}, ["config: unknown key 'a'", "config: unknown key 'b'"], id="every-unknown-key"),
    ],
)
def test_validate_config(raw: dict[str, Any], expected: list[str]) -> None:
    assert [p.split(" (known")[0] for p in validate_config(raw)] == expected


def test_build_config_normalises(tmp_path: Path) -> None:
    config = build_config(
        {"select": ["mg001"], "extra-registries": ["r/a.toml"], "per-file-ignores": {"t/*": ["mg004"]}},
        tmp_path / "modelguard.toml",
    )
    assert config.select == ("MG001",)
    assert config.extra_registries == (tmp_path / "r" / "a.toml",)
    assert config.per_file_ignores == (("t/*", ("MG004",)),)
    assert config.root == tmp_path
    assert Config().root is None
