"""Hostile paths and messages survive the github and junit formats intact.

Each case is decoded the way the consumer decodes it (GitHub's workflow-command parser, an XML
parser) and must give back exactly the original text: nothing lost, nothing injected.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from modelguard.findings import Failed
from modelguard.report import OutputFormat, Report, render
from modelguard.report.junit import xml_text

HOSTILE = [
    pytest.param('src/"quoted".py', 'say "hi" and \'bye\'', id="quotes"),
    pytest.param("src/a\nb.py", "line one\nline two\r\nline three\rend", id="newlines"),
    pytest.param("src/<tag>.py", "<b>bold</b> </failure><!-- x -->", id="angle-brackets"),
    pytest.param("src/a&b.py", "fish &amp; chips & &#10; &lt;", id="ampersands"),
    pytest.param("src/caf\u00e9/\u6a21\u578b.py", "\u2603 \U0001f600 \u00e9\u0301 \u202eevil", id="unicode"),
    pytest.param("src/100%/50%25.py", "100% done, %0A is not a newline", id="percent"),
    pytest.param("src/a,b:c=d.py", "key=value, other: thing", id="delimiters"),
    pytest.param("src/x.py", "::error file=evil.py::injected\n::warning::again", id="injected-commands"),
]


def hostile_report(report: Report, path: str, message: str) -> Report:
    """The shared report cut to one failing finding and one unscannable file, both hostile."""
    (failing,) = report.failing
    finding = dataclasses.replace(failing, path=path, message=message)
    error = Failed(path + ".broken", message)
    return dataclasses.replace(report, findings=(finding,), errors=(error,),
                               scanned_paths=(path,))


def github_unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def github_commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Parse workflow commands as the runner does: `::kind k=v,k=v::message`, one per line."""
    commands = []
    for line in text.splitlines():
        assert line.startswith("::"), line
        head, message = line[2:].split("::", 1)
        kind, properties = head.split(" ", 1)
        fields = dict(item.split("=", 1) for item in properties.split(","))
        commands.append((kind, {k: github_unescape(v) for k, v in fields.items()},
                         github_unescape(message)))
    return commands


@pytest.mark.parametrize(("path", "message"), HOSTILE)
def test_github_commands_decode_to_the_original_text(report: Report, path: str,
                                                     message: str) -> None:
    text = render(hostile_report(report, path, message), OutputFormat.GITHUB)
    assert len(text.splitlines()) == 2  # no newline escaped into a command of its own
    (kind, finding, shown), (error_kind, error, error_shown) = github_commands(text)
    assert (kind, finding["file"], finding["title"]) == ("error", path, "MG001")
    assert shown.startswith(message + ", Replace with `")
    assert (error_kind, error["file"], error_shown) == ("error", path + ".broken", message)
    assert error["title"] == "modelguard: file not scanned"


@pytest.mark.parametrize(("path", "message"), HOSTILE)
def test_junit_parses_back_to_the_original_text(report: Report, path: str, message: str) -> None:
    text = render(hostile_report(report, path, message), OutputFormat.JUNIT)
    root = ET.fromstring(text.encode("utf-8"))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {path, path + ".broken"}
    failure = cases[path].find("failure")
    assert failure is not None
    assert failure.get("message") == message
    assert failure.text is not None and message in failure.text
    error = cases[path + ".broken"].find("error")
    assert error is not None
    assert (error.get("message"), error.text) == (message, message)


@pytest.mark.parametrize(("raw", "kept"), [
    pytest.param("a\x1b[31mb", "a\ufffd[31mb", id="escape-character"),
    pytest.param("a\x00b", "a\ufffdb", id="nul"),
    pytest.param("a\ud800b", "a\ufffdb", id="lone-surrogate"),
    pytest.param("tab\tnewline\ncr\r", "tab\tnewline\ncr\r", id="allowed-controls"),
])
def test_junit_replaces_what_xml_cannot_carry(report: Report, raw: str, kept: str) -> None:
    assert xml_text(raw) == kept
    text = render(hostile_report(report, "src/x.py", raw), OutputFormat.JUNIT)
    failure = ET.fromstring(text.encode("utf-8")).find(".//failure")
    assert failure is not None and failure.get("message") == kept
