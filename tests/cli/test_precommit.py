"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo`.

The project's working tree (pyproject.toml, README.md, the package, the registry and the hook
file, uncommitted edits included) is copied into a fresh git repository, so the test exercises
exactly what is on disk. try-repo builds the hook environment from it with pip (from the package
index: the one test that needs one) in a fresh store every call, so both hooks run in ONE call:
one environment build (about 20 s). Deselect with `-m "not precommit"`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [
    pytest.mark.precommit,
    pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                       reason="pre-commit is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

PROJECT_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "modelguard", "registry")
BAD = (
    "from openai import OpenAI\n"
    "\n"
    "client = OpenAI()\n"
    'reply = client.chat.completions.create(model="gpt-4.5-preview", messages=[])\n'
)
FIXED = BAD.replace('"gpt-4.5-preview"', '"gpt-4.1"')


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=modelguard tests", "-c", "user.email=tests@invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True)


def hook_sections(output: str) -> dict[str, str]:
    """pre-commit's report split per hook: `- hook id: X` starts X's section."""
    parts = re.split(r"^- hook id: (\S+)$", output, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.fixture(scope="module")
def try_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Both hooks over a repository holding one file that names a retired model."""
    hooks_repo = tmp_path_factory.mktemp("hooks-repo")
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, hooks_repo / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, hooks_repo / name)
    git(hooks_repo, "init", "-q")
    git(hooks_repo, "add", "-A")
    git(hooks_repo, "commit", "-q", "-m", "modelguard under test")

    user_repo = tmp_path_factory.mktemp("user-repo")
    git(user_repo, "init", "-q")
    (user_repo / "app.py").write_text(BAD, encoding="utf-8")
    git(user_repo, "add", "app.py")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "--all-files",
         "--color", "never"],
        cwd=user_repo, env=env, capture_output=True, text=True, timeout=600,
    )
    return result, user_repo / "app.py"


def test_both_hooks_fail_on_a_retired_model(
    try_repo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = try_repo
    assert result.returncode == 1, result.stdout + result.stderr
    sections = hook_sections(result.stdout)
    assert list(sections) == ["modelguard", "modelguard-fix"], result.stdout


def test_check_hook_reports_the_finding_and_leaves_the_file(
    try_repo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = try_repo
    check = hook_sections(result.stdout)["modelguard"]
    assert "- exit code: 1" in check
    assert "files were modified" not in check
    assert re.search(r"app\.py:4:\d+ MG001 `gpt-4\.5-preview`", check), check


def test_fix_hook_rewrites_the_file_and_fails(
    try_repo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, app = try_repo
    fix = hook_sections(result.stdout)["modelguard-fix"]
    assert "- exit code: 1" in fix  # pre-commit convention: a hook that rewrote files fails
    assert "- files were modified by this hook" in fix
    assert "Rewriting app.py" in fix
    assert app.read_text(encoding="utf-8") == FIXED
