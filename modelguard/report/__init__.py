"""Reports: one module per format; this enum is the only list of them."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import NoReturn

from modelguard.report.interface import Reporter
from modelguard.report.model import FailOn, Report

# Each reporter is imported when its format is asked for: a run pays only for its own.


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    JSON_LINES = "json-lines"
    CONCISE = "concise"

    def reporter(self) -> Reporter:
        return reporter_for(self)


def _unreachable(value: NoReturn) -> NoReturn:
    """mypy proves no format is left over (typing.assert_never, which 3.10 lacks)."""
    raise AssertionError(f"no reporter for {value!r}")


def reporter_for(fmt: OutputFormat) -> Reporter:
    if fmt is OutputFormat.TEXT:
        from modelguard.report.text import TextReporter

        return TextReporter()
    if fmt is OutputFormat.JSON:
        from modelguard.report.json import JsonReporter

        return JsonReporter()
    if fmt is OutputFormat.SARIF:
        from modelguard.report.sarif import SarifReporter

        return SarifReporter()
    if fmt is OutputFormat.GITHUB:
        from modelguard.report.github import GithubReporter

        return GithubReporter()
    if fmt is OutputFormat.MARKDOWN:
        from modelguard.report.markdown import MarkdownReporter

        return MarkdownReporter()
    if fmt is OutputFormat.JUNIT:
        from modelguard.report.junit import JunitReporter

        return JunitReporter()
    if fmt is OutputFormat.JSON_LINES:
        from modelguard.report.jsonlines import JsonLinesReporter

        return JsonLinesReporter()
    if fmt is OutputFormat.CONCISE:
        from modelguard.report.concise import ConciseReporter

        return ConciseReporter()
    _unreachable(fmt)


def render(report: Report, fmt: OutputFormat) -> str:
    """A report as a string in one format (text without colour; the CLI colours the terminal),
    always valid UTF-8: bytes of a file name that were not UTF-8 are written as `\\xff`."""
    return "".join(render_chunks(report, fmt))


def render_chunks(report: Report, fmt: OutputFormat) -> Iterator[str]:
    """`render`'s text in pieces, produced as they are written (see Reporter.chunks)."""
    from modelguard.report.text import undecodable_escaped

    json_text = fmt in (OutputFormat.JSON, OutputFormat.SARIF, OutputFormat.JSON_LINES)
    backslash = "\\\\" if json_text else "\\"
    for chunk in reporter_for(fmt).chunks(report):  # a chunk never splits a character
        yield undecodable_escaped(chunk, backslash)


__all__ = ["FailOn", "OutputFormat", "Report", "Reporter", "render", "render_chunks",
           "reporter_for"]
