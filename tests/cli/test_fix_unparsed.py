"""`modelguard fix` on a module that does not parse: untouched unless --unsafe-fixes, and then
only the literals the lexer vouches for, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelguard.findings import FixSafety
from modelguard.fix.plan import Edit, FixError, FixPlan
from modelguard.fix.python import fix_python_source
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, scan_source
from tests.conftest import AFTER, FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")

PYTHON_2 = (
    b"# -*- coding: utf-8 -*-\r\n"
    b'print "hello"\r\n'
    b'client.create(model = "gpt-4-32k", prompt=u"x")  # was text-davinci-003\r\n'
    b"B = b'gpt-4.5-preview'\r\n"
)
UNTERMINATED = b'M = "gpt-4-32k"\nx = "open\nN = "gpt-4-32k"\n'


def _fix(path: Path, *args: str) -> int:
    return run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", AFTER.isoformat(), *args,
                   str(path)).exit_code


@pytest.mark.parametrize("source", [pytest.param(PYTHON_2, id="python-2"),
                                    pytest.param(UNTERMINATED, id="unterminated-string")])
def test_untouched_without_unsafe_fixes(tmp_path: Path, source: bytes) -> None:
    path = tmp_path / "old.py"
    path.write_bytes(source)
    assert _fix(path) == 2  # the parse error, as before
    assert path.read_bytes() == source


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            PYTHON_2,
            PYTHON_2.replace(b'"gpt-4-32k"', b'"gpt-4o"').replace(b"'gpt-4.5-preview'",
                                                                  b"'gpt-4.1'"),
            id="python-2-literals-only",
        ),
        pytest.param(
            # Past the unterminated string the lexer vouches for nothing: a mention, kept.
            UNTERMINATED, UNTERMINATED.replace(b'M = "gpt-4-32k"', b'M = "gpt-4o"'),
            id="only-before-the-lexer-stops",
        ),
    ],
)
def test_unsafe_fixes_rewrite_exactly_the_vouched_literals(
    tmp_path: Path, source: bytes, expected: bytes
) -> None:
    path = tmp_path / "old.py"
    path.write_bytes(source)
    assert _fix(path, "--unsafe-fixes") == 2  # still a file that does not parse
    assert path.read_bytes() == expected


def test_the_check_after_the_fix_still_reports_the_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "old.py"
    path.write_bytes(PYTHON_2)
    _fix(path, "--unsafe-fixes")
    result = run_cli("check", "--registry", TEST_REGISTRY, "--as-of", AFTER.isoformat(),
                     "--no-cache", str(path))
    assert result.exit_code == 2
    assert "error: syntax error" in result.stdout
    assert "MG004" in result.stdout and "MG001" not in result.stdout  # the comment's mention


def _edit(index: ModelIndex, source: bytes, old: str, new: str) -> FixPlan:
    with pytest.raises(ScanError) as raised:
        scan_source("t.py", source, index, ScanSettings(AFTER))
    (finding,) = [f for f in raised.value.findings if f.fix is FixSafety.UNSAFE]
    edit = Edit(finding.line, finding.column, finding.end_line, finding.end_column, old, new,
                finding)
    return FixPlan((edit,))


@pytest.mark.parametrize(
    ("source", "old", "new", "message"),
    [
        pytest.param(b'print "x"; M = "gpt-4-32k"\n', "gpt-4-32k", 'gpt-4o"', "tokens changed",
                     id="a-quote-in-the-replacement"),
        pytest.param(b'print "x"; M = "gpt-4-32k"\n', "gpt-4-32k", "gpt-4o\\", "tokens changed",
                     id="a-backslash-in-the-replacement"),
        pytest.param(b'print "x"; M = "gpt-4-32k"\n', "gpt-4-32k", "gpt-4o\\x41",
                     "does not read", id="an-escape-in-the-replacement"),
    ],
)
def test_a_rewrite_the_lexer_cannot_confirm_leaves_the_file(
    index: ModelIndex, source: bytes, old: str, new: str, message: str
) -> None:
    outcome = fix_python_source(source, _edit(index, source, old, new))
    assert isinstance(outcome, FixError)
    assert message in outcome.message


def test_a_span_that_is_not_one_literal_is_refused(index: ModelIndex) -> None:
    plan = _edit(index, b'print "x"; M = "gpt-4-32k"\n', "gpt-4-32k", "gpt-4o")
    outcome = fix_python_source(b'print "x"; M = ("gpt-4-32k")\n', plan)
    assert isinstance(outcome, FixError)
    assert "no string literal" in outcome.message
