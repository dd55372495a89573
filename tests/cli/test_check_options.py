"""The `check` options a ruff user expects, as a table of invocations: arguments, what stdout
and stderr must contain, the exit code. Each runs in a small project of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, run_cli, snapshot

TEST_REGISTRY = str(FIXTURES / "registry")
RETIRED = 'model = "text-davinci-003"\n'  # MG001 in the test registry at this date
CHECK = ("check", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01", "--no-cache")
FIX = ("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01")


@pytest.fixture
def excluding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project excluding fixtures/ in its configuration, with a retired id there and in
    app.py; the run starts in its folder."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.modelguard]\nextend-exclude = ["fixtures/"]\n', encoding="utf-8")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "old.py").write_text(RETIRED, encoding="utf-8")
    (tmp_path / "app.py").write_text(RETIRED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("args", "code", "scanned"), [
    pytest.param(("fixtures/old.py",), 1, 1, id="named-file-scanned-by-default"),
    pytest.param(("--force-exclude", "fixtures/old.py"), 0, 0, id="force-exclude-skips-it"),
    pytest.param(("--force-exclude", "app.py", "fixtures/old.py"), 1, 1,
                 id="hook-style-keeps-the-rest"),
    pytest.param(("--force-exclude", "./fixtures/old.py"), 0, 0, id="dot-slash-name"),
    pytest.param(("--force-exclude", "--no-force-exclude", "fixtures/old.py"), 1, 1,
                 id="no-force-exclude-wins-when-last"),
    pytest.param(("--force-exclude", "--isolated", "fixtures/old.py"), 1, 1,
                 id="isolated-has-no-excludes-to-force"),
    pytest.param(("--force-exclude", "--extend-exclude", "app.py", "app.py"), 0, 0,
                 id="command-line-pattern-forced-too"),
])
def test_force_exclude(excluding: Path, args: tuple[str, ...], code: int, scanned: int) -> None:
    result = run_cli(*CHECK, *args)
    assert result.exit_code == code, result.output
    assert f"Scanned {scanned} file(s)" in result.stderr


def test_force_exclude_from_the_configuration_file(excluding: Path) -> None:
    (excluding / "pyproject.toml").write_text(
        '[tool.modelguard]\nextend-exclude = ["fixtures/"]\nforce-exclude = true\n',
        encoding="utf-8")
    assert run_cli(*CHECK, "fixtures/old.py").exit_code == 0
    assert run_cli(*CHECK, "--no-force-exclude", "fixtures/old.py").exit_code == 1


def test_force_exclude_must_be_a_boolean(excluding: Path) -> None:
    (excluding / "pyproject.toml").write_text(
        '[tool.modelguard]\nforce-exclude = "yes"\n', encoding="utf-8")
    result = run_cli(*CHECK, "app.py")
    assert result.exit_code == 2
    assert "force-exclude: expected true or false, got 'yes'" in result.stderr


def test_fix_with_force_exclude_leaves_an_excluded_file_alone(excluding: Path) -> None:
    before = snapshot(excluding)
    result = run_cli(*FIX, "--force-exclude", "fixtures/old.py")
    assert result.exit_code == 0, result.output
    assert snapshot(excluding) == before


@pytest.mark.parametrize("hooks", [".pre-commit-hooks.yaml", "pre-commit-hooks.yaml"])
def test_both_hooks_force_excludes(hooks: str) -> None:
    import yaml

    for hook in yaml.safe_load((REPO / hooks).read_text(encoding="utf-8")):
        assert hook["args"] == ["--force-exclude"], hook["id"]


@pytest.fixture
def plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a retired id in app.py (safe to fix) and a Makefile (a type modelguard
    does not read); no configuration."""
    (tmp_path / "modelguard.toml").write_text("", encoding="utf-8")
    (tmp_path / "app.py").write_text(RETIRED, encoding="utf-8")
    (tmp_path / "Makefile").write_text("MODEL=text-davinci-003\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("pyproject", "message"), [
    pytest.param('[tool.modelguard]\nfail-on = "a" "b"\n', "line 2", id="our-table-broken"),
    pytest.param('[project\nname = "x"\n', "line 1", id="someone-elses-table-broken"),
])
def test_broken_pyproject_exits_2_naming_file_and_line(
    plain: Path, pyproject: str, message: str
) -> None:
    (plain / "modelguard.toml").unlink()
    (plain / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for command in (CHECK, ("config",)):
        result = run_cli(*command, "app.py")
        assert result.exit_code == 2, result.output
        assert "pyproject.toml: invalid TOML" in result.stderr
        assert message in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_named_dockerfile_is_scanned(plain: Path) -> None:
    (plain / "Dockerfile").write_text("ENV MODEL=text-davinci-003\n", encoding="utf-8")
    result = run_cli(*CHECK, "Dockerfile")
    assert result.exit_code == 1, result.output
    assert "Dockerfile:1:11 MG001" in result.stdout
    assert "Scanned 1 file(s)" in result.stderr
    assert "skipped" not in result.stderr


@pytest.mark.parametrize(("args", "code", "stdout", "stderr"), [
    pytest.param(("Makefile", "app.py"), 1, "app.py:1:9 MG001",
                 "modelguard: warning: Makefile: skipped: not a file type modelguard scans\n"
                 "Scanned 1 file(s)", id="unsupported-named-file-skipped"),
    pytest.param(("Makefile",), 0, "",
                 "warning: Makefile: skipped: not a file type modelguard scans\n"
                 "modelguard: warning: no files to scan under Makefile\nScanned 0 file(s)",
                 id="only-unsupported-scans-nothing"),
    pytest.param(("--select", "MG002,MG003", "app.py"), 0, "", "0 finding(s)",
                 id="select-comma-list"),
    pytest.param(("--select", "mg002, MG001", "app.py"), 1, "MG001", "1 finding(s)",
                 id="select-comma-list-any-case"),
    pytest.param(("--select", "ALL", "app.py"), 1, "MG001", "1 finding(s)", id="select-all"),
    pytest.param(("--ignore", "all", "app.py"), 0, "", "0 finding(s)", id="ignore-all"),
    pytest.param(("--select", "MG001,MG999", "app.py"), 2, "",
                 "Invalid value for '--select': unknown rule 'MG999' (known: ALL, MG001",
                 id="unknown-code-in-list"),
    pytest.param(("--exit-zero", "app.py"), 0, "MG001", "1 failing", id="exit-zero"),
    pytest.param(("--statistics", "app.py"), 1, "1\tMG001\t[*] retired-model\n", "Scanned 1",
                 id="statistics"),
    pytest.param(("app.py",), 1, "MG001",
                 "1 failing (--fail-on retired)\n[*] 1 fixable with `modelguard fix`\n",
                 id="fixable-hint"),
    pytest.param(("--output-format", "json=missing/report.json", "app.py"), 2, "",
                 "cannot write missing/report.json: no such folder missing\n",
                 id="output-folder-checked-first"),
])
def test_check_options(plain: Path, args: tuple[str, ...], code: int, stdout: str,
                       stderr: str) -> None:
    result = run_cli(*CHECK, *args)
    assert result.exit_code == code, result.output
    assert stdout in result.stdout
    assert stderr in result.stderr
    if not stdout:
        assert result.stdout == ""


def test_statistics_output_is_only_the_counts(plain: Path) -> None:
    (plain / "more.py").write_text(RETIRED * 2, encoding="utf-8")
    result = run_cli(*CHECK, "--statistics")
    assert result.stdout == "3\tMG001\t[*] retired-model\n"


def test_quiet_prints_findings_only(plain: Path) -> None:
    result = run_cli(*CHECK, "-q", "app.py")
    assert result.exit_code == 1
    assert "app.py:1:9 MG001" in result.stdout
    assert result.stderr == ""


def test_output_folder_checked_before_scanning(plain: Path) -> None:
    result = run_cli(*CHECK, "--output", "missing/report.txt", "app.py")
    assert result.exit_code == 2
    assert "Scanned" not in result.stderr


@pytest.fixture
def ignored_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree whose .gitignore ignores scratch/, with a retired id in scratch/sub/a.py."""
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    (tmp_path / "scratch" / "sub").mkdir(parents=True)
    (tmp_path / "scratch" / "sub" / "a.py").write_text(RETIRED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.skipif(__import__("shutil").which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(("where", "args", "code", "stderr"), [
    pytest.param(".", (".",), 0, "modelguard: warning: no files to scan under .\nScanned 0",
                 id="top-skips-ignored-folder"),
    pytest.param(".", ("scratch",), 1, "Scanned 1 file(s)", id="ignored-folder-named"),
    pytest.param("scratch", (".",), 1, "Scanned 1 file(s)", id="run-inside-ignored-folder"),
    pytest.param("scratch/sub", (), 1, "Scanned 1 file(s)", id="run-deeper-no-paths"),
])
def test_git_ignored_folder_named_is_scanned(
    ignored_folder: Path, monkeypatch: pytest.MonkeyPatch, where: str, args: tuple[str, ...],
    code: int, stderr: str,
) -> None:
    monkeypatch.chdir(ignored_folder / where)
    result = run_cli(*CHECK, *args)
    assert result.exit_code == code, result.output
    assert stderr in result.stderr
