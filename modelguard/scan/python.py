"""Python sources: `ast` finds every string literal, the context table decides how each
whole-id literal may be fixed, and the lexer (`pylex`) finds the comments.

A module is not parsed whole when it need not be: an id sits in a few lines of a file. The
lexer finds every string and comment; comments and strings that hold no whole id are prose,
scanned as they stand; only the logical lines with a literal whose context matters (a whole
id, an f-string) are parsed and walked. Whatever the lexer cannot vouch for, or a line that
does not parse on its own, sends the whole module to `ast`.

`ast` rather than libcst: its parser is CPython's own, in C, and costs no import. libcst stays
the codemod's parser (`modelguard.fix.python`), and words the error for a module that `ast`
cannot read either (`parse`), as reports always gave it.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import sys
import tokenize
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex
from modelguard.scan import contexts as ctx
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits
from modelguard.scan.prefilter import has_coding_cookie
from modelguard.scan.pylex import (
    Kind,
    Lexed,
    LogicalLine,
    Token,
    Unlexable,
    lex,
    lex_prefix,
    split_fstring,
)
from modelguard.scan.suppressions import PYTHON_COMMENT, ignored_codes
from modelguard.scan.syntax import syntax_tree

if TYPE_CHECKING:
    import libcst as cst


class ParseFailure(Exception):
    """The source is not Python this scanner can read; the message is one line for users.

    `hits` and `suppressions` are what can still be vouched for without a syntax tree (see
    `unparsed_hits`); `scan_python` fills them in, `parse` leaves them empty."""

    def __init__(
        self, message: str, hits: tuple[Hit, ...] = (), suppressions: Suppressions | None = None
    ) -> None:
        super().__init__(message)
        self.hits = hits
        self.suppressions: Suppressions = suppressions or {}


def parse(source: str | bytes) -> cst.Module:
    """The module's libcst tree (for the codemod), or a `ParseFailure` saying why not."""
    import libcst as cst  # a third of a second to import: only a fix or a broken file pays it

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise ParseFailure(
            f"syntax error at line {error.raw_line}, column {error.raw_column + 1}: "
            f"{error.message.splitlines()[0] if error.message else 'invalid syntax'}"
        ) from None
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        raise ParseFailure(f"cannot decode: {error}") from None


def scan_python(
    source: str | bytes, index: ModelIndex, *, whole_module: bool = False,
    lexed: Lexed | None = None,
) -> tuple[list[Hit], Suppressions]:
    """All model ids in a module: whole literals with their context, and mentions in text.

    `whole_module` makes `ast` parse and walk all of it, and Python's tokenizer find its
    comments (the reference the line-by-line scan is tested against). `lexed`: the module's
    `lexed_source`, when the caller has it (rule MG005 reads it too)."""
    text = None if whole_module else lexed.text if lexed is not None else plain_text(source)
    if text is not None:
        try:
            return _scan_lines(text, lexed if lexed is not None else lex(text), index)
        except Unlexable:
            pass
    # A byte order mark or a coding cookie (a Python 2 file often has one: a syntax error
    # anywhere is reported), or what the lexer does not vouch for: the module is read whole.
    text = source if isinstance(source, str) else decoded(source)
    parsed = None if text is None else _parsed(text)
    if text is None or parsed is None:
        message = _parse_error(source)
        found, ignored = unparsed_hits(source, index)
        raise ParseFailure(message, tuple(found), ignored) from None
    return _scan_module(text, parsed, index, prune=not whole_module)


def _scan_module(text: str, parsed: tuple[ast.Module, str], index: ModelIndex, *, prune: bool
                 ) -> tuple[list[Hit], Suppressions]:
    """The walk of a whole module. With `prune`, where the lexer reads the module to its end,
    only the statements and expressions spanning a line where a string that may name a model
    starts are entered (an id sits in a few lines of a file), and the lexer's comments are
    used; else every node, and the comments of Python's tokenizer."""
    suppressions: Suppressions = {}
    locator = _Locator(text)
    walker = _Walker(text, index, locator)
    tokens, stop = lex_prefix(text) if prune else ((), -1)
    if stop != len(text):
        walker.walk(parsed[0], _Code(parsed[1], 0))
        walker.comments(suppressions)
        return sorted(walker.hits, key=_place), suppressions
    naming = sorted({locator.span(token.start, token.start).line for token in tokens
                     if token.kind is not Kind.COMMENT
                     and index.may_contain(text[token.start : token.end])})
    walker.walk(parsed[0], _Code(parsed[1], 0), naming)
    for token in tokens:
        if token.kind is Kind.COMMENT:
            raw = text[token.start : token.end]
            span = locator.span(token.start, token.end)
            ignore = PYTHON_COMMENT.search(raw)
            if ignore is not None:
                suppressions[span.line] = ignored_codes(ignore)
            walker.hits.extend(mention_hits(raw, span, index))
    return sorted(walker.hits, key=_place), suppressions


def _parse_error(source: str | bytes) -> str:
    """Why a module does not parse, in libcst's words as reports always gave them; a module
    only this Python cannot read (newer syntax) in `ast`'s."""
    try:
        parse(source)
    except ParseFailure as failure:
        return str(failure)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        return (f"syntax error at line {error.lineno}, column {error.offset}: {error.msg} "
                f"(newer syntax than Python {sys.version_info[0]}.{sys.version_info[1]} reads: "
                "run modelguard with the Python the code is written for)")
    except (ValueError, RecursionError, MemoryError) as error:
        return f"not parsed: {error}"
    return "not parsed"


def _place(hit: Hit) -> tuple[int, int]:
    return hit.span.line, hit.span.column


def unparsed_hits(source: str | bytes, index: ModelIndex) -> tuple[list[Hit], Suppressions]:
    """What a module that does not parse still shows: a Python 2 file, a template, syntax newer
    than this Python, work in progress.

    Without a tree no literal has a context, so every hit is `unparsed`: a string token whose
    whole value is an id is an unsafe fix (the lexer found exactly where that literal starts and
    ends, so `fix --unsafe-fixes` can rewrite it and check the file's tokens again, see
    `modelguard.fix.python`); an id in a comment or a longer string is a mention. Where the
    lexer stops vouching for its tokens (an unterminated string, see `lex_prefix`; unbalanced
    brackets do not stop it), the rest of the file is searched line by line for what looks
    like a string or a comment, and everything found there is a mention, never rewritten.
    Bytes that do not decode (as UTF-8, or as the file's BOM or coding cookie says) hold
    nothing this can vouch for."""
    text = source if isinstance(source, str) else decoded(source)
    if text is None:
        return [], {}
    tokens, stop = lex_prefix(text)
    locator = _Locator(text)
    hits: list[Hit] = []
    suppressions: Suppressions = {}
    for token in tokens:
        raw = text[token.start : token.end]
        span = locator.span(token.start, token.end)
        if token.kind is Kind.COMMENT:
            ignore = PYTHON_COMMENT.search(raw)
            if ignore is not None:
                suppressions[span.line] = ignored_codes(ignore)
        if not index.may_contain(raw):
            continue
        value = string_value(raw) if token.kind is Kind.STRING else None
        match = index.lookup(value) if value is not None else None
        if value is not None and match is not None:
            hits.append(Hit(span, value, match, ctx.UNPARSED.fix, ctx.UNPARSED.name))
        else:
            hits.extend(_unparsed(mention_hits(raw, span, index)))
    if stop < len(text):
        _scan_rest(text, locator.span(stop, stop), index, hits, suppressions)
    return hits, suppressions


# On a line the lexer could not vouch for: a comment, a quoted string closed on the line, or a
# quote left open to the end of the line.
_LOOKS_LIKE_TEXT = re.compile(
    r"#.*|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|'.*|\".*"
)


def decoded(source: bytes) -> str | None:
    """The text as libcst would decode it (a BOM, a coding cookie, else UTF-8), or None."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def _scan_rest(
    text: str, start: Span, index: ModelIndex, hits: list[Hit], suppressions: Suppressions
) -> None:
    """Mentions in what looks like strings and comments, line by line from `start` (where the
    lexer stopped vouching; see `unparsed_hits`)."""
    lines = _NEWLINE.split(text)
    for number in range(start.line, len(lines) + 1):
        line = lines[number - 1]
        first = start.column - 1 if number == start.line else 0
        for found in _LOOKS_LIKE_TEXT.finditer(line, first):
            raw = found.group()
            span = Span(number, found.start() + 1, number, found.end() + 1)
            if raw.startswith("#") and (ignore := PYTHON_COMMENT.search(raw)) is not None:
                suppressions[number] = ignored_codes(ignore)
            if index.may_contain(raw):
                hits.extend(_unparsed(mention_hits(raw, span, index)))


def _unparsed(hits: Iterable[Hit]) -> list[Hit]:
    return [replace(hit, context=ctx.UNPARSED.name) for hit in hits]


def string_value(raw: str) -> str | None:
    """The value of a string token as Python 3 reads it, or None (a Python 2 `ur"…"`)."""
    return _short_value(raw) if len(raw) <= _SHORT else _value(raw)


# A file with thousands of ids writes the same few literals again and again; `literal_eval`
# compiles each. Short literals' values are kept (a pure function of the text: no state that
# can change a result), long ones are not kept at all.
_SHORT = 200


@functools.lru_cache(maxsize=4096)
def _short_value(raw: str) -> str | None:
    return _value(raw)


def _value(raw: str) -> str | None:
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" is the user's, not ours
            warnings.simplefilter("ignore")
            value = ast.literal_eval(raw)
    except Exception:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value if isinstance(value, str) else None


def lexed_source(source: str | bytes) -> Lexed | None:
    """The lexer's reading of a module in plain text (`plain_text`); None for one that is
    not, or that the lexer does not vouch for (the module is then read whole)."""
    text = plain_text(source)
    if text is None:
        return None
    try:
        return lex(text)
    except Unlexable:
        return None


def plain_text(source: str | bytes) -> str | None:
    """The source as text when it is plain UTF-8; None when it must be decoded as libcst
    decodes it for the codemod (a byte order mark, a coding cookie, bytes that are not UTF-8)."""
    if isinstance(source, str):
        return source
    if source.startswith(b"\xef\xbb\xbf") or has_coding_cookie(source):
        return None
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _scan_lines(text: str, lexed: Lexed, index: ModelIndex) -> tuple[list[Hit], Suppressions]:
    locator = _Locator(text)
    hits: list[Hit] = []
    suppressions: Suppressions = {}
    in_context: set[int] = set()  # logical lines that must be parsed
    prose = []
    # Where names stand in the module, from one native pass. A token starts
    # at a quote, a string prefix or a `#` and ends at a quote or before a line break, so the
    # names standing in it are those standing inside its offsets: `may_contain` of the token.
    standing = index.prefilter().standing(text)
    starts = [start for start, _ in standing] if standing is not None else []
    keys = index.key_atoms(text) if standing is None else None
    # One search for all of them (ASCII letters and digits: ignoring case is `lower()`).
    key_atom = re.compile("|".join(map(re.escape, keys)) or "(?!)", re.IGNORECASE) \
        if keys is not None else None

    def may_name(raw: str, start: int, end: int) -> bool:
        if "\\" in raw or not raw.isascii():
            return index.may_contain(raw)  # escapes and folding spell names otherwise
        if standing is not None:
            at = bisect_left(starts, start)
            while at < len(starts) and starts[at] < end:
                if standing[at][1] <= end:
                    return True
                at += 1
            return False
        # A token's atoms are atoms of the text (it starts after a quote, a `#` or a byte
        # that is no name character, and ends at a quote or a line break): a name written
        # plainly in it holds one of the text's key atoms.
        if key_atom is None:
            return index.may_contain(raw)
        return key_atom.search(raw) is not None

    for token in lexed.tokens:
        raw = text[token.start : token.end]
        if token.kind is Kind.COMMENT:
            span = locator.span(token.start, token.end)
            ignore = PYTHON_COMMENT.search(raw)
            if ignore is not None:
                suppressions[span.line] = ignored_codes(ignore)
            if may_name(raw, token.start, token.end):
                hits.extend(mention_hits(raw, span, index))
        elif not may_name(raw, token.start, token.end):
            continue
        elif token.kind is Kind.FSTRING or _is_whole_id(raw, index):
            in_context.add(token.line)
        else:
            prose.append(token)
    for token in prose:
        if token.line not in in_context:  # else the visitor of its line reports it
            span = locator.span(token.start, token.end)
            hits.extend(mention_hits(text[token.start : token.end], span, index))
    # A file with thousands of ids repeats its lines (`create(model="gpt-4")` in every
    # test): a logical line whose text (and indentation) was read before has the same hits,
    # moved down, without libcst parsing and visiting it again.
    seen: dict[tuple[str, int], tuple[int, list[Hit]]] = {}
    for number in sorted(in_context):
        line = lexed.line(number)
        where = locator.span(line.start, line.start)
        key = (text[line.start : line.end], where.column)
        before = seen.get(key)
        if before is None:
            found = _scan_logical_line(text, line, locator, index)
            seen[key] = (where.line, found)
            hits.extend(found)
        else:
            hits.extend(_moved(hit, where.line - before[0]) for hit in before[1])
    hits.sort(key=_place)
    return hits, suppressions


def _moved(hit: Hit, lines: int) -> Hit:
    """`hit` as found `lines` lines further down."""
    span = hit.span
    first, last = hit.lines  # 0: none
    return replace(hit, span=Span(span.line + lines, span.column, span.end_line + lines,
                                  span.end_column),
                   lines=(first + lines if first else 0, last + lines if last else 0))


def _is_whole_id(raw: str, index: ModelIndex) -> bool:
    """Is the value of this string literal (as written in the source) a known id?"""
    value = string_value(raw)  # libcst's own evaluation fails the same way: no whole value
    return value is not None and index.lookup(value) is not None


def _scan_logical_line(
    text: str, line: LogicalLine, locator: _Locator, index: ModelIndex
) -> list[Hit]:
    """The literals of one logical line, walked in a module of their own: the line alone, or
    inside the least code that makes it a statement (a body after a header, an `if` before an
    `elif`, ...)."""
    for module, at in as_module(text[line.start : line.end]):
        parsed = _parsed(module)
        if parsed is None:
            continue
        walker = _Walker(text, index, locator)
        walker.walk(parsed[0], _Code(parsed[1], line.start - at))
        return walker.hits
    raise Unlexable("a logical line does not parse on its own")


def as_module(code: str) -> Iterator[tuple[str, int]]:
    """A logical line (from its first word) inside each least code that may make it a module
    (a body after a header, an `if` before an `elif`, ...), in the order to try them, with the
    offset where the line starts in it. Rule MG005 reads lines this way too."""
    newline = _NEWLINE.search(code)
    eol = newline.group() if newline is not None else "\n"
    if not code.endswith(("\n", "\r")):  # the last line of the file
        code += eol
    for before, after in _wrappers(code, eol):
        yield before + code + after, len(before)


_FIRST_WORD = re.compile(r"@|[A-Za-z_]*")


def _wrappers(code: str, eol: str) -> Iterator[tuple[str, str]]:
    """Code to put before and after a logical line to make it a module libcst accepts."""
    word = _FIRST_WORD.match(code).group()  # type: ignore[union-attr]
    body = " pass" + eol
    if word == "@":
        yield "", "def f(): pass" + eol
        return
    if word in ("elif", "else"):
        yield from ((f"if 0:{eol}{body}", after) for after in ("", body))
        return
    if word in ("except", "finally"):
        yield from ((f"try:{eol}{body}", after) for after in ("", body))
        return
    yield "", ""
    yield "", body
    if word == "case":
        yield from ((f"match 0:{eol} ", after) for after in ("", " " + body))
    elif word == "match":
        yield "", f" case _: pass{eol}"
    elif word == "async":
        yield from ((f"async def f():{eol} ", after) for after in ("", " " + body))


# Line breaks as Python's tokenizer counts them (not the others `str.splitlines` knows).
_NEWLINE = re.compile(r"\r\n?|\n")


def _parsed(code: str) -> tuple[ast.Module, str] | None:
    """`code`'s syntax tree and the text it was read from, or None when this Python cannot
    read it.

    libcst reads literals whose escapes Python rejects (`"\\N"`, `"\\x4"`, non-ASCII bytes):
    such code is read again with every string's body blanked, at the same length. The walk
    reads literals from the module's own text, never from the tree's values, so nothing it
    reports changes."""
    tree = syntax_tree(code)
    if tree is not None:
        return tree, code
    blank = _blank_strings(code)
    tree = None if blank == code else syntax_tree(blank)
    return None if tree is None else (tree, blank)


# In a string's body, what is blanked: all but line breaks and the backslashes that continue a
# line.
_BODY_CHARACTER = re.compile(r"[^\r\n\\]|\\(?![\r\n])")


def _blank_strings(code: str) -> str:
    """`code` with each string token's body (between its quotes) made spaces."""
    tokens, _ = lex_prefix(code)
    pieces: list[str] = []
    done = 0
    for token in tokens:
        if token.kind is Kind.COMMENT:
            continue
        raw = code[token.start : token.end]
        prefix = len(raw) - len(raw.lstrip("rRbBuUfF"))
        quote = 3 if raw.startswith(("'''", '"""'), prefix) else 1
        body_start, body_end = token.start + prefix + quote, token.end - quote
        pieces += code[done:body_start], _BODY_CHARACTER.sub(" ", code[body_start:body_end])
        done = body_end
    pieces.append(code[done:])
    return "".join(pieces)


def spans_a_line(node: ast.AST, lines: list[int]) -> bool:
    """Does `node` span one of `lines` (sorted)? A node without lines of its own does; a
    decorated definition spans its decorators (its own line is the `def`'s)."""
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        first = min(first, decorators[0].lineno)
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (getattr(node, "end_lineno", None) or first)


class _Locator:
    """1-based lines and columns (in characters) of offsets in the module's text."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self._line_ends = [m.end() for m in _NEWLINE.finditer(text)]
        else:  # the same ends, from C loops
            self._line_ends = list(accumulate(map((1).__add__, map(len, text.split("\n")))))
            self._line_ends.pop()

    def span(self, start: int, end: int) -> Span:
        return Span(*self._position(start), *self._position(end))

    def _position(self, offset: int) -> tuple[int, int]:
        lines = bisect_right(self._line_ends, offset)
        return lines + 1, offset - (self._line_ends[lines - 1] if lines else 0) + 1


class _Code:
    """A piece of code parsed on its own (the module, a logical line in its wrapper, an
    f-string's placeholder in parentheses), and where it stands in the module: offset `o` of
    the code is offset `o + shift` of the module's text."""

    def __init__(self, code: str, shift: int) -> None:
        self.code = code
        self.shift = shift
        self._starts = [0, *(m.end() for m in _NEWLINE.finditer(code))]

    def offset(self, line: int, column: int) -> int:
        """The module offset of an `ast` position (a 1-based line, a column in UTF-8 bytes)."""
        start = self._starts[line - 1]
        if line < len(self._starts):
            piece = self.code[start : self._starts[line]]
        else:
            piece = self.code[start:]
        if not piece.isascii():
            column = len(piece.encode()[:column].decode())
        return start + column + self.shift

    def bounds(self, node: ast.expr) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno or node.lineno,
                            node.end_col_offset if node.end_col_offset is not None
                            else node.col_offset))


@dataclass
class _Tree:
    """What the walk of one tree learns about its nodes (ids are only unique while the tree
    lives: each tree has its own)."""

    code: _Code
    # Parents are reached before their children, so a parent labels its literal children.
    context: dict[int, ctx.Context] = field(default_factory=dict)
    tables: set[int] = field(default_factory=set)  # keys and members of tables of model ids
    subscripts: set[int] = field(default_factory=set)  # tuples of a subscript's elements
    tokens: dict[int, tuple[Token, ...] | None] = field(default_factory=dict)


class _Walker:
    """Every string literal of a tree, with the context its parents give it, as hits: a whole
    id where its context allows one, else the ids its text mentions.

    `ast` gives a literal's place but not its tokens: implicitly concatenated strings are one
    node, and before Python 3.12 an f-string's parts have no positions of their own. So each
    literal node's source is lexed (`pylex`) into its string tokens, and each f-string token is
    split into its text and its placeholders (`split_fstring`), whose expressions are parsed and
    walked on their own."""

    def __init__(self, text: str, index: ModelIndex, locator: _Locator) -> None:
        self.text = text
        self.index = index
        self.locator = locator
        self.hits: list[Hit] = []

    def walk(self, root: ast.AST, code: _Code, lines: list[int] | None = None) -> None:
        """Walk `root`; with `lines` (sorted), only into the nodes spanning one of them (a
        parent labels its literals when it is reached, so it is reached when they are)."""
        tree = _Tree(code)
        stack = [root]
        while stack:
            node = stack.pop()  # the order does not matter: hits are sorted by place
            if lines is not None and not spans_a_line(node, lines):
                continue
            kind = type(node)
            if kind is ast.JoinedStr or (
                    kind is ast.Constant
                    and isinstance(node.value, (str, bytes))):  # type: ignore[attr-defined]
                self._literal(tree, node)  # type: ignore[arg-type]
                continue
            label = _LABELS.get(kind)
            if label is not None:
                label(self, tree, node)
            stack.extend(ast.iter_child_nodes(node))

    def comments(self, suppressions: Suppressions) -> None:
        """The module's comments: mentions, and `modelguard: ignore` in `suppressions`."""
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        except (tokenize.TokenError, SyntaxError):
            return  # `ast` read the module, so its tokenizer does
        for token in tokens:
            if token.type != tokenize.COMMENT:
                continue
            (line, column), raw = token.start, token.string
            span = Span(line, column + 1, line, column + 1 + len(raw))
            ignore = PYTHON_COMMENT.search(raw)
            if ignore is not None:
                suppressions[line] = ignored_codes(ignore)
            self.hits.extend(mention_hits(raw, span, self.index))

    # Literals -------------------------------------------------------------------------------

    def tokens(self, tree: _Tree, node: ast.expr) -> tuple[Token, ...] | None:
        """The string tokens of a literal node (several: implicit concatenation), at module
        offsets; None when its source does not lex as strings alone."""
        key = id(node)
        if key not in tree.tokens:
            start, end = tree.code.bounds(node)
            found, stop = lex_prefix(self.text[start:end])
            tree.tokens[key] = None if stop != end - start else tuple(
                Token(token.kind, token.start + start, token.end + start, 0)
                for token in found if token.kind is not Kind.COMMENT)
        return tree.tokens[key]

    def literal_text(self, tree: _Tree, node: ast.expr, *, fstrings: bool = True) -> str | None:
        """The value of a literal written as one token with no placeholders, else None (an
        f-string's text as written, doubled braces read: what a rewrite would replace)."""
        if type(node) is ast.Constant:
            if not isinstance(node.value, (str, bytes)):
                return None
        elif type(node) is not ast.JoinedStr or not fstrings:
            return None
        tokens = self.tokens(tree, node)
        if tokens is None or len(tokens) != 1:
            return None
        raw = self.text[tokens[0].start : tokens[0].end]
        return string_value(raw) if tokens[0].kind is Kind.STRING else fstring_text(raw)

    def _literal(self, tree: _Tree, node: ast.Constant | ast.JoinedStr) -> None:
        tokens = self.tokens(tree, node)
        # Not seen as string tokens (or none at all: the text of a Python 3.14 template
        # string, whose node has no case here): its ids are mentions, never rewritten.
        if not tokens:
            start, end = tree.code.bounds(node)
            self._mentions(start, end)
            return
        context = tree.context.get(id(node), ctx.EXPRESSION)
        if len(tokens) > 1:
            context = ctx.CONCATENATION
        for token in tokens:
            raw = self.text[token.start : token.end]
            if token.kind is Kind.STRING:
                if not self._whole(string_value(raw), token, context):
                    self._mentions(token.start, token.end)
            else:
                self._fstring(raw, token, context)

    def _fstring(self, raw: str, token: Token, context: ctx.Context) -> None:
        parts = split_fstring(raw)
        if parts is None:
            self._mentions(token.start, token.end)
            return
        if not parts.expressions and self._whole(fstring_text(raw), token, context):
            return
        for start, end in parts.texts:  # placeholders are code, walked below; texts are prose
            self._mentions(token.start + start, token.start + end)
        for start, end in parts.expressions:
            parsed = _parsed("(" + raw[start:end] + ")")
            if parsed is None:
                self._mentions(token.start + start, token.start + end)
            else:
                self.walk(parsed[0], _Code(parsed[1], token.start + start - 1))

    def _whole(self, value: str | None, token: Token, context: ctx.Context) -> bool:
        """Record the literal as a hit when its whole value is a known id."""
        match = None if value is None else self.index.lookup(value)
        if match is None or value is None:
            return False
        fix = ctx.settle(value, match, context.fix, context.model_slot)
        if fix is not None:  # else the place says it is no model: not even a mention
            self.hits.append(Hit(self.locator.span(token.start, token.end), value, match, fix,
                                 context.name))
        return True

    def _mentions(self, start: int, end: int) -> None:
        span = self.locator.span(start, end)
        self.hits.extend(mention_hits(self.text[start:end], span, self.index))

    # Contexts -------------------------------------------------------------------------------

    def known_ids(self, tree: _Tree, nodes: Iterable[ast.expr]) -> int:
        """How many of these expressions are literals naming a known id as registered."""
        count = 0
        for node in nodes:
            value = self.literal_text(tree, node)
            match = None if value is None else self.index.lookup(value)
            if match is not None and value is not None and ctx.registered(value, match):
                count += 1
        return count

    def names_a_model(self, tree: _Tree, node: ast.expr) -> bool:
        """`model`, `self.engine`, `config["model"]`: an expression whose name says model."""
        if isinstance(node, ast.Subscript):
            key = self.subscript_key(tree, node)
            return key is not None and ctx.names_a_model(key)
        name = _name(node)
        return name is not None and ctx.names_a_model(name)

    def subscript_key(self, tree: _Tree, node: ast.Subscript) -> str | None:
        """The key of `x["key"]`: a subscript by one literal."""
        key = node.slice
        if isinstance(key, ast.Tuple) and id(key) in tree.subscripts:
            return None
        return self.literal_text(tree, key)

    def assignment(self, tree: _Tree, targets: Iterable[ast.expr]) -> ctx.Context:
        named = False
        for target in targets:
            if isinstance(target, ast.Subscript):
                key = self.subscript_key(tree, target)
                if key is None or not ctx.names_a_model(key):
                    return ctx.DICT_VALUE
                named = True
            elif isinstance(target, (ast.Name, ast.Attribute)):
                named = named or ctx.names_a_model(_name(target) or "")
            else:
                return ctx.CONTAINER
        return ctx.MODEL_ASSIGNMENT if named else ctx.ASSIGNMENT


def fstring_text(raw: str) -> str | None:
    """The text of an f-string token with no placeholders, doubled braces read; else None."""
    parts = split_fstring(raw)
    if parts is None or parts.expressions:
        return None
    text = "".join(raw[start:end] for start, end in parts.texts)
    return text.replace("{{", "{").replace("}}", "}")


def _label(tree: _Tree, node: ast.expr | None, context: ctx.Context) -> None:
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        tree.context[id(node)] = context
    elif isinstance(node, ast.IfExp):  # `model="davinci" if old else "gpt-4o"`: both values
        _label(tree, node.body, context)
        _label(tree, node.orelse, context)


def _keyword(walker: _Walker, tree: _Tree, node: ast.keyword) -> None:
    if node.arg is not None:
        named = ctx.names_a_model(node.arg)
        _label(tree, node.value, ctx.MODEL_KEYWORD if named else ctx.KEYWORD_ARGUMENT)


def _call(walker: _Walker, tree: _Tree, node: ast.Call) -> None:
    positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
    for arg in positional:
        _label(tree, arg, ctx.CALL_ARGUMENT)
    # getenv("OPENAI_MODEL", "gpt-4") / settings.get("model", "gpt-4"): a model default.
    if len(positional) == 2 and _name(node.func) in ("get", "getenv", "setdefault"):
        key = walker.literal_text(tree, positional[0], fstrings=False)
        if key is not None and ctx.names_a_model(key):
            _label(tree, positional[1], ctx.MODEL_DEFAULT)


def _assign(walker: _Walker, tree: _Tree, node: ast.Assign) -> None:
    _label(tree, node.value, walker.assignment(tree, node.targets))


def _annotated(walker: _Walker, tree: _Tree, node: ast.AnnAssign) -> None:
    _label(tree, node.value, walker.assignment(tree, [node.target]))


def _arguments(walker: _Walker, tree: _Tree, node: ast.arguments) -> None:
    positional = [*node.posonlyargs, *node.args]
    defaults = [*zip(positional[len(positional) - len(node.defaults):], node.defaults,
                     strict=True),
                *zip(node.kwonlyargs, node.kw_defaults, strict=True)]
    for arg, default in defaults:
        named = ctx.names_a_model(arg.arg)
        _label(tree, default, ctx.MODEL_PARAMETER if named else ctx.DEFAULT_PARAMETER)


def _dict(walker: _Walker, tree: _Tree, node: ast.Dict) -> None:
    pairs = [(key, value) for key, value in zip(node.keys, node.values, strict=True)
             if key is not None]
    table = walker.known_ids(tree, (key for key, _ in pairs)) >= 2
    for key, value in pairs:
        _label(tree, key, ctx.MODEL_TABLE_KEY if table else ctx.DICT_KEY)
        text = walker.literal_text(tree, key)
        named = text is not None and ctx.names_a_model(text)
        _label(tree, value, ctx.MODEL_VALUE if named else ctx.DICT_VALUE)


def _compare(walker: _Walker, tree: _Tree, node: ast.Compare) -> None:
    operands = [node.left, *node.comparators]
    # `model == "davinci"`: equality with a model-named name, attribute or subscript.
    equality = all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops)
    named = equality and any(walker.names_a_model(tree, operand) for operand in operands)
    for operand in operands:
        _label(tree, operand, ctx.MODEL_COMPARISON if named else ctx.COMPARISON)


def _collection(walker: _Walker, tree: _Tree, node: ast.List | ast.Tuple | ast.Set) -> None:
    if id(node) in tree.subscripts:
        return  # `x["a", "b"]`: the subscript labelled them
    values = [value for value in node.elts if not isinstance(value, ast.Starred)]
    table = walker.known_ids(tree, values) >= 2
    for value in values:
        _label(tree, value, ctx.MODEL_LIST if table else ctx.CONTAINER)


def _subscript(walker: _Walker, tree: _Tree, node: ast.Subscript) -> None:
    key = node.slice
    if isinstance(key, ast.Tuple) and not _parenthesized(walker.text, tree.code, key):
        tree.subscripts.add(id(key))  # `x["a", "b"]`: elements of the subscript, no tuple
        for element in key.elts:
            _label(tree, element, ctx.SUBSCRIPT)
    elif not isinstance(key, ast.Slice):
        _label(tree, key, ctx.SUBSCRIPT)


def _parenthesized(text: str, code: _Code, node: ast.Tuple) -> bool:
    start, _ = code.bounds(node)
    return text.startswith("(", start) and (
        not node.elts or code.bounds(node.elts[0])[0] != start)


_Label = Callable[[_Walker, _Tree, Any], None]
_LABELS: dict[type[ast.AST], _Label] = {
    ast.keyword: _keyword,
    ast.Call: _call,
    ast.Assign: _assign,
    ast.AnnAssign: _annotated,
    ast.arguments: _arguments,
    ast.Dict: _dict,
    ast.Compare: _compare,
    ast.List: _collection,
    ast.Tuple: _collection,
    ast.Set: _collection,
    ast.Subscript: _subscript,
}


def _name(node: ast.expr) -> str | None:
    """The last name of `name` or `obj.name`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


__all__ = [
    "FixSafety", "ParseFailure", "decoded", "fstring_text", "parse", "scan_python",
    "string_value", "unparsed_hits",
]
