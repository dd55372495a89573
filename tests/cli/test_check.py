"""The command line, driven through click on copies of fixture projects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from modelguard.files import display_path
from modelguard.report import OutputFormat
from tests.conftest import FIXTURES, REPO, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    monkeypatch.chdir(tmp_path)
    return root


def run(*args: str) -> Result:
    return run_cli(*args)


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("check", "--registry", TEST_REGISTRY, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_json_report_shape(project: Path) -> None:
    code, report = check_json("mixed", "--as-of", "2025-05-01")
    assert code == 2  # broken.py could not be parsed
    assert report["tool"]["name"] == "modelguard"
    assert report["registry"] == {"version": "2000.01.01-test", "source": "file",
                                  "location": display_path(Path(TEST_REGISTRY))}
    assert report["as_of"] == "2025-05-01"
    assert report["errors"] == [
        {"path": "mixed/pkg/broken.py", "message": report["errors"][0]["message"]}
    ]
    assert report["errors"][0]["message"].startswith("syntax error at line 2")
    first, second, third = report["findings"]
    assert first == {
        "path": "mixed/pkg/app.py",
        "line": 4,
        "column": 46,
        "end_line": 4,
        "end_column": 63,
        "rule": "MG003",
        "rule_name": "imminent-shutdown",
        "model": "gpt-4.5-preview",
        "provider": "openai",
        "entry": "gpt-4.5-preview",
        "status": "deprecated",
        "announced": "2025-04-14",
        "shutdown": "2025-07-14",
        "shutdown_qualifier": "exact",
        "days_left": 74,
        "replacement": "gpt-4.1",
        "fix": "safe",
        "endpoints": [],
        "replacement_endpoints": [],
        "manual_migration": None,
        "context": "model keyword argument",
        "message": "`gpt-4.5-preview` is deprecated and shuts down on 2025-07-14 (74 days left)",
        "fails": False,
    }
    assert (second["rule"], second["model"], second["status"]) == ("MG001", "text-davinci-003", "retired")
    # broken.py does not parse, but its lexer still vouches for the literal on line 1
    assert (third["path"], third["line"], third["model"], third["context"], third["fix"]) == (
        "mixed/pkg/broken.py", 1, "gpt-4-32k", "unparsed", "unsafe"
    )
    assert report["summary"]["findings"] == 3
    assert report["summary"]["errors"] == 1


def test_skips_tool_and_dependency_folders(project: Path) -> None:
    for folder in ("node_modules/lib", ".venv/lib", "build", "venv-custom"):
        (project / folder).mkdir(parents=True)
        (project / folder / "x.py").write_text('M = "gpt-4-32k"\n')
    (project / "venv-custom" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "pkg" / "broken.py").unlink()
    code, report = check_json("mixed", "--as-of", "2025-08-01")
    assert {f["path"] for f in report["findings"]} == {"mixed/pkg/app.py"}
    assert code == 1


def test_respects_gitignore_in_a_git_work_tree(project: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    import subprocess

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".gitignore").write_text("pkg/broken.py\ngenerated/\n")
    (project / "generated").mkdir()
    (project / "generated" / "x.py").write_text('M = "gpt-4-32k"\n')
    (project / "pkg" / "new.py").write_text('M = "gpt-4-32k"\n')  # untracked, not ignored
    code, report = check_json("mixed", "--as-of", "2025-08-01")
    assert {f["path"] for f in report["findings"]} == {"mixed/pkg/app.py", "mixed/pkg/new.py"}
    assert report["errors"] == []
    assert code == 1


@pytest.mark.parametrize(
    ("args", "expected_code"),
    [
        pytest.param(["--as-of", "2025-01-01"], 1, id="retired-fails"),
        pytest.param(["--as-of", "2023-01-01"], 0, id="nothing-retired-yet"),
        pytest.param(["--as-of", "2023-08-01"], 0, id="deprecated-passes-by-default"),
        pytest.param(["--as-of", "2023-08-01", "--fail-on", "deprecated"], 1, id="fail-on-deprecated"),
        pytest.param(["--as-of", "2025-01-01", "--fail-on", "never"], 0, id="fail-on-never"),
    ],
)
def test_exit_codes(project: Path, args: list[str], expected_code: int) -> None:
    (project / "pkg" / "broken.py").unlink()
    result = run("check", "--registry", TEST_REGISTRY, "mixed", *args)
    assert result.exit_code == expected_code, result.output


def test_text_output(project: Path) -> None:
    (project / "pkg" / "broken.py").unlink()
    result = run("check", "--registry", TEST_REGISTRY, "mixed", "--as-of", "2025-08-01")
    assert result.stdout.splitlines() == [
        "mixed/pkg/app.py:4:46 MG001 `gpt-4.5-preview` was shut down on 2025-07-14, "
        "Replace with `gpt-4.1`",
        "mixed/pkg/app.py:5:42 MG001 `text-davinci-003` was shut down on 2024-01-04, "
        "Replace with `gpt-3.5-turbo-instruct`",
    ]
    assert f"registry 2000.01.01-test ({display_path(Path(TEST_REGISTRY))}) as of 2025-08-01" \
        in result.stderr
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_text_to_a_pipe_is_the_text_report_file(project: Path) -> None:
    args = ("check", "--registry", TEST_REGISTRY, "mixed", "--as-of", "2025-08-01")
    printed = run(*args)
    written = run(*args, "--output-format", "text=report.txt")
    assert printed.stdout.count("\n") == 4  # three findings (one in the unparsable file) and its error
    assert (project.parent / "report.txt").read_text() == printed.stdout == written.stdout


def test_output_file_is_written_after_the_run(project: Path) -> None:
    result = run(
        "check", "--registry", TEST_REGISTRY, "mixed", "--as-of", "2025-08-01",
        "--format", "json", "--output", "report.json",
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    report = json.loads((project.parent / "report.json").read_text())
    assert len(report["findings"]) == 3  # one of them in broken.py, which does not parse


def test_single_file_argument(project: Path) -> None:
    code, report = check_json("mixed/pkg/app.py", "--as-of", "2025-08-01")
    assert (code, len(report["findings"])) == (1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing-folder"], "missing-folder: no such file or directory", id="missing-path"),
        pytest.param(["--as-of", "2025-13-01", "mixed"], "is not a date in YYYY-MM-DD form", id="bad-date"),
        pytest.param(["--fail-on", "sometimes", "mixed"], "Invalid value for '--fail-on'", id="bad-fail-on"),
        pytest.param(["--provider", "nobody", "mixed"], "unknown provider 'nobody'", id="bad-provider"),
        pytest.param(["--format", "xml", "mixed"], "Invalid value for '--format'", id="bad-format"),
    ],
)
def test_usage_errors(project: Path, args: list[str], message: str) -> None:
    result = run("check", "--registry", TEST_REGISTRY, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_registry_errors_exit_2_one_line_each(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-registry"
    shutil.copytree(FIXTURES / "registry", broken)
    with (broken / "openai.toml").open("a") as handle:
        handle.write('\n[[models]]\nid = "gpt-4o"\n\n[[models]]\nid = "x"\nshutdown = 2020-01-01\n')
    result = run("check", "--registry", str(broken), "mixed")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert all("openai.toml: models[" in line for line in lines)
    assert "Traceback" not in result.output


def test_registry_validate_command() -> None:
    assert run("registry", "validate").exit_code == 0
    assert run("registry", "validate", TEST_REGISTRY).exit_code == 0


def test_bundled_registry_on_the_example_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Quickstart's promise, checked against the bundled data at fixed dates."""
    monkeypatch.chdir(REPO)

    def gpt_4_5(*args: str) -> list[tuple[str, int | None]]:
        result = run("check", "examples/legacy-app", "--no-cache", "--format", "json", *args)
        report = json.loads(result.stdout)
        return [
            (f["rule"], f["days_left"]) for f in report["findings"] if f["entry"] == "gpt-4.5-preview"
        ]

    during = gpt_4_5("--as-of", "2025-05-01")
    assert during and set(during) == {("MG003", 74)}
    assert {rule for rule, _ in gpt_4_5("--as-of", "2025-05-01", "--warn-within", "30")} == {"MG002"}
    assert gpt_4_5("--as-of", "2025-01-01") == []
    result = run("check", "examples/legacy-app", "--no-cache", "--as-of", "2025-08-01")
    assert result.exit_code == 1


def test_every_output_format_renders(project: Path) -> None:
    for fmt in OutputFormat:
        result = run("check", "--registry", TEST_REGISTRY, "mixed", "--format", fmt.value)
        assert result.exit_code == 2, fmt
        assert "mixed/pkg/app.py" in result.stdout


def test_python_dash_m(project: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "modelguard", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    from modelguard import __version__

    assert done.stdout.startswith(f"modelguard {__version__} (modelguard-cli)\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], {"MG001", "MG002"}, id="all"),
        pytest.param(["--select", "MG001"], {"MG001"}, id="select"),
        pytest.param(["--select", "mg002"], {"MG002"}, id="select-lowercase"),
        pytest.param(["--ignore", "MG001"], {"MG002"}, id="ignore"),
        pytest.param(["--select", "MG001", "--ignore", "MG001"], set(), id="ignore-wins"),
    ],
)
def test_select_and_ignore(project: Path, args: list[str], expected: set[str]) -> None:
    (project / "pkg" / "broken.py").unlink()
    # On 2024-08-01 text-davinci-003 is retired and gpt-4.5-preview not yet deprecated;
    # gpt-4-32k (deprecated) is added to have an MG002 too.
    (project / "pkg" / "more.py").write_text('MODEL = "gpt-4-32k"\n')
    _, report = check_json("mixed", "--as-of", "2024-08-01", "--warn-within", "0", *args)
    assert {f["rule"] for f in report["findings"]} == expected


def test_unknown_rule_code_is_a_usage_error(project: Path) -> None:
    result = run("check", "--registry", TEST_REGISTRY, "mixed", "--select", "MG999")
    assert result.exit_code == 2
    assert "Invalid value for '--select'" in result.stderr
