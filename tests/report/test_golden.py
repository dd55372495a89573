"""Golden files: every format rendered from the one shared report, compared byte for byte.

The report is `tests/report/conftest.py::report` (real findings, judged at the fixed date DURING)
with a fixed tool version, so a release does not churn the goldens. After an intended change to
a format, regenerate and review the diff:

    python -m pytest tests/report/test_golden.py --update-goldens
    git diff tests/golden
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from modelguard.report import OutputFormat, Report, render
from tests.conftest import TESTS

GOLDEN = TESTS / "golden"
GOLDEN_VERSION = "0.0.0+golden"
FILES: dict[OutputFormat, str] = {
    OutputFormat.TEXT: "report.txt",
    OutputFormat.JSON: "report.json",
    OutputFormat.SARIF: "report.sarif",
    OutputFormat.GITHUB: "report.github.txt",
    OutputFormat.MARKDOWN: "report.md",
    OutputFormat.JUNIT: "report.junit.xml",
    OutputFormat.JSON_LINES: "report.jsonl",
    OutputFormat.CONCISE: "report.concise.txt",
}


@pytest.fixture
def golden_report(report: Report) -> Report:
    return dataclasses.replace(report, tool_version=GOLDEN_VERSION, registry_origin="file",
                               registry_location="tests/fixtures/registry")


def test_every_format_has_one_golden_file() -> None:
    assert set(FILES) == set(OutputFormat)
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(FILES.values())


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_format_matches_its_golden_file(golden_report: Report, fmt: OutputFormat,
                                        request: pytest.FixtureRequest) -> None:
    rendered = render(golden_report, fmt).encode("utf-8")
    path: Path = GOLDEN / FILES[fmt]
    if request.config.getoption("update_goldens"):
        path.write_bytes(rendered)
    assert path.read_bytes() == rendered, (
        f"{fmt.value} output differs from {path.relative_to(TESTS.parent)}; if intended, "
        "regenerate with --update-goldens and review the diff")
