"""Every reporter over the shared report, plus the properties each format promises."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from modelguard.findings import RULES
from modelguard.registry.index import ModelIndex
from modelguard.report import OutputFormat, Report, Reporter, render, reporter_for
from modelguard.report.github import escape_data, escape_property
from modelguard.report.markdown import MAX_DETAIL_ROWS
from modelguard.report.model import FailOn
from modelguard.report.sarif import sarif_document
from modelguard.scan import ScanSettings
from tests.conftest import AFTER
from tests.report.conftest import APP, build_report, hostile


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_every_format_renders(report: Report, fmt: OutputFormat) -> None:
    reporter = reporter_for(fmt)
    assert isinstance(reporter, Reporter)
    assert fmt.reporter().render(report) == render(report, fmt)
    text = render(report, fmt)
    assert text.endswith("\n")
    assert "src/app.py" in text
    if fmt is not OutputFormat.MARKDOWN:  # markdown lists errors as a bullet, not by location
        assert "src/broken.py" in text


# --- SARIF ---------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(report: Report, shared_data: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_data / "sarif-schema-2.1.0.json").read_text())
    document = json.loads(render(report, OutputFormat.SARIF))
    jsonschema.validate(document, schema)
    hostile_report = _with_hostile_first(report)
    jsonschema.validate(json.loads(render(hostile_report, OutputFormat.SARIF)), schema)


def _with_hostile_first(report: Report) -> Report:
    import dataclasses

    return dataclasses.replace(report, findings=(hostile(report.findings[0]), *report.findings[1:]))


def test_sarif_driver_and_rules(report: Report) -> None:
    run = sarif_document(report)["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("modelguard", report.tool_version)
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    for rule in driver["rules"]:
        assert rule["name"] == RULES[rule["id"]].name
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}


def test_sarif_results_locate_each_finding(report: Report) -> None:
    results = sarif_document(report)["runs"][0]["results"]
    assert len(results) == len(report.findings)
    for result, finding in zip(results, report.findings, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding.path, "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": finding.line, "startColumn": finding.column,
            "endLine": finding.end_line, "endColumn": finding.end_column,
        }
        assert result["ruleId"] == finding.rule.code
        assert result["level"] == ("error" if report.fails(finding) else
                                   "note" if finding.rule.code == "MG004" else "warning")


def _fingerprints(report: Report) -> list[str]:
    results = sarif_document(report)["runs"][0]["results"]
    return [result["partialFingerprints"]["modelguard/v1"] for result in results]


def test_sarif_fingerprints_are_unique_and_survive_inserted_lines(index: ModelIndex) -> None:
    before = build_report(index, {"app.py": APP})
    after = build_report(index, {"app.py": "import os\n\n\n" + APP})
    assert [f.line + 3 for f in before.findings] == [f.line for f in after.findings]
    assert _fingerprints(before) == _fingerprints(after)
    assert len(set(_fingerprints(before))) == len(before.findings)
    moved = build_report(index, {"other.py": APP})
    assert set(_fingerprints(moved)).isdisjoint(_fingerprints(before))


def _apply(source: str, replacement: dict[str, Any]) -> str:
    """Apply one SARIF replacement (1-based line/column, exclusive end) to a one-line source."""
    region = replacement["deletedRegion"]
    assert region["startLine"] == region["endLine"] == 1
    start, end = region["startColumn"] - 1, region["endColumn"] - 1
    return source[:start] + replacement["insertedContent"]["text"] + source[end:]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('m = "gpt-4.5-preview"', 'm = "gpt-4.1"', id="double-quotes"),
        pytest.param("m = 'gpt-4.5-preview'", "m = 'gpt-4.1'", id="single-quotes"),
        pytest.param('m = r"gpt-4.5-preview"', 'm = r"gpt-4.1"', id="raw-prefix"),
        pytest.param('m = rb"gpt-4.5-preview"', 'm = rb"gpt-4.1"', id="two-letter-prefix"),
        pytest.param('m = """gpt-4.5-preview"""', 'm = """gpt-4.1"""', id="triple-quotes"),
        pytest.param("m = Rb'''gpt-4.5-preview'''", "m = Rb'''gpt-4.1'''", id="prefixed-triple"),
        pytest.param('create(model="openai/gpt-4.5-preview")', 'create(model="openai/gpt-4.1")', id="provider-prefix"),
        pytest.param('ok = m == "gpt-4.5-preview"', 'ok = m == "gpt-4.1"', id="unsafe-comparison"),
    ],
)
def test_sarif_fix_rewrites_only_the_id(index: ModelIndex, source: str, expected: str) -> None:
    report = build_report(index, {"t.py": source + "\n"}, settings=ScanSettings(AFTER))
    (result,) = sarif_document(report)["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert _apply(source, replacement) == expected


def test_sarif_mentions_have_no_fix(index: ModelIndex) -> None:
    report = build_report(index, {"t.py": "# moved off gpt-4.5-preview\n"}, settings=ScanSettings(AFTER))
    (result,) = sarif_document(report)["runs"][0]["results"]
    assert result["ruleId"] == "MG004"
    assert "fixes" not in result


# --- github --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("plain text", "plain text", "plain text", id="plain"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("%0A", "%250A", "%250A", id="already-encoded-looking"),
        pytest.param("a\nb", "a%0Ab", "a%0Ab", id="newline"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
        pytest.param("a:b", "a:b", "a%3Ab", id="colon"),
        pytest.param("a,b", "a,b", "a%2Cb", id="comma"),
        pytest.param("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax", id="injected-command"),
        pytest.param('"quoted" <tag> & \u00e9', '"quoted" <tag> & \u00e9', '"quoted" <tag> & \u00e9', id="untouched"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_annotation_with_hostile_path_and_message(report: Report) -> None:
    import dataclasses

    finding = hostile(report.findings[0])
    only = dataclasses.replace(report, findings=(finding,), errors=())
    (line,) = render(only, OutputFormat.GITHUB).splitlines()
    head, message = line[2:].split("::", 1)
    kind, properties = head.split(" ", 1)
    assert kind == "notice"  # MG004 does not fail the run
    fields = dict(item.split("=", 1) for item in properties.split(","))
    assert fields["file"] == 'we%2Cird%3Adir/a "b" <c> & d%2525\u00e9.py'
    assert (fields["line"], fields["col"], fields["title"]) == ("1", "13", "MG004")
    assert message.startswith("line one%0D%0Aline two: 100%25 <b>")


@pytest.mark.parametrize(
    ("fail_on", "kinds"),
    [
        pytest.param(FailOn.RETIRED, ["notice", "warning", "warning", "error", "warning", "warning"], id="retired"),
        pytest.param(FailOn.DEPRECATED, ["notice", "error", "error", "error", "error", "error"], id="deprecated"),
        pytest.param(FailOn.NEVER, ["notice", "warning", "warning", "warning", "warning", "warning"], id="never"),
    ],
)
def test_github_level_follows_fail_on(index: ModelIndex, fail_on: FailOn, kinds: list[str]) -> None:
    from tests.report.conftest import CONFIG

    report = build_report(index, {"src/app.py": APP, "src/config.py": CONFIG}, fail_on=fail_on)
    lines = render(report, OutputFormat.GITHUB).splitlines()
    assert [line[2:].split(" ", 1)[0] for line in lines] == kinds


# --- markdown ------------------------------------------------------------------------------


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


def test_markdown_counts_and_model_table(report: Report) -> None:
    text = render(report, OutputFormat.MARKDOWN)
    assert "| retired | 2 |" in text and "| deprecated | 4 |" in text
    model_rows = [row for row in _table_rows(text) if "<code>gpt-4-32k</code> | openai" in row]
    assert len(model_rows) == 1
    assert "<code>gpt-4o</code> | 2025-06-06 | 36 | 3 | 0 | 2 |" in model_rows[0]
    assert text.count("<details>") == 2  # files with findings; the clean one gets no block


def test_markdown_keeps_hostile_text_inside_its_cell(report: Report) -> None:
    import dataclasses

    only = dataclasses.replace(report, findings=(hostile(report.findings[0]),), errors=())
    text = render(only, OutputFormat.MARKDOWN)
    (row,) = [r for r in _table_rows(text) if r.startswith("| 1 |")]
    cells = row.replace("\\|", "").split("|")
    assert len(cells) == 6  # 4 cells between 5 unescaped pipes
    assert "<b>" not in text and "&lt;b&gt;" in text


def test_markdown_stays_bounded_at_1000_findings(index: ModelIndex) -> None:
    files = {f"pkg/module_{n:03}.py": 'M = "gpt-4-32k"\n' * 10 for n in range(100)}
    report = build_report(index, files)
    assert len(report.findings) == 1000
    text = render(report, OutputFormat.MARKDOWN)
    assert len(text) < 65_536  # GitHub's limit for a PR comment
    assert len([r for r in _table_rows(text) if "<code>gpt-4-32k</code> | openai" in r]) == 1
    blocks = text.count("<details>")
    assert blocks == text.count("</details>") == MAX_DETAIL_ROWS // 10
    assert f"and {1000 - blocks * 10} more finding(s)" in text


# --- junit ---------------------------------------------------------------------------------


def test_junit_one_testcase_per_file(report: Report) -> None:
    root = ET.fromstring(render(report, OutputFormat.JUNIT))
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"src/app.py", "src/config.py", "src/clean.py", "src/broken.py"}
    assert [f.get("type") for f in cases["src/app.py"].findall("failure")] == ["MG001"]
    assert list(cases["src/clean.py"]) == []
    assert cases["src/config.py"].find("failure") is None
    assert cases["src/broken.py"].find("error") is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")


def test_junit_is_valid_xml_with_hostile_text(index: ModelIndex) -> None:
    import dataclasses

    report = build_report(index, {"a.py": 'M = "text-davinci-003"\n'})
    finding = hostile(report.findings[0])
    report = dataclasses.replace(report, findings=(finding,), scanned_paths=(finding.path,))
    root = ET.fromstring(render(report, OutputFormat.JUNIT).encode("utf-8"))
    (case,) = root.iter("testcase")
    assert case.get("name") == finding.path
    failure = case.find("failure")
    assert failure is not None
    message = failure.get("message") or ""
    assert '<b>&amp;</b> "quoted"' in message and "\u2603" in message
    assert "\x1b" not in message  # not representable in XML 1.0; replaced


# --- json-lines and concise ----------------------------------------------------------------


def test_json_lines_one_object_per_line(report: Report) -> None:
    lines = render(report, OutputFormat.JSON_LINES).splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["line"] for o in objects[:-1]] == [f.line for f in report.findings]
    assert objects[-1] == {"path": "src/broken.py", "error": "syntax error at line 2, column 1"}


def test_concise_is_one_line_per_finding(report: Report) -> None:
    import dataclasses

    only = dataclasses.replace(report, findings=(hostile(report.findings[0]),), errors=())
    (line,) = render(only, OutputFormat.CONCISE).splitlines()
    assert line.startswith('we,ird:dir/a "b" <c> & d%25\u00e9.py:1:13: MG004 line one\\r\\nline two')
