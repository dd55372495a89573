"""Python sources: libcst finds every string literal and comment, and the context table decides
how each whole-id literal may be fixed.

A module is not handed to libcst whole when it need not be: parsing and visiting cost about
1 MB/s, and an id sits in a few lines of a file. The lexer (`pylex`) finds every string and
comment; comments and strings that hold no whole id are prose, scanned as they stand; only the
logical lines with a literal whose context matters (a whole id, an f-string) go to libcst.
Whatever the lexer cannot vouch for, or a line that does not parse on its own, sends the whole
module to libcst, as before.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import replace

import libcst as cst

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex
from modelguard.scan import contexts as ctx
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits
from modelguard.scan.prefilter import has_coding_cookie
from modelguard.scan.pylex import Kind, Lexed, LogicalLine, Unlexable, lex, lex_prefix
from modelguard.scan.suppressions import PYTHON_COMMENT, ignored_codes

_Literal = cst.SimpleString | cst.FormattedString


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
    source: str | bytes, index: ModelIndex, *, whole_module: bool = False
) -> tuple[list[Hit], Suppressions]:
    """All model ids in a module: whole literals with their context, and mentions in text.

    `whole_module` makes libcst parse and visit all of it (the reference the line-by-line
    scan is tested against)."""
    text = None if whole_module else plain_text(source)
    if text is not None:
        try:
            return _scan_lines(text, lex(text), index)
        except Unlexable:
            pass
    try:
        module = parse(source)
    except ParseFailure as error:
        hits, suppressions = unparsed_hits(source, index)
        raise ParseFailure(str(error), tuple(hits), suppressions) from None
    # The text libcst parsed (it decodes bytes the same way), which positions refer to.
    text = source if isinstance(source, str) else source.decode(module.encoding)
    visitor = _ModelLiteralVisitor(index, module, _Locator(text))
    module.visit(visitor)
    return visitor.hits, visitor.suppressions


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


def plain_text(source: str | bytes) -> str | None:
    """The source as text when it is plain UTF-8; None when libcst must decode it (a byte
    order mark, a coding cookie, bytes that are not UTF-8)."""
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
    in_context: set[int] = set()  # logical lines that libcst must read
    prose = []
    keys = index.key_atoms(text)

    def may_name(raw: str) -> bool:
        # A token's atoms are atoms of the text (it starts after a quote, a `#` or a byte
        # that is no name character, and ends at a quote or a line break): a name written
        # plainly in it holds one of the text's key atoms. Escapes and non-ASCII characters
        # can spell a name otherwise: the prefilter itself decides those.
        if keys is None or not raw.isascii() or "\\" in raw:
            return index.may_contain(raw)
        lowered = raw.lower()
        return any(key in lowered for key in keys)

    for token in lexed.tokens:
        raw = text[token.start : token.end]
        if token.kind is Kind.COMMENT:
            span = locator.span(token.start, token.end)
            ignore = PYTHON_COMMENT.search(raw)
            if ignore is not None:
                suppressions[span.line] = ignored_codes(ignore)
            if may_name(raw):
                hits.extend(mention_hits(raw, span, index))
        elif not may_name(raw):
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
    hits.sort(key=lambda hit: (hit.span.line, hit.span.column))
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
    """The literals of one logical line, visited in a module of their own: the line alone, or
    inside the least code that makes it a statement (a body after a header, an `if` before an
    `elif`, ...)."""
    code = text[line.start : line.end]
    newline = _NEWLINE.search(code)
    eol = newline.group() if newline is not None else "\n"
    if not code.endswith(("\n", "\r")):  # the last line of the file
        code += eol
    for before, after in _wrappers(code, eol):
        try:
            module = cst.parse_module(before + code + after)
        except cst.ParserSyntaxError:
            continue
        snippet = _Locator(before + code + after, origin=locator, shift=line.start - len(before))
        visitor = _ModelLiteralVisitor(index, module, snippet, comments=False)
        module.visit(visitor)
        return visitor.hits
    raise Unlexable("a logical line does not parse on its own")


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


# Line breaks as libcst's PositionProvider counts them.
_NEWLINE = re.compile(r"\r\n?|\n")


class _Locator:
    """Where string and comment tokens stand in the module's text, without libcst's
    PositionProvider (a second pass generating the whole module, most of a scan's time).

    The visitor meets strings and comments in source order, and between two of them the text
    holds only names, numbers, operators and whitespace: no quote and no `#`. So each token is
    the first occurrence of its own text after the end of the previous one. Inside an f-string
    the text parts may hold quotes: the f-string's parts are laid out from its start, each
    placeholder moves the cursor to its own `{`, and the end of the f-string moves it past the
    closing quote once its children are visited.
    """

    def __init__(self, text: str, origin: _Locator | None = None, shift: int = 0) -> None:
        self.text = text
        self.cursor = 0
        # A logical line visited on its own reports spans in the module it was cut from:
        # offset `o` of this text is offset `o + shift` of the origin's.
        self._origin = origin
        self._shift = shift
        self._line_ends = [] if origin else [m.end() for m in _NEWLINE.finditer(text)]

    def find(self, token: str) -> int:
        at = self.text.find(token, self.cursor)
        if at < 0:
            raise AssertionError(f"token not found in source order: {token[:40]!r}")
        return at

    def span(self, start: int, end: int) -> Span:
        if self._origin is not None:
            return self._origin.span(start + self._shift, end + self._shift)
        return Span(*self._position(start), *self._position(end))

    def _position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of `offset` (the column counts characters)."""
        lines = bisect_right(self._line_ends, offset)
        return lines + 1, offset - (self._line_ends[lines - 1] if lines else 0) + 1


def literal_text(node: _Literal) -> str | None:
    """The runtime value of a literal with no placeholders, or None."""
    if isinstance(node, cst.SimpleString):
        return string_value(node.value)  # what libcst's `evaluated_value` reads
    parts: list[str] = []
    for part in node.parts:
        if not isinstance(part, cst.FormattedStringText):
            return None
        parts.append(part.value.replace("{{", "{").replace("}}", "}"))
    return "".join(parts)


class _ModelLiteralVisitor(cst.CSTVisitor):
    def __init__(
        self, index: ModelIndex, module: cst.Module, locator: _Locator, comments: bool = True
    ) -> None:
        super().__init__()
        self.comments = comments  # False: comments are scanned elsewhere, only passed over
        self.index = index
        self.module = module
        self.locator = locator
        self._fstring_ends: list[int] = []
        self._placeholders: dict[int, int] = {}  # id of an f-string placeholder → its offset
        self._jumps: dict[int, int] = {}  # id of a node → where the cursor goes at that node
        self.hits: list[Hit] = []
        self.suppressions: Suppressions = {}
        # Parents are visited before their children, so a parent labels its literal children.
        self._context: dict[int, ctx.Context] = {}
        self._tables: set[int] = set()  # ids of the keys and members of tables of model ids

    def on_visit(self, node: cst.CSTNode) -> bool:
        # libcst rebuilds every node it walks into, most of a scan's time when a file holds
        # thousands of ids: nodes that can hold no string and no comment are not walked into.
        kind = type(node)
        if kind in _NO_TEXT:
            return False
        if kind in _ONLY_PARENS:
            if not node.lpar:  # type: ignore[attr-defined]
                return False
        elif kind in _SPACED:
            if (type(node.whitespace_before) is _PLAIN  # type: ignore[attr-defined]
                    and type(node.whitespace_after) is _PLAIN):  # type: ignore[attr-defined]
                return False
        elif kind is cst.TrailingWhitespace or kind is cst.EmptyLine:
            if node.comment is None:  # type: ignore[attr-defined]
                return False
        elif kind is cst.ParenthesizedWhitespace:
            assert isinstance(node, cst.ParenthesizedWhitespace)
            if node.first_line.comment is None and all(
                    line.comment is None for line in node.empty_lines):
                return False
        return super().on_visit(node)

    def _label(self, node: cst.CSTNode | None, context: ctx.Context) -> None:
        if isinstance(node, (cst.SimpleString, cst.FormattedString)):
            self._context[id(node)] = context
        elif isinstance(node, cst.IfExp):  # `model="davinci" if old else "gpt-4o"`: both values
            self._label(node.body, context)
            self._label(node.orelse, context)

    # Contexts -------------------------------------------------------------------------------

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None:
            return
        named = ctx.names_a_model(node.keyword.value)
        self._label(node.value, ctx.MODEL_KEYWORD if named else ctx.KEYWORD_ARGUMENT)

    def visit_Call(self, node: cst.Call) -> None:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        for arg in positional:
            self._label(arg.value, ctx.CALL_ARGUMENT)
        # getenv("OPENAI_MODEL", "gpt-4") / settings.get("model", "gpt-4"): a model default.
        if len(positional) == 2 and _callee_name(node.func) in ("get", "getenv", "setdefault"):
            key = positional[0].value
            if isinstance(key, cst.SimpleString):
                text = literal_text(key)
                if text is not None and ctx.names_a_model(text):
                    self._label(positional[1].value, ctx.MODEL_DEFAULT)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._label(node.value, self._assignment_context(t.target for t in node.targets))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._label(node.value, self._assignment_context([node.target]))

    def _assignment_context(self, targets: Iterable[cst.BaseExpression]) -> ctx.Context:
        named = False
        for target in targets:
            if isinstance(target, cst.Subscript):
                key = _subscript_key(target)
                if key is None or not ctx.names_a_model(key):
                    return ctx.DICT_VALUE
                named = True
            elif isinstance(target, (cst.Name, cst.Attribute)):
                named = named or ctx.names_a_model(_callee_name(target) or "")
            else:
                return ctx.CONTAINER
        return ctx.MODEL_ASSIGNMENT if named else ctx.ASSIGNMENT

    def visit_Param(self, node: cst.Param) -> None:
        named = ctx.names_a_model(node.name.value)
        self._label(node.default, ctx.MODEL_PARAMETER if named else ctx.DEFAULT_PARAMETER)

    def visit_Dict(self, node: cst.Dict) -> None:
        keys = [e.key for e in node.elements if isinstance(e, cst.DictElement)]
        if self._known_ids(keys) >= 2:
            self._tables.update(id(key) for key in keys)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        table = id(node.key) in self._tables
        self._label(node.key, ctx.MODEL_TABLE_KEY if table else ctx.DICT_KEY)
        key = literal_text(node.key) if isinstance(node.key, _Literal) else None
        named = key is not None and ctx.names_a_model(key)
        self._label(node.value, ctx.MODEL_VALUE if named else ctx.DICT_VALUE)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operands = [node.left, *(target.comparator for target in node.comparisons)]
        # `model == "davinci"`: equality with a model-named name, attribute or subscript.
        equality = all(
            isinstance(target.operator, (cst.Equal, cst.NotEqual)) for target in node.comparisons
        )
        named = equality and any(_names_a_model(operand) for operand in operands)
        for operand in operands:
            self._label(operand, ctx.MODEL_COMPARISON if named else ctx.COMPARISON)

    def _visit_collection(self, node: cst.List | cst.Tuple | cst.Set) -> None:
        values = [e.value for e in node.elements if isinstance(e, cst.Element)]
        if self._known_ids(values) >= 2:
            self._tables.update(id(value) for value in values)

    visit_List = visit_Tuple = visit_Set = _visit_collection

    def visit_Element(self, node: cst.Element) -> None:
        table = id(node.value) in self._tables
        self._label(node.value, ctx.MODEL_LIST if table else ctx.CONTAINER)

    def _known_ids(self, nodes: Iterable[cst.BaseExpression]) -> int:
        """How many of these expressions are literals naming a known id as registered."""
        count = 0
        for node in nodes:
            value = literal_text(node) if isinstance(node, _Literal) else None
            match = None if value is None else self.index.lookup(value)
            if match is not None and value is not None and ctx.registered(value, match):
                count += 1
        return count

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        if isinstance(node.slice, cst.Index):
            self._label(node.slice.value, ctx.SUBSCRIPT)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._label(node.left, ctx.CONCATENATION)
        self._label(node.right, ctx.CONCATENATION)

    # Literals and comments ------------------------------------------------------------------

    def _find(self, node: _Literal, head: str, length: int) -> int:
        """Offset of the literal's first token `head` (`length` characters to its end). A
        literal's own parentheses, and the comments in them, are visited after the literal:
        the cursor stays before them, and moves past the literal at its first `)`."""
        locator = self.locator
        if not node.lpar:
            return locator.find(head)
        before = locator.cursor
        for comment in _comments_after(node.lpar):
            locator.cursor = locator.find(comment.value) + len(comment.value)
        at = locator.find(head)
        locator.cursor = before
        self._jumps[id(node.rpar[0])] = at + length
        return at

    def visit_RightParen(self, node: cst.RightParen) -> None:
        if id(node) in self._jumps:
            self.locator.cursor = self._jumps.pop(id(node))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        locator = self.locator
        start = self._find(node, node.value, len(node.value))
        end = start + len(node.value)
        if not node.lpar:
            locator.cursor = end
        if self._whole(node, start, end):
            return
        # The literal's own text: with its parentheses (and comments in them) the columns
        # would be off by the opening ones, and those comments reported twice.
        self.hits.extend(mention_hits(node.value, locator.span(start, end), self.index))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        locator = self.locator
        start = self._find(node, node.start, 0)
        texts: list[tuple[cst.FormattedStringText, int]] = []
        end = self._place(node.parts, start + len(node.start), texts) + len(node.end)
        if node.rpar:
            self._jumps[id(node.rpar[0])] = end
        else:
            locator.cursor = start + len(node.start)
        self._fstring_ends.append(end)
        if self._whole(node, start, end):
            return
        # Placeholders are expressions, visited on their own; only the text parts are prose.
        for part, at in texts:
            span = locator.span(at, at + len(part.value))
            self.hits.extend(mention_hits(part.value, span, self.index))

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        # Past the f-string, or past the comments in its closing parentheses.
        self.locator.cursor = max(self.locator.cursor, self._fstring_ends.pop())

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        # Text parts may hold quotes: literals inside a placeholder are searched from its `{`.
        self.locator.cursor = self._placeholders.pop(id(node))

    def _place(
        self,
        parts: Iterable[cst.BaseFormattedStringContent],
        offset: int,
        texts: list[tuple[cst.FormattedStringText, int]] | None,
    ) -> int:
        """Record where each placeholder of an f-string (format specs included) starts, and
        each text part in `texts`; return the offset after the last part."""
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                if texts is not None:
                    texts.append((part, offset))
                offset += len(part.value)
                continue
            code = self.module.code_for_node(part)
            self._placeholders[id(part)] = offset
            spec = part.format_spec if isinstance(part, cst.FormattedStringExpression) else None
            if spec:  # the format spec's parts end just before the closing `}`
                length = sum(len(self.module.code_for_node(p)) for p in spec)
                self._place(spec, offset + len(code) - 1 - length, None)
            offset += len(code)
        return offset

    def _whole(self, node: _Literal, start: int, end: int) -> bool:
        """Record the literal as a hit when its whole value is a known id."""
        value = literal_text(node)
        if value is None:
            return False
        match = self.index.lookup(value)
        if match is None:
            return False
        context = self._context.get(id(node), ctx.EXPRESSION)
        fix = ctx.settle(value, match, context.fix, context.model_slot)
        if fix is not None:  # else the place says it is no model: not even a mention
            self.hits.append(Hit(self.locator.span(start, end), value, match, fix, context.name))
        return True

    def visit_Comment(self, node: cst.Comment) -> None:
        locator = self.locator
        start = locator.find(node.value)
        locator.cursor = start + len(node.value)
        if not self.comments:
            return
        span = locator.span(start, locator.cursor)
        ignore = PYTHON_COMMENT.search(node.value)
        if ignore is not None:
            self.suppressions[span.line] = ignored_codes(ignore)
        self.hits.extend(mention_hits(node.value, span, self.index))


# Nodes the visitor need not walk into (see `on_visit`): leaves; nodes whose only children are
# their parentheses (walked when they have some: a comment may sit inside); operators with
# plain spaces around them (else a comment may sit in a parenthesized line break).
_PLAIN = cst.SimpleWhitespace
_NO_TEXT = frozenset({cst.SimpleWhitespace, cst.Newline})
_ONLY_PARENS = frozenset({cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis})
_SPACED = frozenset({cst.Comma, cst.AssignEqual, cst.Colon, cst.Dot, cst.Equal})


def _comments_after(parens: Iterable[cst.LeftParen]) -> Iterable[cst.Comment]:
    for paren in parens:
        space = paren.whitespace_after
        if isinstance(space, cst.ParenthesizedWhitespace):
            if space.first_line.comment is not None:
                yield space.first_line.comment
            yield from (line.comment for line in space.empty_lines if line.comment is not None)


def _callee_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _names_a_model(node: cst.BaseExpression) -> bool:
    """`model`, `self.engine`, `config["model"]`: an expression whose name says model."""
    if isinstance(node, cst.Subscript):
        key = _subscript_key(node)
        return key is not None and ctx.names_a_model(key)
    name = _callee_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    return name is not None and ctx.names_a_model(name)


def _subscript_key(target: cst.Subscript) -> str | None:
    if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
        return None
    key = target.slice[0].slice.value
    return literal_text(key) if isinstance(key, _Literal) else None


__all__ = [
    "FixSafety", "ParseFailure", "decoded", "literal_text", "parse", "scan_python",
    "string_value", "unparsed_hits",
]
