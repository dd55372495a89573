"""Symlink loops and links out of the scanned folder: never followed out, never looped on,
never a traceback; inside a git work tree (git lists links as files) and outside one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

DEAD = 'client.create(model="gpt-4.5-preview")\n'
FIXED = 'client.create(model="gpt-4.1")\n'
ARGS = ("--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01", "--isolated")


@pytest.fixture(params=[False, True], ids=["walked", "listed-by-git"])
def tangled(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """A project whose links loop or lead out, and the file outside they point at."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(DEAD)
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "app.py").write_text(DEAD)
    (root / "self.py").symlink_to("self.py")  # a link to itself
    (root / "ping.py").symlink_to("pong.py")  # two links pointing at each other
    (root / "pong.py").symlink_to("ping.py")
    (root / "pkg" / "up").symlink_to("..", target_is_directory=True)  # a folder loop
    (root / "escape.py").symlink_to(outside / "secret.py")  # a file outside
    (root / "away").symlink_to(outside, target_is_directory=True)  # a folder outside
    (root / "broken.py").symlink_to(root / "nowhere.py")
    if request.param:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root, outside / "secret.py"


def test_check_scans_the_project_once_and_nothing_outside(tangled: tuple[Path, Path]) -> None:
    root, _ = tangled
    result = run_cli("check", str(root), *ARGS, "--no-cache", "--format", "json")
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert sorted({f["path"] for f in report["findings"]}) == [str(root / "pkg" / "app.py")]
    assert result.exit_code == 1


def test_fix_rewrites_the_project_and_leaves_outside_alone(tangled: tuple[Path, Path]) -> None:
    root, secret = tangled
    result = run_cli("fix", str(root), *ARGS)
    assert "Traceback" not in result.stderr
    assert (root / "pkg" / "app.py").read_text() == FIXED
    assert secret.read_text() == DEAD
    assert (root / "escape.py").is_symlink() and (root / "self.py").is_symlink()
    assert f"{root / 'escape.py'}: skipped: symlink to {secret}, outside the scanned folder" in (
        result.stderr)
