"""Which repository and commit a scan belongs to, read from `.git` files without git."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from modelguard.workspace.gitinfo import Repository, remote_name, repository_of
from tests.conftest import FIXTURES, run_cli

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"
ORIGIN = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@github.com:up/stream.git\n' \
         '[remote "origin"]\n\turl = https://github.com/acme/shop.git\n'


@pytest.mark.parametrize(("url", "expected"), [
    pytest.param("https://github.com/acme/shop.git", "acme/shop", id="https"),
    pytest.param("https://github.com/acme/shop", "acme/shop", id="https-no-suffix"),
    pytest.param("git@github.com:acme/shop.git", "acme/shop", id="scp-like"),
    pytest.param("ssh://git@host:2222/acme/shop", "acme/shop", id="ssh-with-port"),
    pytest.param("https://gitlab.com/group/sub/shop/", "group/sub/shop", id="gitlab-subgroup"),
    pytest.param("https://x-access-token:secret@github.com/acme/shop.git", "acme/shop",
                 id="credentials-never-kept"),
    pytest.param("/srv/git/shop.git", None, id="local-path"),
    pytest.param("file:///srv/git/shop.git", None, id="file-url"),
    pytest.param("shop", None, id="bare-word"),
])
def test_remote_name(url: str, expected: str | None) -> None:
    assert remote_name(url) == expected


def _git(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / ".git" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / ".git" / name).write_text(text)
    (root / "src").mkdir(exist_ok=True)
    return root / "src"


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"HEAD": SHA + "\n", "config": ORIGIN}, Repository("acme/shop", SHA),
                 id="detached-head"),
    pytest.param({"HEAD": "ref: refs/heads/main\n", "refs/heads/main": SHA + "\n"},
                 Repository(None, SHA), id="loose-branch-no-origin"),
    pytest.param({"HEAD": "ref: refs/heads/main\n",
                  "packed-refs": f"# pack-refs with: peeled\n{OTHER} refs/heads/dev\n"
                                 f"{SHA} refs/heads/main\n"},
                 Repository(None, SHA), id="packed-branch"),
    pytest.param({"HEAD": "ref: refs/heads/unborn\n", "config": ORIGIN},
                 Repository("acme/shop", None), id="unborn-branch"),
    pytest.param({"HEAD": "garbage", "config": "[remote \"origin\"\n"}, Repository(),
                 id="unreadable"),
])
def test_repository_of_a_checkout(tmp_path: Path, files: dict[str, str],
                                  expected: Repository) -> None:
    assert repository_of(_git(tmp_path, files)) == expected


def test_a_worktree_reads_refs_and_remote_from_the_common_dir(tmp_path: Path) -> None:
    _git(tmp_path / "main", {"HEAD": "ref: refs/heads/main\n", "config": ORIGIN,
                             "refs/heads/feature": SHA + "\n",
                             "worktrees/wt/HEAD": "ref: refs/heads/feature\n",
                             "worktrees/wt/commondir": "../..\n"})
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text(f"gitdir: {tmp_path}/main/.git/worktrees/wt\n")
    assert repository_of(tmp_path / "wt") == Repository("acme/shop", SHA)


def test_outside_git_nothing_is_known(tmp_path: Path) -> None:
    assert repository_of(tmp_path / "missing" / "file.py") == Repository()


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param((), {"name": "acme/shop", "commit": SHA}, id="from-git"),
    pytest.param(("--repo-name", "platform/shop"), {"name": "platform/shop", "commit": SHA},
                 id="named"),
])
def test_the_json_report_names_repository_and_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    expected: dict[str, str],
) -> None:
    _git(tmp_path, {"HEAD": SHA + "\n", "config": ORIGIN})
    shutil.copytree(FIXTURES / "projects" / "mixed", tmp_path / "src", dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "src", "--registry", str(FIXTURES / "registry"),
                     "--as-of", "2025-08-01", "--format", "json", "--fail-on", "never", *args)
    document = json.loads(result.stdout)
    assert (document["schema_version"], document["repository"]) == (2, expected)
