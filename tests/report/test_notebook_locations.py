"""Notebook findings in every format: CI formats point at the line of the .ipynb file holding the
finding (where GitHub annotations and code-scanning alerts land); the cell position goes along
for people. Line and column inside the cell stay in text and JSON (JSON also has `file_line`)."""

from __future__ import annotations

import json

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.report import OutputFormat, Report, render
from modelguard.report.sarif import sarif_document
from tests.report.conftest import build_report

NOTEBOOK = json.dumps({
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Demo\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["import openai\n", "\n", "MODEL = \"gpt-4.5-preview\"\n"]},
    ],
    "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}, indent=1) + "\n"
# The file line of `MODEL = "gpt-4.5-preview"`: cell 2, line 3, column 9 in the cell.
FILE_LINE = next(i for i, line in enumerate(NOTEBOOK.splitlines(), 1) if "gpt-4.5" in line)


@pytest.fixture
def notebook_report(index: ModelIndex) -> Report:
    return build_report(index, {"nb/demo.ipynb": NOTEBOOK})


def test_the_fixture_finding_is_where_the_table_says(notebook_report: Report) -> None:
    (finding,) = notebook_report.findings
    assert (finding.cell, finding.line, finding.column) == (2, 3, 9)
    assert finding.file_line == FILE_LINE != finding.line


@pytest.mark.parametrize(("fmt", "expected"), [
    pytest.param(OutputFormat.GITHUB,
                 f"::warning file=nb/demo.ipynb,line={FILE_LINE},title=MG003::", id="github"),
    pytest.param(OutputFormat.CONCISE, f"nb/demo.ipynb:{FILE_LINE}:1: MG003 ", id="concise"),
    pytest.param(OutputFormat.JUNIT, f"nb/demo.ipynb:{FILE_LINE} (cell 2, line 3, column 9)",
                 id="junit"),
    pytest.param(OutputFormat.MARKDOWN, f"| {FILE_LINE} (cell 2:3) | MG003", id="markdown"),
    pytest.param(OutputFormat.TEXT, "nb/demo.ipynb:cell 2:3:9 MG003", id="text"),
    pytest.param(OutputFormat.JSON, f'"file_line": {FILE_LINE}', id="json"),
    pytest.param(OutputFormat.JSON_LINES, f'"file_line": {FILE_LINE}', id="json-lines"),
])
def test_format_points_at_the_notebook_finding(notebook_report: Report, fmt: OutputFormat,
                                               expected: str) -> None:
    assert expected in render(notebook_report, fmt)


@pytest.mark.parametrize("fmt", [
    pytest.param(OutputFormat.GITHUB, id="github"),
    pytest.param(OutputFormat.CONCISE, id="concise"),
])
def test_ci_formats_name_the_cell_position(notebook_report: Report, fmt: OutputFormat) -> None:
    assert "(cell 2, line 3, column 9)" in render(notebook_report, fmt)


def test_sarif_region_is_the_file_line_and_the_cell_a_property(notebook_report: Report) -> None:
    (result,) = sarif_document(notebook_report)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": FILE_LINE}
    assert result["properties"]["notebookCell"] == {
        "cell": 2, "startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 26}
    # A replacement region in cell coordinates would edit the wrong bytes of the JSON file.
    assert "fixes" not in result
