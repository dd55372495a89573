"""The lexer gives exactly what the previous, one-character-at-a-time lexer gave: the same
tokens (kinds, spans, logical lines), the same logical-line starts, and the same `Unlexable`
message, on every input. The previous lexer is kept as the specification in
tests/scan/pylex_reference.py; these tests compare the two on tricky cases, on generated text,
and on every module of the standard library."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelguard.scan import pylex
from modelguard.scan.pylex import Kind, Lexed, Token, Unlexable, lex
from tests.scan import pylex_reference


def _outcome(lexer: object, text: str) -> Lexed | str:
    """The lexer's result, or the message it gave up with."""
    assert callable(lexer)
    try:
        result = lexer(text)
    except Unlexable as error:
        return f"Unlexable: {error}"
    assert isinstance(result, Lexed)
    return result


def _assert_same(text: str) -> None:
    assert _outcome(lex, text) == _outcome(pylex_reference.lex, text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("x = 1", id="no-final-newline"),
        pytest.param("\n\n\n", id="only-newlines"),
        pytest.param("x = 'a' + \"b\"\n", id="both-quotes"),
        pytest.param("x = rb'a' + Rb'b' + bR\"c\" + u'd' + U'e' + BR'f'\n", id="prefixes"),
        pytest.param("x = f'{a}' + F'{b}' + rf'{c}' + Fr\"{d}\" + fb'{e}'\n", id="f-prefixes"),
        pytest.param("x = bar'x' + rbf'y' + abf\"z\" + if'w'\n", id="letters-that-end-a-name"),
        pytest.param("x = éf'{a}' + _b'x' + 9r'y'\n", id="letters-after-a-non-ascii-name"),
        pytest.param("f'a'\nrb'b'", id="prefix-at-the-start-of-the-text"),
        pytest.param("x = 'a'b'c'u'd'\n", id="prefix-right-after-a-string"),
        pytest.param('x = """a\n\'b\'\n"c"\n"""\n', id="triple-double"),
        pytest.param("x = '''a\n\"b\"\n''' + ''''''\n", id="triple-single-and-empty-triple"),
        pytest.param("x = '' + \"\" + ''\n", id="empty-strings"),
        pytest.param("x = 'it\"s' + \"it's\" + '#' + \"(\"\n", id="quotes-and-specials-inside"),
        pytest.param("x = 'a\\'b' + \"a\\\"b\" + r'a\\'b' + '\\\\'\n", id="escaped-quotes"),
        pytest.param("x = '''a\\''''\n", id="escaped-quote-ending-a-triple"),
        pytest.param("x = 'a\\\nb' + 'c\\\r\nd' + 'e\\\rf'\n", id="backslash-newline-in-strings"),
        pytest.param("x = 1 + \\\n    2\ny = 3 + \\\r\n 4\rz = \\\r5\n", id="backslash-continuations"),
        pytest.param("x = (1 + \\\n 2)\n", id="backslash-inside-brackets"),
        pytest.param("x = \\\n\ny = 1\n", id="backslash-then-blank-line"),
        pytest.param("a = 1\r\nb = [\r\n2]\r\nc = 3\r\n", id="crlf"),
        pytest.param("a = 1\rb = (\r2)\rc = 'x'\r", id="lone-cr"),
        pytest.param("a = 1\r\n\r\n\rb = 2\n\r", id="mixed-breaks"),
        pytest.param("x = 1  # it's (a [comment] {with} \"quotes\"\ny = 2\n", id="comment-with-specials"),
        pytest.param("# only a comment", id="comment-at-the-end"),
        pytest.param("#\n#\r\n#\r", id="empty-comments"),
        pytest.param("x = ['(', ')', '[', '{', '}', ']']\n", id="brackets-inside-strings"),
        pytest.param("x = {\n  'a': [\n    (1,\n     2),\n  ],\n}\ny = f(g(h(i(j(k(l(1)))))))\n", id="nested-brackets"),
        pytest.param("x = (\n" * 40 + "1" + "\n)" * 40 + "\ny = 2\n", id="brackets-deeper-than-the-passes"),
        pytest.param("x = (1,\n# )\n2)\n", id="closing-bracket-in-a-comment"),
        pytest.param("x = (1]\ny = [2)\n", id="mismatched-bracket-kinds-still-balance"),
        pytest.param("x = 1)\n", id="extra-closing-bracket"),
        pytest.param("x = (1\n", id="unclosed-bracket"),
        pytest.param(")(", id="closing-before-opening"),
        pytest.param("x = ) 'open\n", id="closing-bracket-before-an-unterminated-string"),
        pytest.param("x = 'open\ny = )\n", id="unterminated-string-before-a-closing-bracket"),
        pytest.param("x = (\ny = 'open\n", id="unterminated-string-inside-an-unclosed-bracket"),
        pytest.param("x = 'a\n", id="unterminated-string"),
        pytest.param("x = \"a", id="unterminated-at-the-end"),
        pytest.param("x = '''a\n'' '\n", id="unterminated-triple"),
        pytest.param("x = rb'a\n", id="unterminated-prefixed-string"),
        pytest.param("x = '", id="lone-quote-at-the-end"),
        pytest.param("x = 1 \\ 2\n", id="stray-backslash"),
        pytest.param("x = 1 \\", id="backslash-at-the-end"),
        pytest.param("x = f'{a}' + f'{{b}}' + f'{c:{d}}'\n", id="f-string-braces"),
        pytest.param('x = f"{d["a"]}"\n', id="python-3.12-f-string-quotes"),
        pytest.param("x = f'{a' + ')'\n", id="f-string-braces-do-not-balance"),
        pytest.param("x = ) + f'{'\n", id="bracket-error-before-f-string-error"),
        pytest.param("x = f'{' + )\n", id="f-string-error-before-bracket-error"),
        pytest.param("x = f'{' + 'open\n", id="f-string-error-before-unterminated"),
        pytest.param("x = 'ünï' # ünï (\ny = ('ü',\n 'ï')\n", id="non-ascii"),
        pytest.param("x = 'a'\ny = (\n\u2028 1)\x0c\nz = 1\x0b\x1c\x85\n", id="other-unicode-line-separators"),
        pytest.param("x = '\ud800' + (\n1)\n", id="lone-surrogate"),
        pytest.param("x = 1\x00 + (2\x00\n)\n", id="nul-characters"),
        pytest.param("def f(\n    a,  # (\n    b='x',\n):\n    return [\n        a\n    ]\n", id="a-function"),
    ],
)
def test_tricky_cases(text: str) -> None:
    _assert_same(text)


# Fragments that move the lexer's state: quotes, prefixes, brackets, breaks, backslashes,
# comments, braces; joined at random they make mostly invalid, always tricky, Python.
_FRAGMENTS = ["'", '"', "'''", '"""', "r", "b", "f", "F", "u", "rb", "x", "bar", "_", "é",
              "(", ")", "[", "]", "{", "}", "\n", "\r\n", "\r", "\\", "#", " ", "  ", "=",
              ",", ":", "1", "\t", "\x0c", "\u2028", "a = 'b'\n", "f(\n", "x#c\n"]


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join))
def test_generated_fragments(text: str) -> None:
    _assert_same(text)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="'\"#\\()[]{}\r\n rbfF=x\u00e9", max_size=60))
def test_generated_characters(text: str) -> None:
    _assert_same(text)


_STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.skipif(not _STDLIB.is_dir(), reason="no standard library sources here")
def test_every_standard_library_module() -> None:
    """~1,800 modules (about 5 s): real code in every style, and a few that do not lex."""
    differ = []
    unlexable = 0
    for path in sorted(_STDLIB.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        new, old = _outcome(lex, text), _outcome(pylex_reference.lex, text)
        unlexable += isinstance(old, str)
        if new != old:
            differ.append(str(path.relative_to(_STDLIB)))
    assert differ == []
    assert unlexable > 0  # the error cases were compared too


@pytest.mark.parametrize(
    "columns",
    [
        pytest.param(([], [], [], []), id="none"),
        pytest.param(([Kind.STRING, Kind.FSTRING, Kind.COMMENT], [0, 5, 9], [3, 8, 12], [0, 0, 2]), id="three"),
    ],
)
def test_tokens_built_without_init_are_the_constructor_s(
    columns: tuple[list[Kind], list[int], list[int], list[int]],
) -> None:
    built = pylex._tokens(*columns)
    assert built == tuple(map(Token, *columns))
    assert all(type(token) is Token for token in built)
    assert [hash(token) for token in built] == [hash(Token(*fields)) for fields in zip(*columns, strict=True)]
