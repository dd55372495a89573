"""The text format: what a check prints to a pipe or a file is the coloured terminal output
without its colour, one line per finding, with control characters shown escaped; rich is
used only where it would colour."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from modelguard.registry.index import ModelIndex
from modelguard.report.model import Report
from modelguard.report.text import TextReporter, colours, print_findings, printable
from tests.report.conftest import APP, build_report
from tests.report.test_escaping import hostile_report


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        return self.tty


def _uncoloured(report: Report) -> str:
    out = io.StringIO()
    print_findings(report, Console(file=out, force_terminal=False, width=80))
    return out.getvalue()


def test_plain_text_is_the_terminal_output_without_colour(index: ModelIndex) -> None:
    report = build_report(index, {"app.py": APP, "more/app.py": APP})
    assert len(report.findings) > 4
    assert TextReporter().render(report) == _uncoloured(report)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        pytest.param("src/app.py", "src/app.py", id="ordinary"),
        pytest.param("src/[bold]x[/bold].py", "src/[bold]x[/bold].py", id="markup-kept-as-text"),
        pytest.param("src/:smile:.py", "src/:smile:.py", id="emoji-code-kept-as-text"),
        pytest.param("src/a\x1b[31mb.py", "src/a\\x1b[31mb.py", id="escape-character"),
        pytest.param("src/a\nb.py", "src/a\\nb.py", id="newline"),
        pytest.param("src/a\rb.py", "src/a\\rb.py", id="carriage-return"),
        pytest.param("src/a\tb.py", "src/a\\tb.py", id="tab"),
        pytest.param("src/a\x7fb\x85.py", "src/a\\x7fb\\x85.py", id="del-and-c1"),
        pytest.param("src/é.py", "src/é.py", id="non-ascii-kept"),
    ],
)
def test_paths_print_as_one_line_in_both_outputs(
    index: ModelIndex, path: str, shown: str
) -> None:
    report = hostile_report(build_report(index, {"app.py": APP}), path, "cannot parse")
    plain = TextReporter().render(report)
    finding, error = plain.splitlines()
    assert finding.startswith(f"{shown}:") and " MG001 " in finding
    assert error == f"{shown}.broken: error: cannot parse"
    assert _uncoloured(report) == plain


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("plain", "plain", id="plain"),
        pytest.param("\x00\x1f", "\\x00\\x1f", id="c0-bounds"),
        pytest.param("\x9f\xa0", "\\x9f\xa0", id="c1-bound-and-nbsp"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        pytest.param({}, False, False, id="pipe"),
        pytest.param({}, True, True, id="terminal"),
        pytest.param({"FORCE_COLOR": "1"}, False, True, id="force-color"),
        pytest.param({"FORCE_COLOR": ""}, True, False, id="force-color-empty"),
        pytest.param({"TTY_COMPATIBLE": "1"}, False, True, id="tty-compatible"),
        pytest.param({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True, False,
                     id="tty-compatible-0-wins"),
        pytest.param({"TTY_COMPATIBLE": "2"}, True, True, id="other-values-auto-detect"),
    ],
)
def test_colours_decides_as_rich_does(env: dict[str, str], tty: bool, expected: bool) -> None:
    stream = _Stream(tty)
    assert colours(stream, env) is expected
    console = Console(file=stream, _environ=env)
    assert console.is_terminal is expected


def test_a_closed_stream_does_not_colour() -> None:
    stream = _Stream(True)
    stream.close()
    assert colours(stream, {}) is False
