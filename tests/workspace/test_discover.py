"""Discovery outside git (the walk honours .gitignore files) and per-file skips."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from modelguard.engine.runner import scan_file
from modelguard.findings import Failed, Scanned, Skipped
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings, can_scan
from modelguard.workspace.discover import DiscoverOptions, discover
from modelguard.workspace.paths import PathSpec

TREE = [
    "app.py", "config.yaml", "notes.txt", "web/client.ts", "web/dist.min.js", "nb/demo.ipynb",
    "gen/out.py", "gen/keep.py", "logs/x.py", "sub/skip.py", "sub/keep.json", "node_modules/x.js",
    ".env", ".env.local",
]


def _found(root: Path, options: DiscoverOptions | None = None) -> list[str]:
    return [p.relative_to(root).as_posix() for p in discover([root], can_scan, options)]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "project"  # tmp_path is not inside a git work tree
    for name in TREE:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    return root


@pytest.mark.parametrize(
    ("gitignores", "expected_missing"),
    [
        pytest.param({}, set(), id="no-gitignore"),
        pytest.param({".gitignore": "*.min.js\n"}, {"web/dist.min.js"}, id="glob"),
        pytest.param({".gitignore": "gen/\n!gen/keep.py\n"}, {"gen/out.py", "gen/keep.py"}, id="dir-pattern-cannot-be-negated-inside"),
        pytest.param({".gitignore": "gen/*\n!gen/keep.py\n"}, {"gen/out.py"}, id="negation"),
        pytest.param({".gitignore": "/x.py\n"}, set(), id="anchored-does-not-match-deeper"),
        pytest.param({".gitignore": "x.py\n"}, {"logs/x.py"}, id="unanchored-matches-deeper"),
        pytest.param({"sub/.gitignore": "*.py\n"}, {"sub/skip.py"}, id="nested-gitignore"),
        pytest.param({"sub/.gitignore": "/app.py\n"}, set(), id="nested-anchored-is-relative-to-its-folder"),
        pytest.param({".gitignore": "*.json\n", "sub/.gitignore": "!keep.json\n"}, set(), id="nested-negation-overrides-parent"),
        pytest.param({".gitignore": ".env*\n"}, {".env", ".env.local"}, id="dotfiles"),
    ],
)
def test_walk_honours_gitignore(tree: Path, gitignores: dict[str, str], expected_missing: set[str]) -> None:
    for name, text in gitignores.items():
        (tree / name).write_text(text)
    scannable = {"app.py", "config.yaml", "web/client.ts", "web/dist.min.js", "nb/demo.ipynb",
                 "gen/out.py", "gen/keep.py", "logs/x.py", "sub/skip.py", "sub/keep.json",
                 ".env", ".env.local"}
    assert set(_found(tree)) == scannable - expected_missing


@pytest.mark.parametrize(
    ("exclude", "include", "expected"),
    [
        pytest.param(["gen/", "*.ts"], None, {"app.py", "config.yaml", "logs/x.py", "sub/skip.py"}, id="exclude"),
        pytest.param([], ["*.py"], {"app.py", "gen/out.py", "logs/x.py", "sub/skip.py"}, id="include-replaces-defaults-exclude-none"),
    ],
)
def test_exclude_and_include(tree: Path, exclude: list[str], include: list[str] | None, expected: set[str]) -> None:
    for name in ("gen/keep.py", "web/dist.min.js", "nb/demo.ipynb", "sub/keep.json", ".env", ".env.local"):
        (tree / name).unlink()
    options = DiscoverOptions(
        root=tree,
        exclude=PathSpec.from_lines(exclude),
        include=None if include is None else PathSpec.from_lines(include),
    )
    found = set(_found(tree, options)) - {"node_modules/x.js"}
    assert found == expected


def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text('M = "gpt-4-32k"\n')
    root = tmp_path / "root"
    root.mkdir()
    (root / "inside.py").write_text("x = 1\n")
    (root / "link.py").symlink_to(outside)
    (root / "same.py").symlink_to(root / "inside.py")
    (root / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    assert _found(root) == ["inside.py", "same.py"]


@pytest.mark.parametrize("listed_by_git", [pytest.param(False, id="walked"),
                                           pytest.param(True, id="listed-by-git")])
def test_what_a_folder_lists_is_checked_on_disk(tmp_path: Path, listed_by_git: bool) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text('M = "gpt-4-32k"\n')
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    for name in ("inside.py", "gone.py", "pkg/mod.py", "untracked.py"):
        (root / name).write_text("x = 1\n")
    (root / "link.py").symlink_to(outside)
    (root / "same.py").symlink_to(root / "inside.py")
    (root / "dirlink.py").symlink_to(root / "pkg", target_is_directory=True)
    (root / "broken.py").symlink_to(root / "nowhere.py")
    if listed_by_git:
        git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
        subprocess.run([*git, "init", "-q"], cwd=root, check=True)
        subprocess.run([*git, "add", "inside.py", "gone.py", "pkg", "link.py", "same.py",
                        "dirlink.py", "broken.py"], cwd=root, check=True)
        subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True)
    (root / "gone.py").unlink()  # tracked (when git lists), then deleted from the work tree
    assert _found(root) == ["inside.py", "pkg/mod.py", "same.py", "untracked.py"]


@pytest.mark.parametrize(
    ("name", "content", "limit", "expected"),
    [
        pytest.param("a.py", b'M = "gpt-4-32k"\n', 100, Scanned, id="small"),
        pytest.param("a.py", b"#" * 101, 100, Skipped, id="too-large"),
        pytest.param("a.ipynb", b'{"cells": []}' + b" " * 200, 100, Scanned, id="notebooks-get-more-room"),
        pytest.param("a.json", b'{"m": "gpt-4-32k"}\0\0', 100, Skipped, id="binary"),
    ],
)
def test_size_and_binary_skips(
    tmp_path: Path, index: ModelIndex, name: str, content: bytes, limit: int, expected: type
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = scan_file(path, index, ScanSettings(dt.date(2025, 8, 1), max_file_size=limit))
    assert type(result) is expected
    if isinstance(result, Skipped):
        assert result.reason in ("binary file", f"larger than {limit} bytes ({len(content)}); see max-file-size")


def test_unreadable_file_is_a_per_file_error(tmp_path: Path, index: ModelIndex) -> None:
    path = tmp_path / "secret.py"
    path.write_text("x = 1\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        result = scan_file(path, index, ScanSettings(dt.date(2025, 8, 1)))
        assert isinstance(result, Failed)
        assert result.message.startswith("cannot read: ")
    finally:
        path.chmod(0o644)
