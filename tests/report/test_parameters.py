"""MG005 in reports: the parameter and its new name where a format shows a replacement, a SARIF
fix over the keyword alone; model-level views (the Markdown model table, `report merge`) list
models to move, so MG005 rows stay out of them."""

from __future__ import annotations

import json

import pytest

from modelguard.api import Selection, collect
from modelguard.findings import Scanned
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.report import OutputFormat, render
from modelguard.report.merge import merge
from modelguard.report.model import FailOn, Report
from modelguard.scan import ScanSettings, scan_source
from modelguard.smoke import targets_from_findings
from tests.conftest import AFTER, FIXTURES

# The id and the parameter differ in length: a SARIF region computed from the id would show.
SOURCE = 'client.chat.completions.create(model="gpt-4-32k", max_tokens=5, temperature=0)\n'


@pytest.fixture(scope="module")
def report() -> Report:
    index: ModelIndex = build_index(load_registry(FIXTURES / "registry-parameters"))
    settings = ScanSettings(AFTER)
    return collect([Scanned("app.py", scan_source("app.py", SOURCE, index, settings))],
                   index, settings, FailOn.RETIRED, Selection())


def test_json_names_the_parameter(report: Report) -> None:
    rows = json.loads(render(report, OutputFormat.JSON))["findings"]
    assert [(r["rule"], r.get("parameter"), r["replacement"], r["fix"]) for r in rows] == [
        ("MG001", None, "o3", "safe"),
        ("MG005", "max_tokens", "max_completion_tokens", "safe"),
        ("MG005", "temperature", "", "unsafe"),  # "": --unsafe-fixes removes the argument
    ]


@pytest.mark.parametrize(("source", "name"), [
    pytest.param(SOURCE, "max_tokens", id="keyword"),
    pytest.param("p = {'model': 'gpt-4-32k', 'messages': [], 'max_tokens': 1}\n", "max_tokens",
                 id="payload-key-without-its-quotes"),
])
def test_sarif_fix_replaces_the_parameter_name_only(source: str, name: str) -> None:
    index = build_index(load_registry(FIXTURES / "registry-parameters"))
    settings = ScanSettings(AFTER)
    report = collect([Scanned("app.py", scan_source("app.py", source, index, settings))],
                     index, settings, FailOn.RETIRED, Selection())
    [run] = json.loads(render(report, OutputFormat.SARIF))["runs"]
    rename = next(r for r in run["results"] if r["ruleId"] == "MG005" and "fixes" in r)
    [change] = rename["fixes"][0]["artifactChanges"]
    [replacement] = change["replacements"]
    region = replacement["deletedRegion"]
    line = source.splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == name
    assert replacement["insertedContent"]["text"] == "max_completion_tokens"
    assert "MG005" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}


def test_text_says_what_to_send(report: Report) -> None:
    text = render(report, OutputFormat.TEXT)
    assert "MG005 `max_tokens` is not accepted by `o3` (the replacement of `gpt-4-32k`) on " \
        "chat: send `max_completion_tokens` instead, Replace with `max_completion_tokens`" in text


def test_a_removal_is_titled_and_has_no_sarif_fix(report: Report) -> None:
    assert "on chat: remove it (only the default value is accepted), Remove `temperature` " \
        "(unsafe fix)" in render(report, OutputFormat.TEXT)
    [run] = json.loads(render(report, OutputFormat.SARIF))["runs"]
    [removal] = [r for r in run["results"] if "temperature" in r["message"]["text"]]
    assert "fixes" not in removal  # the argument spans more than the reported name


def test_model_views_leave_mg005_out(report: Report) -> None:
    by_model = render(report, OutputFormat.MARKDOWN).split("### By model")[1].split("###")[0]
    assert [line.split(" | ")[3] for line in by_model.splitlines()
            if line.startswith("| <code>")] == ["<code>o3</code>"]
    merged = merge([("app", json.loads(render(report, OutputFormat.JSON)))])
    assert [(m.model, m.replacement) for m in merged.moves] == [("gpt-4-32k", "o3")]


def test_smoke_targets_are_models_never_parameters(report: Report) -> None:
    index = build_index(load_registry(FIXTURES / "registry-parameters"))
    assert [(t.provider, t.model) for t in targets_from_findings(report.findings, index)] == [
        ("openai", "o3")]
