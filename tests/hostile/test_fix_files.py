"""`fix` as a busy developer's tree meets it: files too large or binary (skipped as `check`
skips them), files edited or deleted while it runs, hard links, other owners, read-only files,
killed runs and concurrent runs. An edited file is never overwritten, a deleted one never
recreated."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from modelguard import files as files_module
from modelguard.files import write_atomic
from modelguard.fix import files as fix_files
from tests.conftest import FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")
DEAD = 'client.chat.completions.create(model="gpt-4.5-preview")\n'
FIXED = 'client.chat.completions.create(model="gpt-4.1")\n'
ARGS = ("--registry", TEST_REGISTRY, "--as-of", "2025-08-01")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(DEAD)
    return tmp_path


@pytest.mark.parametrize("name, data, reason", [
    pytest.param("big.py", DEAD.encode() * 10, "larger than 100 bytes (560); see max-file-size",
                 id="over-max-file-size"),
    pytest.param("nul.py", DEAD.encode() + b"\0\n", "binary file", id="nul-byte"),
])
def test_fix_skips_what_check_skips_for_the_same_reason(
        project: Path, name: str, data: bytes, reason: str) -> None:
    (project / name).write_bytes(data)
    checked = run_cli("check", *ARGS, "--no-cache", "--max-file-size", "100", "--format",
                      "json", ".")
    fixed = run_cli("fix", *ARGS, "--max-file-size", "100", ".")
    assert json.loads(checked.stdout)["skipped"] == [{"path": name, "reason": reason}]
    assert f"{name}: skipped: {reason}" in fixed.output.splitlines()
    assert (project / name).read_bytes() == data
    assert (project / "app.py").read_text() == FIXED


def test_fix_reads_max_file_size_from_the_config(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.modelguard]\nmax-file-size = 100\n")
    (project / "big.py").write_text(DEAD * 10)
    result = run_cli("fix", *ARGS, ".")
    assert "big.py: skipped: larger than 100 bytes (560); see max-file-size" in result.output
    assert (project / "big.py").read_text() == DEAD * 10


def racing(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[Path], None]) -> None:
    """Run `meanwhile` on the file after its temp file is written, before the last check: an
    editor saving as `fix` reaches the file."""
    def write(path: Path, data: bytes | str,
              before_replace: Callable[[], None] | None = None) -> None:
        def late() -> None:
            meanwhile(path)
            if before_replace is not None:
                before_replace()
        write_atomic(path, data, before_replace=late)

    monkeypatch.setattr(fix_files, "write_atomic", write)


def append(path: Path) -> None:
    with path.open("a") as handle:
        handle.write("# saved by the editor\n")


def append_same_size_same_mtime(path: Path) -> None:
    before = path.stat()
    path.write_text(DEAD.replace("client", "CLIENT"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("meanwhile, expected, message", [
    pytest.param(append, DEAD + "# saved by the editor\n",
                 "changed on disk while it was rewritten; not rewritten (run again)",
                 id="appended"),
    pytest.param(append_same_size_same_mtime, DEAD.replace("client", "CLIENT"),
                 "changed on disk while it was rewritten; not rewritten (run again)",
                 id="same-size-and-mtime-other-bytes"),
    pytest.param(lambda path: path.unlink(), None, "deleted while it was rewritten; not recreated",
                 id="deleted"),
])
def test_an_edit_between_read_and_rename_is_kept(
        project: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[Path], None],
        expected: str | None, message: str) -> None:
    racing(monkeypatch, meanwhile)
    result = run_cli("fix", *ARGS, ".")
    assert result.exit_code == 2
    assert f"app.py: error: {message}" in result.output
    target = project / "app.py"
    assert (target.read_text() if target.exists() else None) == expected
    assert sorted(p.name for p in project.iterdir()) == ([] if expected is None else ["app.py"])


def test_a_hard_linked_file_is_not_split(project: Path) -> None:
    os.link(project / "app.py", project / "other-name.txt")
    result = run_cli("fix", *ARGS, "app.py")
    assert "app.py: error: has 2 hard links; rewriting would split them; not rewritten" \
        in result.output
    assert (project / "app.py").read_text() == DEAD
    assert os.path.samefile(project / "app.py", project / "other-name.txt")


def test_a_read_only_file_is_not_rewritten(project: Path) -> None:
    (project / "app.py").chmod(0o444)
    result = run_cli("fix", *ARGS, ".")
    assert "app.py: error: read-only file; not rewritten" in result.output
    assert (project / "app.py").read_text() == DEAD


def test_mode_owner_and_group_are_kept(project: Path) -> None:
    target = project / "app.py"
    target.chmod(0o640)
    owner = (1234, 5678) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    if os.geteuid() == 0:  # root rewriting a user's file: the file stays the user's
        os.chown(target, *owner)
    run_cli("fix", *ARGS, ".")
    status = target.stat()
    assert target.read_text() == FIXED
    assert (status.st_mode & 0o7777, status.st_uid, status.st_gid) == (0o640, *owner)


def test_an_interrupted_write_leaves_no_temp_file(project: Path) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(project / "app.py", FIXED, before_replace=interrupted)
    assert sorted(p.name for p in project.iterdir()) == ["app.py"]
    assert (project / "app.py").read_text() == DEAD


def test_sigterm_during_the_writes_leaves_no_temp_file(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    racing(monkeypatch, lambda path: os.kill(os.getpid(), signal.SIGTERM))
    result = run_cli("fix", *ARGS, ".")
    assert result.exit_code == 128 + signal.SIGTERM
    assert sorted(p.name for p in project.iterdir()) == ["app.py"]
    assert (project / "app.py").read_text() == DEAD
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("name, age, removed", [
    pytest.param(".app.py.modelguard-ab12_x9z.tmp", 3600, True, id="ours-stale"),
    pytest.param(".app.py.modelguard-ab12_x9z.tmp", 0, False, id="ours-young-may-be-running"),
    pytest.param(".app.py.ab12_x9z.tmp", 3600, False, id="not-distinctive"),
    pytest.param(".app.py.modelguard-ab12.tmp", 3600, False, id="wrong-random-part"),
    pytest.param("app.py.modelguard-ab12_x9z.tmp", 3600, False, id="not-hidden"),
])
def test_the_next_run_removes_stale_temp_files_of_its_own(
        project: Path, name: str, age: int, removed: bool) -> None:
    temp = project / name
    temp.write_text("half a file")
    then = time.time() - age
    os.utime(temp, (then, then))
    run_cli("fix", *ARGS, ".")
    assert temp.exists() is not removed
    assert (project / "app.py").read_text() == FIXED


def test_a_dry_run_removes_nothing(project: Path) -> None:
    temp = project / ".app.py.modelguard-ab12_x9z.tmp"
    temp.write_text("half a file")
    os.utime(temp, (0, 0))
    run_cli("fix", *ARGS, "--check", ".")
    assert temp.exists()


def test_concurrent_runs_rewrite_each_file_once_and_leave_nothing_behind(project: Path) -> None:
    for number in range(40):
        (project / f"f{number:02}.py").write_text(DEAD)
    command = [sys.executable, "-m", "modelguard", "fix", *ARGS, "."]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert b"Traceback" not in err
    assert all(p.read_text() == FIXED for p in project.glob("*.py"))
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]


def _no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _no_entry(*args: object, **kwargs: object) -> tuple[int, str]:
    raise PermissionError(errno.EACCES, "Permission denied")


@pytest.mark.parametrize("target, failing, message", [
    pytest.param(files_module.os, ("fsync", _no_space), "cannot write: No space left on device",
                 id="full-disk"),
    pytest.param(tempfile, ("mkstemp", _no_entry), "cannot write: Permission denied",
                 id="read-only-folder"),
])
def test_a_write_that_fails_keeps_the_file_and_leaves_no_temp(
        project: Path, monkeypatch: pytest.MonkeyPatch, target: object,
        failing: tuple[str, Callable[..., object]], message: str) -> None:
    # As root a read-only folder takes writes and no test may fill the disk: the calls fail as
    # the operating system would fail them.
    monkeypatch.setattr(target, *failing)
    result = run_cli("fix", *ARGS, ".")
    assert result.exit_code == 2
    assert f"app.py: error: {message}" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in project.iterdir()) == ["app.py"]
    assert (project / "app.py").read_text() == DEAD


@pytest.mark.parametrize("delay", [0.5, 1.0])
def test_a_killed_run_leaves_every_file_old_or_new_never_torn(project: Path, delay: float) -> None:
    # Files large enough that a write takes a while; the kill lands wherever it lands.
    body = DEAD + "# padding\n" * 1000
    for number in range(40):
        (project / f"f{number:02}.py").write_text(body)
    run = subprocess.Popen([sys.executable, "-m", "modelguard", "fix", *ARGS, "."], cwd=project,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    fixed = body.replace("gpt-4.5-preview", "gpt-4.1")
    for path in project.glob("f*.py"):
        assert path.read_text() in (body, fixed), path.name
    rerun = run_cli("fix", *ARGS, ".")
    assert rerun.exit_code in (0, 1)
    assert all(p.read_text() == fixed for p in project.glob("f*.py"))
