"""`split_fstring` finds an f-string's text parts and placeholder expressions as libcst's parser
does (libcst is the independent reference here): on tricky cases, and on every f-string of the
standard library."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from modelguard.scan.pylex import Kind, Unlexable, lex, split_fstring

_Parts = tuple[list[str], list[str]]


def _libcst(raw: str) -> _Parts | None:
    """Text parts (outside format specs) and expressions (stripped), in source order."""
    try:
        node = cst.parse_expression(raw)
    except cst.ParserSyntaxError:
        return None
    assert isinstance(node, cst.FormattedString)
    module = cst.Module(body=[])
    texts: list[str] = []
    expressions: list[str] = []

    def walk(parts: object, top: bool) -> None:
        assert isinstance(parts, (list, tuple))
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                if top:
                    texts.append(part.value)
            else:
                expressions.append(module.code_for_node(part.expression).strip())
                if part.format_spec:
                    walk(part.format_spec, top=False)

    walk(node.parts, top=True)
    return texts, expressions


def _ours(raw: str) -> _Parts | None:
    split = split_fstring(raw)
    if split is None:
        return None
    return ([raw[a:b] for a, b in split.texts],
            [raw[a:b].strip() for a, b in sorted(split.expressions)])


@pytest.mark.parametrize(
    ("raw", "texts", "expressions"),
    [
        pytest.param('f"a {b} c"', ["a ", " c"], ["b"], id="one-placeholder"),
        pytest.param('f"{{x}} {y}"', ["{{x}} "], ["y"], id="doubled-braces"),
        pytest.param('f"{a!r:>{w}.{p}} z"', [" z"], ["a", "w", "p"], id="conversion-and-spec"),
        pytest.param('f"{a!=b} {c=} {d == e}"', [" ", " "], ["a!=b", "c", "d == e"],
                     id="operators-and-self-documenting"),
        pytest.param("f\"{d['k']:%Y}\"", [], ["d['k']"], id="string-in-a-placeholder"),
        pytest.param('f"{ {1: 2}[1] }"', [], ["{1: 2}[1]"], id="dict-in-a-placeholder"),
        pytest.param('f"{(lambda x: x)(1)}"', [], ["(lambda x: x)(1)"], id="lambda-in-brackets"),
        pytest.param('f"\\N{DASH} {x}"', ["\\N{DASH} "], ["x"], id="named-escape"),
        pytest.param('rf"\\{x}"', ["\\"], ["x"], id="raw-backslash-before-a-placeholder"),
        pytest.param("f'''\n{x}\n'''", ["\n", "\n"], ["x"], id="triple-quoted"),
        pytest.param("f\"{f'{x}'}\"", [], ["f'{x}'"], id="nested-f-string"),
        pytest.param('f""', [], [], id="empty"),
    ],
)
def test_split(raw: str, texts: list[str], expressions: list[str]) -> None:
    assert _ours(raw) == (texts, expressions)
    assert _libcst(raw) == (texts, expressions)


@pytest.mark.parametrize("raw", ['f"{x}}"', 'f"{x"', 'f"}"', 'f"{x:{y}"', 'f"{#}"'])
def test_braces_that_do_not_pair_up(raw: str) -> None:
    assert split_fstring(raw) is None


_STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.skipif(not _STDLIB.is_dir(), reason="no standard library sources here")
def test_every_f_string_of_the_standard_library() -> None:
    fstrings: set[str] = set()
    for path in sorted(_STDLIB.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tokens = lex(text).tokens
        except Unlexable:
            continue
        fstrings.update(text[t.start : t.end] for t in tokens if t.kind is Kind.FSTRING)
    differ = [raw for raw in sorted(fstrings)
              if (reference := _libcst(raw)) is not None and _ours(raw) != reference]
    assert differ == []
    assert len(fstrings) > 1000
