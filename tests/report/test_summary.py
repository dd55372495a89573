"""The stderr summary is written without rich when rich would print it unchanged, and through
rich otherwise: either way the bytes are what `print_summary` prints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from rich.console import Console

from modelguard.findings import Failed
from modelguard.registry.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.report.text import print_summary, summary_line, write_summary
from tests.report.conftest import APP, build_report


def _as_is(report: Report) -> Report:
    return report


def _version(text: str) -> Callable[[Report], Report]:
    return lambda report: dataclasses.replace(report, registry_version=text)


@pytest.mark.parametrize(
    ("change", "fail_on"),
    [
        pytest.param(_as_is, FailOn.RETIRED, id="findings-and-an-error"),
        pytest.param(_as_is, FailOn.NEVER, id="fail-on-never"),
        pytest.param(_version("2026.12.01[bold]x[/bold]"), FailOn.RETIRED, id="markup-in-version"),
        pytest.param(_version("v:smile:1"), FailOn.RETIRED, id="emoji-code-in-version"),
        pytest.param(_version("a\\[b"), FailOn.RETIRED, id="escaped-bracket-in-version"),
        pytest.param(_version("2026\x1b[31m"), FailOn.RETIRED, id="control-character"),
        pytest.param(_version("2026.12.01 é"), FailOn.RETIRED, id="non-ascii"),
    ],
)
def test_write_summary_prints_what_rich_prints(
    index: ModelIndex,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[Report], Report],
    fail_on: FailOn,
) -> None:
    report = change(build_report(index, {"app.py": APP}, fail_on=fail_on,
                                 errors=(Failed("bad.py", "cannot parse"),)))
    capsys.readouterr()
    print_summary(report, Console(stderr=True))
    expected = capsys.readouterr().err
    write_summary(report)
    assert capsys.readouterr().err == expected


def test_the_summary_counts_by_rule(index: ModelIndex) -> None:
    report = build_report(index, {"app.py": APP})
    line = summary_line(report)
    assert line.startswith(f"Scanned 1 file(s) with registry {report.registry_version} (file) as of ")
    assert f"{len(report.findings)} finding(s) (MG" in line
