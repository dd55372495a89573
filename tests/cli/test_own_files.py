"""modelguard's own files (baselines, reports, the result cache) are never scanned or fixed, even
inside the scanned folder or named on the command line: they hold model ids by design."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.report.own import own_file
from tests.conftest import FIXTURES, run_cli, snapshot

TEST_REGISTRY = str(FIXTURES / "registry")
BASELINE = ".modelguard-baseline.json"
APP_FINDINGS = 2  # pkg/app.py: gpt-4.5-preview and text-davinci-003 in model slots


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    (root / "pkg" / "broken.py").unlink()
    monkeypatch.chdir(root)
    return root


def check(*args: str) -> Result:
    return run_cli("check", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", *args)


def check_json(*args: str) -> dict[str, object]:
    result = check(*args, "--format", "json")
    assert "Traceback" not in result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _paths(document: dict[str, object], key: str) -> list[str]:
    items = document[key]
    assert isinstance(items, list)
    return sorted({item["path"] for item in items})


def test_a_baseline_in_the_scanned_folder_brings_no_new_findings(project: Path) -> None:
    assert check(".", "--write-baseline", BASELINE).exit_code == 0
    again = check(".", "--baseline", BASELINE, "--format", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["findings"] == []
    assert f"{APP_FINDINGS} finding(s) matched the baseline" in again.stderr


def test_a_baseline_is_skipped_not_scanned(project: Path) -> None:
    check(".", "--write-baseline", BASELINE)
    report = check_json(".")
    assert _paths(report, "findings") == ["pkg/app.py"]
    assert {"path": BASELINE, "reason": "modelguard's baseline"} in report["skipped"]  # type: ignore[operator]


def test_a_baseline_named_explicitly_is_skipped(project: Path) -> None:
    check(".", "--write-baseline", BASELINE)
    report = check_json(BASELINE)
    assert report["findings"] == []
    assert _paths(report, "skipped") == [BASELINE]


@pytest.mark.parametrize("args", [
    pytest.param(["."], id="folder"),
    pytest.param([BASELINE], id="named"),
])
def test_fix_leaves_the_baseline_byte_identical(project: Path, args: list[str]) -> None:
    check(".", "--write-baseline", BASELINE)
    recorded = (project / BASELINE).read_bytes()
    before = snapshot(project)
    result = run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", *args)
    assert "Traceback" not in result.output
    assert (project / BASELINE).read_bytes() == recorded
    changed = {path for path, data in snapshot(project).items() if before.get(path) != data}
    assert changed == ({"pkg/app.py"} if args == ["."] else set())


@pytest.mark.parametrize(("args", "written"), [
    pytest.param(["--format", "json", "--output", "report.json"], "report.json", id="json"),
    pytest.param(["--output-format", "sarif=modelguard.sarif.json"], "modelguard.sarif.json",
                 id="sarif-as-json"),
    pytest.param(["--output-format", "markdown=summary.md"], "summary.md", id="markdown"),
])
def test_a_report_written_into_the_scanned_folder_is_not_scanned_next_time(
        project: Path, args: list[str], written: str) -> None:
    check(".", *args)
    assert "gpt-4.5-preview" in (project / written).read_text()
    report = check_json(".")
    assert _paths(report, "findings") == ["pkg/app.py"]
    assert written in _paths(report, "skipped")


def test_the_files_a_run_names_are_left_out_of_its_scan(project: Path) -> None:
    """A text report has no mark of its own: written to a scanned format, the run naming it
    still leaves it out."""
    check(".", "--output", "report.md")
    assert "gpt-4.5-preview" in (project / "report.md").read_text()
    report = check_json(".", "--output-format", "text=report.md")
    assert _paths(report, "findings") == ["pkg/app.py"]
    assert "report.md" in _paths(check_json("."), "findings")  # no mark, not named: scanned


def test_the_result_cache_named_explicitly_is_skipped(project: Path) -> None:
    cache = project / ".modelguard_cache"
    cache.mkdir()
    (cache / "results-0.json").write_text('{"model": "gpt-4.5-preview"}\n')
    report = check_json(".modelguard_cache/results-0.json")
    assert report["findings"] == []
    assert _paths(report, "skipped") == [".modelguard_cache/results-0.json"]


BASELINE_TEXT = '{\n  "format": "modelguard-baseline",\n  "version": 1,\n  "findings": []\n}\n'
JSON_REPORT = '{"tool": {"name": "modelguard", "version": "1"}, "findings": []}'
SARIF = ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "modelguard"}}, '
         '"results": []}]}')
MARKDOWN = "## modelguard failed: 2 finding(s), 1 at or above `--fail-on`\n\n| gpt-4 |\n"


@pytest.mark.parametrize(("path", "text", "reason"), [
    pytest.param("b.json", BASELINE_TEXT, "modelguard's baseline", id="baseline"),
    pytest.param("any/name.txt.json", JSON_REPORT, "modelguard's JSON report", id="json-report"),
    pytest.param("out.sarif", SARIF, "modelguard's SARIF report", id="sarif"),
    pytest.param("ci.json", SARIF, "modelguard's SARIF report", id="sarif-named-json"),
    pytest.param("pr.md", MARKDOWN, "modelguard's Markdown report", id="markdown-report"),
    pytest.param("x/.modelguard_cache/results-1.json", "{}", "modelguard's result cache "
                 "(.modelguard_cache/)", id="cache"),
    pytest.param("README.md", "# modelguard\n\nFinds gpt-4 in code.\n", None,
                 id="readme-about-modelguard"),
    pytest.param("pr.md", "Notes\n" + MARKDOWN, None, id="report-heading-not-first"),
    pytest.param("pyproject.json", '{"tool": {"name": "modelguard"}, "model": "gpt-4"}', None,
                 id="tool-name-without-findings"),
    pytest.param("c.json", '{"format": "modelguard-baseline-ish", "findings": []}', None,
                 id="other-format"),
    pytest.param("c.json", '{"format": "modelguard-baseline", ', None, id="broken-json"),
    pytest.param("c.json", '["modelguard-baseline"]', None, id="not-an-object"),
    pytest.param("c.json", '{"runs": [{"tool": {"driver": {"name": "other"}}}], "n": '
                 '"modelguard"}', None, id="another-tools-sarif"),
    pytest.param("b.yaml", "format: modelguard-baseline\n", None, id="not-json"),
    pytest.param(".modelguard_cache", "{}", None, id="a-file-named-like-the-cache"),
])
def test_own_file(path: str, text: str, reason: str | None) -> None:
    assert own_file(path, text.encode()) == reason
