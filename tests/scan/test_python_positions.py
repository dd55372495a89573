"""The scanner locates literals with `ast` and its own lexer; every span it reports must be the
one libcst's PositionProvider gives the same node, line by line and reading the module whole."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from modelguard.registry.index import ModelIndex
from modelguard.scan.hits import Span
from modelguard.scan.python import scan_python

ID = "gpt-4.5-preview"


def _expected(source: str | bytes) -> list[Span]:
    """PositionProvider's span of every literal whose whole value is ID, and of every ID in a
    comment or in the text of an f-string with placeholders (all on one line here)."""
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    spans = []
    for node, where in positions.items():
        start, end = where.start, where.end
        whole: str | None = None
        if isinstance(node, cst.SimpleString):
            try:
                value = node.evaluated_value
            except SyntaxError:  # escapes Python rejects: no value
                value = None
            whole = value.decode() if isinstance(value, bytes) else value
        elif isinstance(node, cst.FormattedString):
            texts = [p.value for p in node.parts if isinstance(p, cst.FormattedStringText)]
            whole = "".join(texts) if len(texts) == len(node.parts) else None
        elif isinstance(node, (cst.Comment, cst.FormattedStringText)):
            parent_whole = isinstance(node, cst.FormattedStringText) and node.value == ID
            at = node.value.find(ID)
            while at >= 0 and not parent_whole:
                column = start.column + at + 1
                spans.append(Span(start.line, column, start.line, column + len(ID)))
                at = node.value.find(ID, at + 1)
        if whole == ID:
            spans.append(Span(start.line, start.column + 1, end.line, end.column + 1))
    return sorted(spans, key=lambda s: (s.line, s.column))


Q = '"' + ID + '"'

@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"x = {Q}\n", id="assignment"),
        pytest.param(f"# {Q}\nx = {Q}  # {ID}\n", id="same-text-in-a-comment-first"),
        pytest.param(f"x = f'{{a}} {Q}'\ny = {Q}\n", id="same-text-in-an-f-string-first"),
        pytest.param(f"x = f'{{ {Q} }} {{b!r:>{{w}}}}'\ny = {Q}\n", id="literal-in-a-placeholder"),
        pytest.param(f"x = f'''\n{{'a'}}\n''' + {Q}\n", id="multi-line-f-string"),
        pytest.param(f"x = f\"'{ID}' {{'{ID}'}}\"\n", id="same-text-in-an-f-string-text-part"),
        pytest.param(f"x = f\"\\n'''\\n{{''.join(c)}}'''\" + {Q}\n", id="quotes-in-f-string-text"),
        pytest.param(f"x = f\"{{a:'^{{''}}}}\" + {Q}\n", id="quotes-in-a-format-spec"),
        pytest.param(f'x = """\n\n"""\ny = ({Q})\n', id="after-a-triple-quoted-string"),
        pytest.param(f"x = 'a\\\n b'\ny = {Q}\n", id="backslash-newline-in-a-string"),
        pytest.param(f"x = 'a' \\\n    {Q}\n", id="implicit-concatenation"),
        pytest.param(f"x = 1\r\ny = {Q}\r\n# {ID}\r\n", id="crlf"),
        pytest.param(f"x = 1\ry = {Q}\r", id="cr"),
        pytest.param(f"x = '\x0c\u2028'\ny = {Q}\n", id="line-breaks-libcst-does-not-count"),
        pytest.param(f"x = 'ünïcödé'; y = {Q}\n", id="non-ascii-columns"),
        pytest.param(f"@d({Q})\n# {ID}\ndef f(a={Q}) -> 'T':\n    return {{'m': {Q}}}[{Q}]\n",
                     id="decorator-default-dict-subscript"),
        pytest.param(f"match x:\n    case {Q}:  # {ID}\n        pass\n", id="match"),
        pytest.param(f"if a:\n    pass\n    # {ID}\nelse:\n    y = {Q}\n# {ID}\n", id="footers"),
        pytest.param(f"x = lambda a={Q}: [{Q} for _ in a if _ == {Q}]\n", id="lambda-comprehension"),
        pytest.param(f"x = {Q}\n".encode("utf-8-sig"), id="bom"),
        pytest.param(f"x = (  # {ID}\n    {Q}  # {ID}\n)\ny = ( ( {Q} ) )\n", id="comments-in-parentheses"),
        pytest.param(f"x = (  # {ID}\n    f'{{a}} {ID}'  # {ID}\n) + {Q}\n", id="f-string-in-parentheses"),
        pytest.param(f"if a:\n    x = (  # {ID}\n        # {ID}\n        {Q}\n    )  # {ID}\n", id="indented-parentheses"),
        pytest.param(f"x = ((  # {Q}\n  {Q}  # {ID}\n))\n", id="two-parentheses-and-the-id-in-comments"),
        pytest.param(f"x = (\"# {ID}x\"  # {ID}\n)\n", id="comment-text-inside-the-string"),
        pytest.param(f"# -*- coding: latin-1 -*-\nx = 'é'; y = {Q}\n".encode("latin-1"),
                     id="latin-1-cookie"),
        # Escapes Python rejects and libcst reads: the strings are still read.
        pytest.param(f"x = '\\N' + {Q}; y = b'é' + '\\x4'\n# {ID}\n", id="invalid-escapes"),
        pytest.param(f"x = f'{{y}}{ID}\\NLATIN'\nz = ({Q})\n", id="invalid-escape-in-an-f-string"),
        pytest.param(f"x = f'\\N{{DASH}} {{a}} {ID}' + {Q}\n", id="named-escape-in-an-f-string"),
        pytest.param(f"x = f'{{a!=b}} {{c=}} {ID} {{d==e}}' + {Q}\n", id="operators-in-placeholders"),
        pytest.param(f"x = f'{{{{ {ID} }}}}' + f'{{f\"{{a}} {ID}\"}}' + {Q}\n",
                     id="doubled-braces-and-a-nested-f-string"),
        pytest.param(f"x = ({Q} f'{{a}} {ID}'\n  {Q})\n", id="string-and-f-string-concatenated"),
        pytest.param(f"x = [{{'k': {Q}}}[k] for k in {{{Q}}}]\n", id="dict-and-set-displays"),
    ],
)
@pytest.mark.parametrize("whole", [False, True], ids=["lines", "whole"])
def test_spans_are_libcsts_positions(
    index: ModelIndex, source: str | bytes, whole: bool
) -> None:
    hits, _ = scan_python(source, index, whole_module=whole)
    assert sorted((hit.span for hit in hits), key=lambda s: (s.line, s.column)) == _expected(source)
