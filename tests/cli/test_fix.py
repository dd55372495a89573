"""`modelguard fix` end to end on a copied fixture project, and the file-level guard rails."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from modelguard.api import Selection
from modelguard.engine.cache import default_cache_dir
from modelguard.findings import Failed
from modelguard.fix.files import FileFix, write_fix
from modelguard.fix.run import fix_paths
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES, REPO, run_cli, snapshot

TEST_REGISTRY = str(FIXTURES / "registry")
APP = "pkg/app.py"
APP_FIXED = (
    'from openai import OpenAI\n\nclient = OpenAI()\n'
    'reply = client.chat.completions.create(model="gpt-4.1", messages=[])\n'
    'legacy = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi")\n'
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    (root / "pkg" / "broken.py").unlink()
    monkeypatch.chdir(root)
    return root


def fix(*args: str) -> Result:
    return run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", *args)


def test_fix_rewrites_then_settles(project: Path) -> None:
    before = snapshot(project)
    first = fix(".")
    assert first.exit_code == 1, first.stderr
    assert first.stderr.splitlines()[0] == f"Rewriting {APP}"
    assert (project / APP).read_text() == APP_FIXED
    after = snapshot(project)
    assert {k for k in before if before[k] != after[k]} == {APP}
    second = fix(".")
    assert second.exit_code == 0, second.stderr
    assert "Rewriting" not in second.stderr
    assert snapshot(project) == after


def test_diff_writes_nothing_and_exits_1(project: Path) -> None:
    before = snapshot(project)
    result = fix("--diff", ".")
    assert result.exit_code == 1
    assert snapshot(project) == before
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"--- a/{APP}", f"+++ b/{APP}"]
    assert '-reply = client.chat.completions.create(model="gpt-4.5-preview", messages=[])' in lines
    assert '+reply = client.chat.completions.create(model="gpt-4.1", messages=[])' in lines


def test_diff_marks_a_missing_final_newline(project: Path) -> None:
    (project / APP).write_bytes(b'MODEL = "gpt-4-32k"\r\nOTHER = "gpt-4-32k"')
    result = fix("--diff", ".")
    assert result.stdout_bytes.decode().split("\n")[2:] == [  # .stdout folds CRLF
        "@@ -1,2 +1,2 @@",
        '-MODEL = "gpt-4-32k"\r',
        '-OTHER = "gpt-4-32k"',
        "\\ No newline at end of file",
        '+MODEL = "gpt-4o"\r',
        '+OTHER = "gpt-4o"',
        "\\ No newline at end of file",
        "",
    ]


def test_check_names_files_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = fix("--check", ".")
    assert result.exit_code == 1
    assert result.stdout == f"Would rewrite {APP}\n"
    assert snapshot(project) == before


def test_nothing_to_fix_exits_0(project: Path) -> None:
    result = fix("pkg/clean.py")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_failing_findings_left_unfixed_exit_1(project: Path) -> None:
    (project / APP).write_text('PRICES = {"text-davinci-003": 1}\n')
    result = fix(".")
    assert result.exit_code == 1
    assert (project / APP).read_text() == 'PRICES = {"text-davinci-003": 1}\n'
    assert "rerun with --unsafe-fixes" in result.stderr
    assert f"{APP}:1:11 MG001" in result.stderr
    assert fix("--fail-on", "never", ".").exit_code == 0
    assert fix("--unsafe-fixes", ".").exit_code == 1
    assert (project / APP).read_text() == 'PRICES = {"gpt-3.5-turbo-instruct": 1}\n'


def test_select_limits_what_is_fixed(project: Path) -> None:
    result = fix("--as-of", "2025-05-01", "--select", "MG001", ".")
    assert result.exit_code == 1
    text = (project / APP).read_text()
    assert 'model="gpt-3.5-turbo-instruct"' in text
    assert 'model="gpt-4.5-preview"' in text


def test_unparsable_file_is_an_error_and_the_rest_is_fixed(project: Path) -> None:
    (project / "pkg" / "broken.py").write_text('def (:\n    M = "gpt-4-32k"\n')
    result = fix(".")
    assert result.exit_code == 2
    assert "pkg/broken.py: error: syntax error at line" in result.stderr
    assert (project / APP).read_text() == APP_FIXED


def test_missing_path_is_one_line_and_exit_2(project: Path) -> None:
    result = fix("nope")
    assert result.exit_code == 2
    assert result.stderr == "modelguard: error: nope: no such file or directory\n"


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_read_only_file_is_reported_and_others_are_written(project: Path) -> None:
    other = project / "pkg" / "other.py"
    other.write_text('MODEL = "gpt-4-32k"\n')
    (project / APP).chmod(0o444)
    result = fix(".")
    assert result.exit_code == 2
    assert f"{APP}: error: read-only file; not rewritten" in result.stderr
    assert 'model="gpt-4.5-preview"' in (project / APP).read_text()
    assert other.read_text() == 'MODEL = "gpt-4o"\n'


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_permission_bits_survive(project: Path) -> None:
    (project / APP).chmod(0o750)
    assert fix(".").exit_code == 1
    assert stat.S_IMODE((project / APP).stat().st_mode) == 0o750


def test_symlink_outside_the_root_is_skipped_with_a_message(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text('MODEL = "gpt-4-32k"\n')
    (project / "pkg" / "link.py").symlink_to(outside)
    result = fix(".")
    assert result.exit_code == 1
    assert "pkg/link.py: skipped: symlink to" in result.stderr
    assert outside.read_text() == 'MODEL = "gpt-4-32k"\n'
    assert (project / APP).read_text() == APP_FIXED


def test_symlink_inside_the_root_writes_the_target_once(project: Path) -> None:
    (project / "pkg" / "alias.py").symlink_to(project / APP)
    result = fix(".")
    assert result.exit_code == 1
    assert (project / "pkg" / "alias.py").is_symlink()
    assert (project / APP).read_text() == APP_FIXED
    assert result.stderr.count("Rewriting") == 1


# Between planning and writing ---------------------------------------------------------------------

def _planned(project: Path, index: ModelIndex) -> FileFix:
    run = fix_paths([Path(".")], index, ScanSettings(AFTER), Selection())
    (planned,) = run.changed
    return planned


def _count_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths scanned from now on, by the engine or by `fix` itself, one entry a scan."""
    from modelguard.engine import runner
    from modelguard.fix import run as fix_run

    scanned: list[str] = []

    def engine_scan(path: str, *args: Any) -> Any:
        scanned.append(os.path.relpath(path))
        return runner_scan(path, *args)

    def fix_scan(path: str, *args: Any) -> Any:
        scanned.append(path)
        return fix_scan_source(path, *args)

    runner_scan, fix_scan_source = runner.scan_groups, fix_run.scan_source
    monkeypatch.setattr(runner, "scan_groups", engine_scan)
    monkeypatch.setattr(fix_run, "scan_source", fix_scan)
    return scanned


@pytest.mark.parametrize("cached", [False, True], ids=["no cache", "cache filled by check"])
def test_each_file_is_scanned_once_to_be_rewritten(
    project: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    if cached:
        assert run_cli("check", "--registry", TEST_REGISTRY, "--exit-zero", ".").exit_code == 0
    scanned = _count_scans(monkeypatch)
    run = fix_paths([Path(".")], index, ScanSettings(AFTER), Selection(),
                    cache_dir=default_cache_dir() if cached else None)
    assert [f.shown for f in run.changed] == [APP]
    assert [name for name in scanned if scanned.count(name) > 1] == []
    if not cached:  # from the cache, the entry of the file's digest may spare even that scan
        assert scanned.count(APP) == 1


def test_file_changed_since_read_is_not_overwritten(project: Path, index: ModelIndex) -> None:
    planned = _planned(project, index)
    (project / APP).write_text("# edited meanwhile\n")
    failure = write_fix(planned)
    assert failure == Failed(APP, "changed on disk since it was read; not rewritten (run again)")
    assert (project / APP).read_text() == "# edited meanwhile\n"


def test_file_that_vanished_is_reported(project: Path, index: ModelIndex) -> None:
    planned = _planned(project, index)
    (project / APP).unlink()
    assert write_fix(planned) == Failed(APP, "vanished before it could be rewritten")
    assert not (project / APP).exists()


def test_unchanged_file_is_never_written(project: Path, index: ModelIndex) -> None:
    run = fix_paths([Path("pkg/clean.py")], index, ScanSettings(AFTER), Selection())
    (clean,) = run.files
    os.utime(project / "pkg" / "clean.py", ns=(0, 0))
    assert write_fix(clean) is None
    assert (project / "pkg" / "clean.py").stat().st_mtime_ns == 0


def test_written_file_is_replaced_atomically(project: Path, index: ModelIndex) -> None:
    planned = _planned(project, index)
    inode = (project / APP).stat().st_ino
    assert write_fix(planned) is None
    assert (project / APP).read_bytes() == planned.fixed
    assert (project / APP).stat().st_ino != inode  # a new file was renamed over the old one
    assert not [p for p in (project / "pkg").iterdir() if p.name.endswith(".tmp")]


# End to end on the Quickstart's example project ---------------------------------------------------

LEGACY_PATCH = FIXTURES / "legacy-app.fix.patch"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "core.autocrlf=false", *args], cwd=cwd, check=True,
                          capture_output=True, text=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_legacy_app_patch_matches_the_recorded_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded patch was reviewed by hand: safe contexts only, nothing but ids changed."""
    root = tmp_path / "legacy-app"
    shutil.copytree(REPO / "examples" / "legacy-app", root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    monkeypatch.chdir(root)
    result = fix("--as-of", "2025-05-01", ".")
    assert result.exit_code == 1, result.stderr
    assert _git(root, "diff", "--no-color") == LEGACY_PATCH.read_text()
    assert fix("--as-of", "2025-05-01", ".").exit_code == 0
