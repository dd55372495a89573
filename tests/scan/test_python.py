"""The Python scanner, specified as (source, expected findings) tables.

Findings are (rule, line, column, fix) with 1-based columns. Lifecycles are judged after
gpt-4.5-preview's shutdown unless a test says otherwise.
"""

from __future__ import annotations

import textwrap

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, scan_source
from tests.conftest import AFTER, BEFORE, DURING

Row = tuple[str, int, int, str]


def _scan(index: ModelIndex, source: str | bytes, settings: ScanSettings | None = None) -> list[Row]:
    if isinstance(source, str):
        source = textwrap.dedent(source)
    found = scan_source("t.py", source, index, settings or ScanSettings(AFTER))
    return [(f.rule.code, f.line, f.column, f.fix.value) for f in found]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('x = "gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="double-quotes"),
        pytest.param("x = 'gpt-4.5-preview'", [("MG001", 1, 5, "safe")], id="single-quotes"),
        pytest.param('x = """gpt-4.5-preview"""', [("MG001", 1, 5, "safe")], id="triple-double"),
        pytest.param("x = '''gpt-4.5-preview'''", [("MG001", 1, 5, "safe")], id="triple-single"),
        pytest.param('x = r"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="raw"),
        pytest.param('x = R"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="raw-upper"),
        pytest.param('x = u"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="unicode"),
        pytest.param('x = b"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="bytes"),
        pytest.param('x = rb"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="raw-bytes"),
        pytest.param('x = f"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="f-string-plain"),
        pytest.param("x = F'gpt-4.5-preview'", [("MG001", 1, 5, "safe")], id="f-string-upper"),
        pytest.param('x = rf"gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="raw-f-string"),
        pytest.param('x = ("gpt-4.5-preview")', [("MG001", 1, 6, "safe")], id="parenthesised"),
        pytest.param('x = "gpt-4.5-preview-2025-02-27"', [("MG001", 1, 5, "safe")], id="dated-alias"),
        pytest.param('x = "openai/gpt-4.5-preview"', [("MG001", 1, 5, "safe")], id="routed"),
        # The value sent to the provider is the id, however the literal spells it.
        pytest.param('x = "gpt\\x2d4.5-preview"', [("MG001", 1, 5, "safe")], id="escape-spelled"),
        pytest.param('x = "gpt-4.5-\\\npreview"', [("MG001", 1, 5, "safe")], id="continued-line"),
    ],
)
def test_literal_forms(index: ModelIndex, source: str, expected: list[Row]) -> None:
    assert _scan(index, source) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('x = "gpt-4.5-previewer"', id="longer-id"),
        pytest.param('x = "my-gpt-4.5-preview"', id="prefixed"),
        pytest.param('x = "gpt-4.1"', id="active-model"),
        pytest.param('x = "gpt-4.5"', id="shorter"),
        pytest.param('x = "https://myorg/gpt-4.5-preview"', id="url"),  # myorg/… now resolves
        pytest.param("gpt_4_5_preview = 1", id="identifier"),
        pytest.param('x = f"{prefix}gpt-4.5-preview-x"', id="f-string-longer"),
        pytest.param("", id="empty-file"),
    ],
)
def test_non_matches(index: ModelIndex, source: str) -> None:
    assert _scan(index, source) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            '''\
            def f():
                """Calls gpt-4.5-preview for long answers."""
            ''',
            [("MG004", 2, 14, "none")],
            id="docstring",
        ),
        pytest.param(
            '''\
            """Module.

            Until July we used gpt-4-32k here.
            """
            ''',
            [("MG004", 3, 20, "none")],
            id="docstring-later-line",
        ),
        pytest.param("# switched from gpt-4.5-preview\n", [("MG004", 1, 17, "none")], id="comment"),
        pytest.param(
            'prompt = "Answer like gpt-4.5-preview would."', [("MG004", 1, 23, "none")], id="prose"
        ),
        pytest.param(
            'msg = f"{name} replaced gpt-4-32k"', [("MG004", 1, 25, "none")], id="f-string-text"
        ),
        pytest.param(
            'msg = f"{name or \'gpt-4-32k\'}"', [("MG001", 1, 18, "unsafe")], id="f-string-expression"
        ),
        pytest.param('x = "gpt-4.1 gpt-4.1"', [], id="active-mention"),
        pytest.param('x = " gpt-4.5-preview"', [("MG004", 1, 7, "none")], id="padded-id"),
        pytest.param("# run the command again\n", [], id="word-id-in-prose"),
        pytest.param('co.chat(model="command")', [("MG001", 1, 15, "safe")], id="word-id-as-value"),
    ],
)
def test_mentions(index: ModelIndex, source: str, expected: list[Row]) -> None:
    assert _scan(index, source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            'x = "gpt-4.5-preview"  # modelguard: ignore', [], id="ignore-all"
        ),
        pytest.param(
            'x = "gpt-4.5-preview"  # modelguard: ignore[MG001]', [], id="ignore-rule"
        ),
        pytest.param(
            'x = "gpt-4.5-preview"  # modelguard: ignore[MG002, MG001]', [], id="ignore-rule-list"
        ),
        pytest.param(
            'x = "gpt-4.5-preview"  # modelguard: ignore[MG002]',
            [("MG001", 1, 5, "safe")],
            id="ignore-other-rule",
        ),
        pytest.param(
            '# modelguard: ignore\nx = "gpt-4.5-preview"',
            [("MG001", 2, 5, "safe")],
            id="comment-on-previous-line",
        ),
        pytest.param(
            'call(\n    model="gpt-4.5-preview",  # modelguard: ignore\n    other="gpt-4-32k",\n)',
            [("MG001", 3, 11, "unsafe")],
            id="multi-line-call",
        ),
        pytest.param(
            'x = """\ngpt-4-32k\n"""  # modelguard: ignore',
            [],
            id="multi-line-string-end",
        ),
    ],
)
def test_suppression(index: ModelIndex, source: str, expected: list[Row]) -> None:
    assert _scan(index, source) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(ScanSettings(BEFORE), [], id="before-announcement"),
        pytest.param(ScanSettings(DURING), [("MG003", 1, 5, "safe")], id="imminent"),
        pytest.param(ScanSettings(DURING, warn_within_days=30), [("MG002", 1, 5, "safe")], id="deprecated"),
        pytest.param(ScanSettings(AFTER), [("MG001", 1, 5, "safe")], id="retired"),
    ],
)
def test_rule_follows_the_date(index: ModelIndex, settings: ScanSettings, expected: list[Row]) -> None:
    assert _scan(index, 'x = "gpt-4.5-preview"', settings) == expected


def test_finding_fields(index: ModelIndex) -> None:
    (finding,) = scan_source(
        "app.py", 'client.create(model=r"openai/gpt-4.5-preview")\n', index, ScanSettings(DURING)
    )
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 21, 1, 46)
    assert finding.model == "openai/gpt-4.5-preview"
    assert finding.entry == "gpt-4.5-preview"
    assert finding.provider == "openai"
    assert finding.replacement == "openai/gpt-4.1"
    assert finding.days_left == 74
    assert finding.context == "model keyword argument"
    assert finding.message == (
        "`openai/gpt-4.5-preview` is deprecated and shuts down on 2025-07-14 (74 days left)"
    )


def test_multi_line_literal_span(index: ModelIndex) -> None:
    (finding,) = scan_source("t.py", 'x = (\n    "gpt-4-32k"\n)\n', index, ScanSettings(AFTER))
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 5, 2, 16)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param('x = ("gpt-4.5-preview"\n', "syntax error at line", id="syntax-error"),
        pytest.param('x = "gpt-4.5-preview"\ndef (:\n', "syntax error at line 2", id="syntax-error-after-id"),
        pytest.param(b'x = "gpt-4.5-preview"  # \xff\xfe\n', "cannot decode", id="bad-utf8"),
        pytest.param(
            b'# -*- coding: no-such-codec -*-\nx = "gpt-4.5-preview"\n', "cannot decode", id="bad-cookie"
        ),
    ],
)
def test_unreadable_sources(index: ModelIndex, source: str | bytes, message: str) -> None:
    with pytest.raises(ScanError, match=message):
        scan_source("t.py", source, index, ScanSettings(AFTER))


def test_files_without_ids_are_not_parsed(index: ModelIndex) -> None:
    """The prefilter skips files that cannot hold a finding, broken or not."""
    assert _scan(index, "x = (\n") == []
    assert _scan(index, b"x = 1  # \xff\n") == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            b'\xef\xbb\xbfx = "gpt-4.5-preview"\n', [("MG001", 1, 5, "safe")], id="utf8-bom"
        ),
        pytest.param(
            b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\nx = "gpt-4.5-preview"\n',
            [("MG001", 3, 5, "safe")],
            id="latin-1-cookie",
        ),
        pytest.param(b'x = "gpt-4.5-preview"\r\ny = 1\r\n', [("MG001", 1, 5, "safe")], id="crlf"),
        pytest.param(
            'greeting = "héllo wörld 🎉"; x = "gpt-4.5-preview"'.encode(),
            [("MG001", 1, 33, "safe")],
            id="columns-count-characters",
        ),
    ],
)
def test_encodings(index: ModelIndex, source: bytes, expected: list[Row]) -> None:
    assert _scan(index, source) == expected
