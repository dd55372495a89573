"""The line-by-line scan (lexer + `ast` on the logical lines that need it) reports exactly what
parsing and visiting the whole module reports: same hits, same spans, same contexts, same
suppressions. The whole-module scan is the reference (`whole_module=True`)."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelguard.registry.index import ModelIndex
from modelguard.scan import python
from modelguard.scan.hits import Hit, Suppressions
from modelguard.scan.pylex import Kind, Unlexable, lex
from modelguard.scan.python import ParseFailure, scan_python
from tests import words

ID = "gpt-4.5-preview"
Q = f'"{ID}"'


def _both(source: str | bytes, index: ModelIndex) -> tuple[
    tuple[list[Hit], Suppressions], tuple[list[Hit], Suppressions]
]:
    def ordered(result: tuple[list[Hit], Suppressions]) -> tuple[list[Hit], Suppressions]:
        hits, suppressions = result
        return sorted(hits, key=lambda h: (h.span.line, h.span.column, h.written)), suppressions

    return (
        ordered(scan_python(source, index)),
        ordered(scan_python(source, index, whole_module=True)),
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"x = {Q}\n", id="assignment"),
        pytest.param(f"x = {Q}", id="no-final-newline"),
        pytest.param(f"class A:\n    def f(self, m={Q}):\n        return m\n", id="method-default"),
        pytest.param(f"def f(\n    a,\n    model={Q},  # {ID}\n):\n    pass\n", id="multi-line-header"),
        pytest.param(f"if a:\n    pass\nelif m == {Q}:\n    pass\nelse: x = {Q}\n", id="elif-else"),
        pytest.param(f"try:\n    pass\nexcept E({Q}):\n    pass\nfinally: y = [{Q}]\n", id="except-finally"),
        pytest.param(f"match m:\n    case {Q}:\n        pass\n    case {{'model': {Q}}}: pass\n", id="match-case"),
        pytest.param(f"match {Q}:\n    case _:\n        pass\n", id="match-subject"),
        pytest.param(f"async def f():\n    async with c(model={Q}) as s:\n        pass\n    async for m in g({Q}):\n        pass\n", id="async-blocks"),
        pytest.param(f"@retry(model={Q})\n@other\ndef f(): pass\n", id="decorators"),
        pytest.param(f"for m in [{Q}, 'b']:\n    pass\nwhile m != {Q}: break\n", id="for-while"),
        pytest.param(f"with open({Q}) as f, g(model={Q}):\n    pass\n", id="with-items"),
        pytest.param(f"a = 1; b = {Q}; c = {{'model': {Q}}}\n", id="semicolons"),
        pytest.param(f"x = \\\n    {Q}\ny = call(\\\n  {Q})\n", id="backslash-continuations"),
        pytest.param(f"x = call(\n    a,\n    # {ID}\n    model={Q},\n)\n", id="multi-line-call"),
        pytest.param(f'def f():\n    """Uses {ID}."""\n    return {Q}\n', id="docstring-and-return"),
        pytest.param(f"x = f'{{m!r}} {ID}' + f'{{d[{Q}]}}'\n", id="f-strings"),
        pytest.param(f"x = f\"{{d['{ID}']}}\"\n", id="literal-inside-a-placeholder"),
        pytest.param(f"x = rb'{ID}'; y = Rb'{ID}'; z = u'{ID}'; w = F'{ID}'\n", id="prefixes"),
        pytest.param(f"x = ('a' 'b'\n     {Q})\n", id="implicit-concatenation"),
        pytest.param(f"x = {Q}  # modelguard: ignore[MG001]\ny = {Q}  # modelguard: ignore\n", id="suppressions"),
        pytest.param(f"x = {Q}\r\nif a:\r\n    y = {{'model': {Q}}}\r\n", id="crlf"),
        pytest.param(f"if a:\n\tx = {Q}\n\ty = ({Q})\n", id="tabs"),
        pytest.param(f"x = 'ünï'; y = {Q}  # ünï {ID}\n", id="non-ascii"),
        pytest.param("x = 'gpt\\x2d4.5-preview'\n", id="escaped-id"),
        pytest.param(f"x = lambda m={Q}: m\ny = [m for m in ms if m == {Q}]\n", id="lambda-comprehension"),
        pytest.param(f"x = {{\n    'a': [\n        {Q},\n    ],\n}}\n", id="nested-brackets"),
        pytest.param(f"x = '''\n{ID}\n''' if a else {Q}\n", id="triple-quoted"),
        pytest.param(f"def f(a: 'T' = {Q}) -> 'R': ...\n", id="annotations"),
        pytest.param(f"x = 1\n\n\n# {ID}\n\n    \ny = {Q}\n", id="blank-lines"),
        pytest.param(f"case = {Q}\nmatch = {{'model': {Q}}}\n", id="soft-keywords-as-names"),
        pytest.param(f"print(f'{{x:>{{w}}}}', {Q})\n", id="format-spec"),
        # Lines read before are not parsed again (a file with thousands of ids): the same
        # text at another depth, over several lines, or with a suppression is its own.
        pytest.param(f"x = {Q}\nx = {Q}\nif a:\n    x = {Q}\n    x = {Q}\nx = {Q}\n",
                     id="repeated-lines-and-indents"),
        pytest.param(f"c(\n  model={Q},  # {ID}\n)\ny = 1\nc(\n  model={Q},  # {ID}\n)\n",
                     id="repeated-multi-line-statements"),
        pytest.param(f"x = {Q}\nx = {Q}  # modelguard: ignore\nx = {Q}\n",
                     id="repeated-lines-one-suppressed"),
        pytest.param(f"x = '''\n{ID}\n''' + {Q}\nx = '''\n{ID}\n''' + {Q}\n",
                     id="repeated-triple-quoted"),
        # Nodes that hold no string are not walked into; a comment in their parentheses is.
        pytest.param(f"x = (  # ' {ID}\n    a) + {Q}\ny = [a ,  # \"\n  {Q}]\n",
                     id="comments-in-parentheses-and-after-commas"),
        pytest.param(f"f(a . b , m = (1  # '\n), n={Q})\nd = {{1 : (  # \"\n 2), 'model': {Q}}}\n",
                     id="comments-around-operators"),
    ],
)
def test_line_scan_equals_the_whole_module_scan(index: ModelIndex, source: str) -> None:
    fast, whole = _both(source, index)
    assert fast == whole


SOURCES = [p.values[0] for p in test_line_scan_equals_the_whole_module_scan.pytestmark[0].args[1]]


@pytest.mark.parametrize("source", SOURCES)
def test_the_pruned_module_walk_equals_the_full_one(index: ModelIndex, source: str) -> None:
    # A module read whole (a coding cookie, a BOM) enters only the nodes spanning a line where
    # a string that may name a model starts, and takes the lexer's comments: the same result
    # as walking every node and tokenizing.
    parsed = python._parsed(source)
    assert parsed is not None
    pruned = python._scan_module(source, parsed, index, prune=True)
    assert pruned == python._scan_module(source, parsed, index, prune=False)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(f"x = {Q}\ny = = 1\n", [ID], id="elsewhere-the-id-is-still-reported"),
        pytest.param(f"x = = {Q}\n", ParseFailure, id="on-the-id's-line"),
        pytest.param(f"x = {Q}\ndef f(:\n    pass\n", ParseFailure, id="an-unclosed-bracket"),
        pytest.param(f"x = {Q}\ny = 'open\n", ParseFailure, id="an-unterminated-string"),
    ],
)
def test_syntax_errors(index: ModelIndex, source: str, expected: object) -> None:
    """A syntax error is reported when it keeps the scanner from reading the lines that hold
    an id; a file is not parsed for its own sake (files without ids never are)."""
    if expected is ParseFailure:
        with pytest.raises(ParseFailure):
            scan_python(source, index)
    else:
        assert [hit.written for hit in scan_python(source, index)[0]] == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = 'a'  # b\n", [(Kind.STRING, "'a'"), (Kind.COMMENT, "# b")], id="string-comment"),
        pytest.param("x = '#'  # '\n", [(Kind.STRING, "'#'"), (Kind.COMMENT, "# '")], id="hash-in-string"),
        pytest.param('x = """a\n\'b\'\n"""\n', [(Kind.STRING, '"""a\n\'b\'\n"""')], id="triple-quoted"),
        pytest.param("x = 'a\\'b'\n", [(Kind.STRING, "'a\\'b'")], id="escaped-quote"),
        pytest.param("x = r'a\\'b'\n", [(Kind.STRING, "r'a\\'b'")], id="raw-escaped-quote"),
        pytest.param("x = 'a\\\nb'\n", [(Kind.STRING, "'a\\\nb'")], id="backslash-newline-in-string"),
        pytest.param("x = rb'a' + Br'b'\n", [(Kind.STRING, "rb'a'"), (Kind.STRING, "Br'b'")], id="prefixes"),
        pytest.param("x = f'{a}' + Rf'b'\n", [(Kind.FSTRING, "f'{a}'"), (Kind.FSTRING, "Rf'b'")], id="f-strings"),
        pytest.param("if'a'in x: pass\n", [(Kind.STRING, "'a'")], id="quote-right-after-a-keyword"),
        pytest.param("x = ''''''\n", [(Kind.STRING, "''''''")], id="empty-triple"),
        pytest.param("x = ''\n", [(Kind.STRING, "''")], id="empty"),
    ],
)
def test_lexer_tokens(source: str, expected: list[tuple[Kind, str]]) -> None:
    lexed = lex(source)
    assert [(t.kind, source[t.start : t.end]) for t in lexed.tokens] == expected


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        pytest.param("a = 1\nb = 2\n", ["a = 1\n", "b = 2\n", ""], id="two-statements"),
        pytest.param("a = (1,\n  2)\nb = 3", ["a = (1,\n  2)\n", "b = 3"], id="brackets"),
        pytest.param("a = 1 + \\\n  2\n", ["a = 1 + \\\n  2\n", ""], id="backslash"),
        pytest.param("if a:\n    b = '''\n'''\n", ["if a:\n", "b = '''\n'''\n", ""], id="indent-and-string"),
        pytest.param("a = 1\r\nb = [\r\n]\r", ["a = 1\r\n", "b = [\r\n]\r", ""], id="crlf-and-cr"),
    ],
)
def test_lexer_logical_lines(source: str, lines: list[str]) -> None:
    lexed = lex(source)
    found = [lexed.line(n) for n in range(len(lexed.line_starts))]
    assert [source[line.start : line.end] for line in found] == lines


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("x = 'a\n", id="unterminated-string"),
        pytest.param("x = '''a\n", id="unterminated-triple"),
        pytest.param("x = (1\n", id="unclosed-bracket"),
        pytest.param("x = 1)\n", id="extra-closing-bracket"),
        pytest.param("x = 1 \\ 2\n", id="stray-backslash"),
        pytest.param('x = f"{d["a"]}"\n', id="python-3.12-f-string-quotes"),
    ],
)
def test_lexer_gives_up_on_what_it_does_not_model(source: str) -> None:
    with pytest.raises(Unlexable):
        lex(source)


# Generated modules: blocks of every statement kind, ids in every context, written with the
# layouts that move positions (brackets over lines, continuations, comments, tabs, CRLF).
_EXPRESSIONS = [Q, f"'{ID}'", f"f'{{a}} {ID}'", f"f'{ID}'", f"({Q})", f"[{Q}, 'x']",
                f"{{'model': {Q}}}", f"{{{Q}: 1}}", f"call({Q})", f"call(model={Q})",
                f"d[{Q}]", f"a == {Q}", f"'about {ID} here'", "'plain'", "1", f"f\"{{d['{ID}']}}\"",
                f"(\n    {Q}  # {ID}\n)", f"call(\n    a,\n    model={Q},\n)", f"\\\n    {Q}",
                f"'''\n{ID}\n'''", f"os.getenv('MODEL', {Q})"]
_STATEMENTS = ["x = {e}", "self.model = {e}", "call({e})", "return {e}", "assert {e}",
               "x: str = {e}", "a = 1; b = {e}", "del d[{e}]", "x = {e}  # {id}",
               "x = {e}  # modelguard: ignore", "# {id}", "y = lambda m={e}: m", "raise E({e})"]
_HEADERS = ["if {e}:", "while {e}:", "for m in {e}:", "with ctx({e}) as c:", "def f(m={e}):",
            "class C(Base, meta={e}):", "@deco({e})\ndef g():", "async def h(m={e}):",
            "try:", "match {e}:"]
_PATTERNS = [Q, "_", "{'model': m}", f"[{Q}, *rest]"]


@st.composite
def _block(draw: st.DrawFn, depth: int, indent: str) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        expression = draw(st.sampled_from(_EXPRESSIONS))
        if depth < 2 and draw(st.booleans()):
            header = draw(st.sampled_from(_HEADERS)).format(e=expression, id=ID)
            inner = indent + draw(st.sampled_from(["    ", "\t", "  "]))
            lines.append(indent + header.replace("\n", "\n" + indent))
            if header == "try:":
                lines.extend(draw(_block(depth + 1, inner)))
                other = draw(st.sampled_from(_EXPRESSIONS))
                lines.append(f"{indent}except E({other}):")
                lines.extend(draw(_block(depth + 1, inner)))
                lines.append(f"{indent}finally:")
            elif header.startswith("match"):
                pattern = draw(st.sampled_from(_PATTERNS))
                lines.append(f"{inner}case {pattern}:")
                inner += "    "
            elif header.startswith("if"):
                lines.extend(draw(_block(depth + 1, inner)))
                lines.append(f"{indent}elif m == {draw(st.sampled_from(_EXPRESSIONS))}:")
            lines.extend(draw(_block(depth + 1, inner)))
        else:
            statement = draw(st.sampled_from(_STATEMENTS)).format(e=expression, id=ID)
            lines.append(indent + statement)
    return lines


@st.composite
def _module(draw: st.DrawFn) -> str:
    text = "\n".join(draw(_block(0, ""))) + "\n"
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_module())
def test_generated_modules(index: ModelIndex, source: str) -> None:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:  # the generator's combinations are not all valid Python
        return
    fast, whole = _both(source, index)
    assert fast == whole


@pytest.fixture(scope="module")
def word_index(tmp_path_factory: pytest.TempPathFactory) -> ModelIndex:
    return words.word_index(tmp_path_factory.mktemp("registry"))


_STDLIB = Path(sysconfig.get_paths()["stdlib"])
_SAMPLE = sorted(_STDLIB.glob("*.py"))[::8]


@pytest.mark.parametrize("path", _SAMPLE, ids=[p.name for p in _SAMPLE])
def test_standard_library_modules(word_index: ModelIndex, path: Path) -> None:
    source = path.read_bytes()
    try:
        fast, whole = _both(source, word_index)
    except Exception:  # a module libcst cannot parse (newer syntax): nothing to compare
        pytest.skip("libcst cannot parse it")
    assert fast == whole
