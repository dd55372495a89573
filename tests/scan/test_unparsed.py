"""A module (or notebook cell) that does not parse: the parse error, and beside it the findings
its lexer still vouches for, all in the context "unparsed"."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanError, ScanSettings, scan_source
from modelguard.scan.contexts import CONTEXTS, UNPARSED
from modelguard.scan.python import ParseFailure, parse
from tests.conftest import AFTER, REPO

# (line, column, end column, rule, fix class, context, model as written)
Row = tuple[int, int, int, str, str, str, str]


def _scan(
    index: ModelIndex, source: str | bytes, as_of: dt.date = AFTER
) -> tuple[str, list[Row]]:
    with pytest.raises(ScanError) as raised:
        scan_source("t.py", source, index, ScanSettings(as_of))
    return str(raised.value), [
        (f.line, f.column, f.end_column, f.rule.code, f.fix.value, f.context, f.model)
        for f in raised.value.findings
    ]


FILLER = "x = 1\n" * 6
# Python 2 files often start with one; a file with a coding cookie is parsed whole.
COOKIE = b"# -*- coding: utf-8 -*-\n"

# Each module reaches libcst whole: its lexer cannot vouch for it, a line holding an id does
# not parse on its own, or it has a coding cookie. (A syntax error elsewhere in a file the
# lexer reads is not looked for: see test_a_syntax_error_away_from_the_ids_is_not_looked_for.)
BROKEN = [
    pytest.param(
        COOKIE + b'import openai\nprint "hello"\nopenai.Completion.create(model="gpt-4-32k")\n',
        "syntax error at line",
        [(4, 32, 43, "MG001", "unsafe", "unparsed", "gpt-4-32k")],
        id="python-2-print",
    ),
    pytest.param(
        'print "gpt-4-32k"\nMODEL = "gpt-4.5-preview"  # was text-davinci-003\n',
        "syntax error at line",
        [
            (1, 7, 18, "MG001", "unsafe", "unparsed", "gpt-4-32k"),
            (2, 9, 26, "MG001", "unsafe", "unparsed", "gpt-4.5-preview"),
            (2, 34, 50, "MG004", "none", "unparsed", "text-davinci-003"),
        ],
        id="python-2-print-of-the-id",
    ),
    pytest.param(
        "def {{ cookiecutter.entry }}(prompt, model='gpt-4.5-preview'):\n    return prompt\n",
        "syntax error at line",
        [(1, 44, 61, "MG001", "unsafe", "unparsed", "gpt-4.5-preview")],
        id="template-placeholder",
    ),
    pytest.param(
        # The lexer vouches for every token before the unterminated string (line 10); after
        # it, what looks like a string or a comment is searched, line by line, for mentions.
        'import openai\n\nMODEL = "gpt-4-32k"\n' + FILLER + 'x = "unterminated\n'
        "# text-davinci-003\ny = 'gpt-4.5-preview'\n",
        "syntax error at line",
        [
            (3, 9, 20, "MG001", "unsafe", "unparsed", "gpt-4-32k"),
            (11, 3, 19, "MG004", "none", "unparsed", "text-davinci-003"),
            (12, 6, 21, "MG004", "none", "unparsed", "gpt-4.5-preview"),
        ],
        id="unterminated-string-after-the-id",
    ),
    pytest.param(
        'x = "text-davinci-003 is gone\nMODEL = "gpt-4-32k"\n',
        "syntax error at line",
        [
            (1, 6, 22, "MG004", "none", "unparsed", "text-davinci-003"),
            (2, 10, 19, "MG004", "none", "unparsed", "gpt-4-32k"),
        ],
        id="unterminated-string-before-the-id",
    ),
    pytest.param(
        # Brackets decide logical lines, not where strings start and end.
        'client.create(\n    model="gpt-4-32k",\n    messages=[],\n',
        "syntax error at line",
        [(2, 11, 22, "MG001", "unsafe", "unparsed", "gpt-4-32k")],
        id="missing-closing-bracket",
    ),
    pytest.param(
        COOKIE + b'print ur"gpt-4-32k"\nprint f"{x} gpt-4.5-preview"\n',
        "syntax error at line",
        [
            (2, 10, 19, "MG004", "none", "unparsed", "gpt-4-32k"),
            (3, 13, 28, "MG004", "none", "unparsed", "gpt-4.5-preview"),
        ],
        id="python-2-prefix-and-f-string-are-mentions",
    ),
    pytest.param(
        COOKIE + b'print "x"\nA = "gpt-4-32k"  # modelguard: ignore\nB = "gpt-4-32k"\n',
        "syntax error at line",
        [(4, 5, 16, "MG001", "unsafe", "unparsed", "gpt-4-32k")],
        id="suppression-comment",
    ),
    pytest.param(
        b'# -*- coding: latin-1 -*-\nprint "\xe9t\xe9"; M = "gpt-4-32k"\n',
        "syntax error at line",
        [(2, 18, 29, "MG001", "unsafe", "unparsed", "gpt-4-32k")],
        id="coding-cookie-columns-in-characters",
    ),
    pytest.param(
        b'print "\xff"\nM = "gpt-4-32k"\n', "cannot decode", [], id="undecodable-bytes-vouch-for-nothing"
    ),
]


@pytest.mark.parametrize(("source", "message", "expected"), BROKEN)
def test_broken_modules_report_the_error_and_what_the_lexer_vouches_for(
    index: ModelIndex, source: str | bytes, message: str, expected: list[Row]
) -> None:
    error, found = _scan(index, source)
    assert error.startswith(message)
    assert found == expected


def test_the_parse_error_message_is_libcst_s_as_before(index: ModelIndex) -> None:
    source = 'print "gpt-4-32k"\n'
    error, _ = _scan(index, source)
    with pytest.raises(ParseFailure) as raised:
        parse(source)
    assert error == str(raised.value)


def test_a_retired_id_from_the_real_registry_in_a_python_2_file() -> None:
    real = build_index(load_registry(REPO / "registry"))
    source = COOKIE + b'import openai\nprint "x"\nr = openai.ChatCompletion.create(model="gpt-4-0314")\n'
    error, found = _scan(real, source, dt.date(2026, 12, 1))  # shut down on 2026-03-26
    assert error.startswith("syntax error at line")
    assert [(line, column, rule, fix) for line, column, _, rule, fix, _, _ in found] == [
        (4, 40, "MG001", "unsafe")
    ]


def test_a_syntax_error_away_from_the_ids_is_not_looked_for(index: ModelIndex) -> None:
    # As before: a file the lexer reads sends only the lines holding an id to libcst, so the
    # id keeps its real context and no error is reported.
    found = scan_source("t.py", 'print "hello"\nclient(model="gpt-4-32k")\n', index,
                        ScanSettings(AFTER))
    assert [(f.line, f.context, f.fix.value) for f in found] == [
        (2, "model keyword argument", "safe")
    ]


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=f"unparsed-{n}") for n, e in enumerate(UNPARSED.examples)]
)
def test_unparsed_context_examples(index: ModelIndex, example: str) -> None:
    _, found = _scan(index, example)
    (row,) = [row for row in found if row[6] == "gpt-4.5-preview"]
    assert (row[5], row[4]) == (UNPARSED.name, UNPARSED.fix.value)
    assert UNPARSED not in CONTEXTS  # the examples of CONTEXTS parse


def _notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": source} for source in cells],
        "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5,
    }, indent=1) + "\n"


def test_a_notebook_cell_that_does_not_parse(index: ModelIndex) -> None:
    text = _notebook('M = "gpt-4-32k"\n', '%pip install x\nprint "gpt-4-32k"  # text-davinci-003\n',
                     'N = "gpt-4.5-preview"\n')
    with pytest.raises(ScanError) as raised:
        scan_source("nb.ipynb", text, index, ScanSettings(AFTER))
    assert str(raised.value).startswith("cell 2: syntax error at line 2")
    found = [(f.cell, f.line, f.column, f.rule.code, f.fix.value, f.context)
             for f in raised.value.findings]
    assert found == [
        (1, 1, 5, "MG001", "safe", "assignment"),
        (2, 2, 7, "MG001", "unsafe", "unparsed"),
        (2, 2, 22, "MG004", "none", "unparsed"),
        (3, 1, 5, "MG001", "safe", "assignment"),
    ]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="`type` statements parse from 3.12 on")
def test_syntax_newer_than_this_python_says_so(index: ModelIndex) -> None:
    # libcst reads Python 3.12's `type` statement; this Python's parser does not. The module
    # is read whole (a coding cookie), so the error is reported, and says why.
    error, found = _scan(index, COOKIE + b'type X = int\nMODEL = "gpt-4-32k"\n')
    assert error.startswith("syntax error at line 2, column 6")
    assert "newer syntax than Python 3." in error
    assert [row[3:6] for row in found] == [("MG001", "unsafe", "unparsed")]
