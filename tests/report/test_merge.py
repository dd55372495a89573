"""`report merge`: many repositories' JSON reports folded into one picture.

Golden files in tests/golden_merge/ come from the fixture reports in tests/fixtures/reports/:
shop.json and shop-rescan.json are two scans of the same commit that share one finding, api.json
is another repository, legacy-v1.json is a report from before reports named their repository.
After an intended change: `python -m pytest tests/report/test_merge.py --update-goldens`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from modelguard.report.merge import Move, merge, render_markdown
from tests.conftest import FIXTURES, TESTS, run_cli

REPORTS = FIXTURES / "reports"
NAMES = ("shop.json", "shop-rescan.json", "api.json", "legacy-v1.json")
GOLDEN = TESTS / "golden_merge"


def _report(name: str) -> Any:
    return json.loads((REPORTS / name).read_text())


@pytest.mark.parametrize(("fmt", "golden"), [
    pytest.param("markdown", "merged.md", id="markdown"),
    pytest.param("json", "merged.json", id="json"),
])
def test_merge_matches_its_golden_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       request: pytest.FixtureRequest, fmt: str,
                                       golden: str) -> None:
    monkeypatch.chdir(REPORTS)  # a report naming no repository is known by its path as given
    out = tmp_path / golden
    result = run_cli("report", "merge", *NAMES, "--format", fmt, "--output", str(out))
    assert (result.exit_code, result.output) == (0, "")
    text = out.read_text(encoding="utf-8").replace('"version": "' + _version() + '"',
                                                   '"version": "0.0.0+golden"')
    if request.config.getoption("update_goldens"):
        (GOLDEN / golden).write_text(text, encoding="utf-8")
    assert (GOLDEN / golden).read_text(encoding="utf-8") == text


def _version() -> str:
    from modelguard import __version__

    return __version__


def test_merge_writes_to_standard_output_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPORTS)
    result = run_cli("report", "merge", "api.json")
    assert result.exit_code == 0
    assert result.stdout.startswith("## modelguard: models to move across repositories\n")


def _with(document: Any, **changes: Any) -> Any:
    changed = copy.deepcopy(document)
    for key, value in changes.items():
        changed["repository"][key] = value
    return changed


@pytest.mark.parametrize(("documents", "findings", "duplicates"), [
    pytest.param(["shop"], 3, 0, id="one-report"),
    pytest.param(["shop", "shop"], 3, 3, id="the-same-report-twice"),
    pytest.param(["shop", "shop-rescan"], 4, 1, id="overlapping-scans-of-one-commit"),
    pytest.param(["shop", ("shop", {"commit": "c3" * 20})], 6, 0, id="another-commit"),
    pytest.param(["shop", ("shop", {"name": "acme/fork"})], 6, 0, id="another-repository"),
    pytest.param(["legacy-v1", "legacy-v1"], 2, 2, id="unnamed-report-twice-by-one-path"),
])
def test_the_same_finding_of_one_commit_is_counted_once(
    documents: list[str | tuple[str, dict[str, str]]], findings: int, duplicates: int
) -> None:
    loaded = [(f"{d}.json", _report(f"{d}.json")) if isinstance(d, str)
              else (f"{d[0]}.json", _with(_report(f"{d[0]}.json"), **d[1])) for d in documents]
    merged = merge(loaded)
    assert (merged.findings, merged.duplicates) == (findings, duplicates)


def test_one_row_per_repository_and_model_with_the_worst_status_and_soonest_date() -> None:
    later = copy.deepcopy(_report("api.json"))
    later["findings"][1].update(status="active", shutdown="2026-01-01", replacement=None,
                                path="svc/other.py")
    merged = merge([("api.json", _report("api.json")), ("later.json", later)])
    assert [m for m in merged.moves if m.model == "gpt-4.5-preview"] == [
        Move("acme/api", "openai", "gpt-4.5-preview", "deprecated", "2025-07-14", "gpt-4.1", 2,
             entry="gpt-4.5-preview")]


def test_reports_are_read_one_at_a_time() -> None:
    """A bad report stops the merge before the next one is even read."""
    read: list[str] = []

    def documents() -> Any:
        for name in ("shop.json", "not-a-report", "api.json"):
            read.append(name)
            yield name, _report(name) if name.endswith(".json") else {"tool": "eslint"}

    with pytest.raises(ValueError, match="not-a-report: not a modelguard JSON report"):
        merge(documents())
    assert read == ["shop.json", "not-a-report"]


SHOP = (REPORTS / "shop.json").read_text()


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(SHOP.replace('"schema_version": 2', '"schema_version": 3'),
                 "bad.json: report schema version 3 is not supported (this modelguard reads 1 "
                 "to 2; upgrade modelguard)", id="newer-schema"),
    pytest.param(SHOP.replace('"schema_version": 2', '"schema_version": "2"'),
                 "bad.json: report schema version '2' is not supported", id="schema-as-text"),
    pytest.param('{"version": "2.1.0", "runs": []}',
                 "bad.json: not a modelguard JSON report (write one with `modelguard check "
                 "--format json`)", id="sarif"),
    pytest.param('{"tool": {"name": "eslint"}, "findings": []}',
                 "bad.json: not a modelguard JSON report", id="another-tool"),
    pytest.param('[1, 2]', "bad.json: not a modelguard JSON report", id="a-list"),
    pytest.param('{"tool": {"name": "modelguard"}, "findings": [{"path": "a.py"}]}',
                 "bad.json: finding #1 lacks one of path, model, context, provider, status",
                 id="malformed-finding"),
    pytest.param('{"tool": ', "bad.json: not a modelguard JSON report (not valid JSON)",
                 id="truncated"),
    pytest.param(b"\xff\xfe", "bad.json: not a modelguard JSON report (not valid JSON)",
                 id="binary"),
])
def test_a_report_that_cannot_be_merged_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_bytes(content.encode() if isinstance(content, str) else content)
    (tmp_path / "good.json").write_text(SHOP)
    result = run_cli("report", "merge", "good.json", "bad.json", "--output", "out.md")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"modelguard: error: {message}")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out.md").exists()


def test_a_missing_report_is_refused_in_one_line(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("report", "merge", "missing.json")
    assert (result.exit_code, result.stderr) == (
        2, "modelguard: error: cannot read missing.json: No such file or directory\n")


def test_a_merged_report_is_not_merged_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPORTS)
    out = tmp_path / "merged.json"
    run_cli("report", "merge", "shop.json", "--format", "json", "--output", str(out))
    result = run_cli("report", "merge", str(out))
    assert result.exit_code == 2
    assert "not a modelguard JSON report" in result.stderr


def test_a_manual_migration_is_carried_into_the_merge() -> None:
    """A finding whose replacement is on another endpoint says so in the merged picture too;
    reports written before endpoints were recorded carry none."""
    moved = copy.deepcopy(_report("api.json"))
    moved["findings"][1]["manual_migration"] = "completions → chat, responses"
    merged = merge([("api.json", moved)])
    [move] = [m for m in merged.moves if m.model == moved["findings"][1]["model"]]
    assert move.manual_migration == "completions → chat, responses"
    assert "(manual migration: completions → chat, responses)" in render_markdown(merged)
    assert all(m.manual_migration is None for m in merge([("api.json", _report("api.json"))]).moves)
