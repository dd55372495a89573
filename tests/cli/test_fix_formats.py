"""`modelguard fix` through the command line on the formats fixture project (one file per
format): what changes, that it still parses, that a second run changes nothing, and the
file-level guard rails for text files and notebooks."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.api import Selection
from modelguard.fix.files import write_fix
from modelguard.fix.run import fix_paths
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES, REPO, run_cli, snapshot
from tests.fix.test_text import parses

TEST_REGISTRY = str(FIXTURES / "registry")
SOURCE = FIXTURES / "projects" / "formats"

# Lines each file has after `fix` (safe fixes only); every other line is unchanged.
SAFE_FIXED: dict[str, dict[int, str]] = {
    ".env": {1: "OPENAI_MODEL=gpt-4o"},
    "app.toml": {2: 'default_model = "gpt-4o"  # pinned'},
    "client.ts": {
        5: 'export async function ask(prompt: string, model: string = "gpt-4.1") {',
        7: '  return client.chat.completions.create({ model: "gpt-4o", messages: [] });',
    },
    "config.yaml": {3: "  model: gpt-4o"},
    "cookbook.ipynb": {
        42: '    "    model=\\"gpt-4.1\\",\\n",',
        64: '   "source": "%%time\\nfallback = \'gpt-3.5-turbo-instruct\'"',
    },
    "settings.json": {2: '  "model": "gpt-4.1",'},
    "setup.cfg": {2: "engine = gpt-3.5-turbo-instruct"},
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "formats"
    shutil.copytree(SOURCE, root)
    (root / "broken.ipynb").unlink()
    monkeypatch.chdir(root)
    return root


def fix(*args: str) -> Result:
    return run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", *args)


def _still_parses(name: str, data: bytes) -> None:
    if name.endswith(".ipynb"):
        json.loads(data)
    else:
        parses(name, data)


def test_safe_fixes_change_only_the_planned_lines(project: Path) -> None:
    before = snapshot(project)
    result = fix(".")
    assert result.exit_code == 1, result.stderr  # unsafe findings remain
    after = snapshot(project)
    assert {name for name in before if before[name] != after[name]} == set(SAFE_FIXED)
    for name, lines in SAFE_FIXED.items():
        expected = before[name].decode().split("\n")
        for number, text in lines.items():
            expected[number - 1] = text
        assert after[name].decode().split("\n") == expected, name
        _still_parses(name, after[name])
    assert sorted(line.removeprefix("Rewriting ") for line in result.stderr.splitlines()
                  if line.startswith("Rewriting ")) == sorted(SAFE_FIXED)
    assert "NOTES.md" not in result.stderr  # Markdown holds mentions only: not a fix target


@pytest.mark.parametrize("args", [
    pytest.param([], id="safe"),
    pytest.param(["--unsafe-fixes"], id="unsafe"),
])
def test_fix_twice_equals_fix_once(project: Path, args: list[str]) -> None:
    fix(*args, ".")
    once = snapshot(project)
    for name, data in once.items():
        _still_parses(name, data)
    second = fix(*args, ".")
    assert "Rewriting" not in second.stderr
    assert snapshot(project) == once


def test_unsafe_fixes_leave_no_failing_finding(project: Path) -> None:
    result = fix("--unsafe-fixes", ".")
    assert result.exit_code == 1  # files were rewritten
    assert fix("--unsafe-fixes", ".").exit_code == 0


def test_diff_shows_notebook_and_text_changes_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = fix("--diff", ".")
    assert result.exit_code == 1
    assert snapshot(project) == before
    lines = result.stdout.splitlines()
    assert "+++ b/cookbook.ipynb" in lines
    assert '+    "    model=\\"gpt-4.1\\",\\n",' in lines
    assert "+  model: gpt-4o" in lines


def test_invalid_notebook_is_an_error_and_the_rest_is_fixed(project: Path) -> None:
    shutil.copy(SOURCE / "broken.ipynb", project / "broken.ipynb")
    result = fix(".")
    assert result.exit_code == 2
    assert "broken.ipynb: error: invalid notebook JSON" in result.stderr
    assert (project / "settings.json").read_bytes() != (SOURCE / "settings.json").read_bytes()


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
@pytest.mark.parametrize("name", [pytest.param("settings.json", id="json"),
                                  pytest.param("cookbook.ipynb", id="notebook")])
def test_permission_bits_survive(project: Path, name: str) -> None:
    (project / name).chmod(0o640)
    assert fix(".").exit_code == 1
    assert stat.S_IMODE((project / name).stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
@pytest.mark.parametrize("name", [pytest.param("config.yaml", id="yaml"),
                                  pytest.param("cookbook.ipynb", id="notebook")])
def test_read_only_file_is_reported_and_left_alone(project: Path, name: str) -> None:
    (project / name).chmod(0o444)
    result = fix(".")
    assert result.exit_code == 2
    assert f"{name}: error: read-only file; not rewritten" in result.stderr
    assert (project / name).read_bytes() == (SOURCE / name).read_bytes()


@pytest.mark.parametrize("name", [pytest.param(".env", id="env"),
                                  pytest.param("cookbook.ipynb", id="notebook")])
def test_file_changed_since_read_is_not_overwritten(project: Path, index: ModelIndex,
                                                    name: str) -> None:
    run = fix_paths([Path(name)], index, ScanSettings(AFTER), Selection())
    (planned,) = run.changed
    (project / name).write_bytes(b"# edited meanwhile\n")
    failure = write_fix(planned)
    assert failure is not None and failure.message.startswith("changed on disk since it was read")
    assert (project / name).read_bytes() == b"# edited meanwhile\n"



def test_pre_commit_fix_hook_is_given_the_formats_fix_rewrites() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    types = set(hooks["modelguard-fix"]["types_or"])
    assert {"python", "pyi", "jupyter", "yaml", "json", "toml", "ini", "dotenv", "javascript",
            "ts", "tsx", "jsx"} == types
    assert "markdown" in hooks["modelguard"]["types_or"]  # check reads prose; fix never edits it
