"""Folders that cannot be listed: an error entry naming the folder (its files are unknown), the
run goes on, and `check` and `fix` exit 2 as for an unreadable file. Tests run as root, where
chmod 000 does not stop a listing: the refusal is the one the operating system would give."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from modelguard.api import check_paths
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from modelguard.workspace import discover
from tests.conftest import AFTER, run_cli

MESSAGE = "cannot read folder: Permission denied; its files were not scanned"


def _project(tmp_path: Path) -> Path:
    for folder in ("locked", "open"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.py").write_text('MODEL = "gpt-4.5-preview"\n')
    return tmp_path


def _refuse(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = os.scandir

    def scandir(path: Any) -> Any:
        if os.path.basename(os.fspath(path)) == name:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(discover.os, "scandir", scandir)


def test_an_unreadable_folder_is_an_error_entry(
    tmp_path: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    _refuse(monkeypatch, "locked")
    report = check_paths([root], index, ScanSettings(AFTER), jobs=1)
    assert [(e.path, e.message) for e in report.errors] == [(str(root / "locked"), MESSAGE)]
    assert report.files_scanned == 1
    assert report.exit_code == 2


def test_an_unreadable_named_folder_is_an_error_not_an_empty_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    _refuse(monkeypatch, "locked")
    result = run_cli("check", str(root / "locked"), "--isolated", "--no-cache")
    assert result.exit_code == 2
    assert f"{root / 'locked'}: error: {MESSAGE}" in result.output + result.stderr
    assert "no files to scan" not in result.stderr


@pytest.mark.parametrize(("command", "extra"), [
    pytest.param("check", ("--no-cache",), id="check"),
    pytest.param("fix", ("--check",), id="fix"),
])
def test_check_and_fix_exit_2_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, extra: tuple[str, ...]
) -> None:
    root = _project(tmp_path)
    _refuse(monkeypatch, "locked")
    result = run_cli(command, str(root), "--isolated", "--as-of", "2025-08-01", *extra)
    assert result.exit_code == 2
    assert f"{root / 'locked'}: error: {MESSAGE}" in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_folder_git_could_not_list_is_an_error_entry(
    tmp_path: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git lists what it can and warns about the rest (dir.c, "could not open directory").
    root = _project(tmp_path)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    real = subprocess.run

    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        done = real(command, **kwargs)
        if command[:2] == ["git", "ls-files"]:
            listed = [n for n in done.stdout.split(b"\0") if n and not n.startswith(b"locked/")]
            return subprocess.CompletedProcess(
                command, 0, b"\0".join(listed) + b"\0",
                b"warning: could not open directory 'locked/': Permission denied\n")
        return done

    monkeypatch.setattr(discover.subprocess, "run", run)
    report = check_paths([root], index, ScanSettings(AFTER), jobs=1)
    assert [(e.path, e.message) for e in report.errors] == [(str(root / "locked"), MESSAGE)]
    assert report.files_scanned == 1
