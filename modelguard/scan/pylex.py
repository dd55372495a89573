"""Strings, comments and logical lines of Python source, found with a few passes in C.

The scanner needs libcst only where a literal's context matters, and a literal's context lies
within its logical line (the statement, or a compound statement's header). This lexer finds
every string and comment token and the logical line each one belongs to, so the scanner can
hand libcst a few lines instead of the module. It knows the token rules that decide where
strings and comments start and end (prefixes, triple quotes, escapes, backslash-newlines,
brackets); anything it cannot vouch for raises `Unlexable`, and the caller parses the whole
module instead.

It works on whole lists rather than one character at a time: one regex split cuts the text
into code and tokens; the code, with every token blanked out, gives the line breaks (a bytes
split) and the brackets (a bytes skeleton from which the pairs that hold no line break are
deleted); what is left of the skeleton marks the breaks inside brackets, which do not start a
logical line. Python touches only prefixed strings, the brackets that span lines, and errors.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, fields
from enum import Enum
from itertools import accumulate, compress, count, repeat
from operator import itemgetter

# A token: a string (without its prefix, found afterwards), a comment, or a backslash that
# joins the next line to this one; else a lone quote (an unterminated string) or a lone
# backslash, which raise. In a string a backslash always takes the next character (raw strings
# too: r"\"" is one string); a single-quoted string ends at a line break that no backslash
# continues; three quotes open a triple-quoted string, and nothing else. Every alternative
# starts with its own literal character, so the regex engine skips code at its fastest.
_TOKENS = re.compile(
    "("
    + "|".join(
        (
            r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''",
            r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""',
            r"'(?!'')[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'",
            r'"(?!"")[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"',
            r"#[^\r\n]*",
            r"\\(?:\r\n?|\n)",
            r"'",
            r'"',
            r"\\",
        )
    )
    + ")"
)
_BREAK = re.compile(r"\r\n?|\n")
_BRACKET = re.compile(r"[()\[\]{}]")
_PAREN = re.compile(rb"[()]")
# Code bytes to brackets and line breaks only, every bracket written ( or ).
_SKELETON = bytes.maketrans(b"[{]}\r", b"(())\n")
_NOT_SKELETON = bytes(sorted(set(range(256)) - set(b"()[]{}\r\n")))
_REDUCTIONS = 32  # passes that delete () pairs; deeper nesting is walked in Python
_PREFIX_LETTERS = frozenset("rRbBuUfF")
_ENDS_A_PREFIX = tuple(_PREFIX_LETTERS)
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_INDENT = re.compile(r"[ \t\f]*")
_BACKSLASH = "a backslash outside a string that does not end the line"


class Unlexable(Exception):
    """The source holds something this lexer does not model; parse the whole module."""


class Kind(Enum):
    STRING = "string"
    FSTRING = "f-string"
    COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    start: int  # offsets in the text
    end: int
    line: int  # number of its logical line (see `Lexed.line`)


@dataclass(frozen=True, slots=True)
class LogicalLine:
    start: int  # first character after the indentation
    end: int  # after the line break that ends it (or the end of the text)


@dataclass(frozen=True, slots=True)
class Lexed:
    text: str
    tokens: tuple[Token, ...]
    line_starts: tuple[int, ...]  # where each logical line's first physical line starts

    def line(self, number: int) -> LogicalLine:
        starts = self.line_starts
        end = starts[number + 1] if number + 1 < len(starts) else len(self.text)
        indent = _INDENT.match(self.text, starts[number], end)
        return LogicalLine(indent.end() if indent else starts[number], end)


# A token's kind by its first character (a string's prefix is read afterwards).
_JOIN = object()  # the kind of a backslash that joins lines (not a token)
_KIND_BY_FIRST: dict[str, object] = {
    "'": Kind.STRING, '"': Kind.STRING, "#": Kind.COMMENT, "\\": _JOIN
}


def lex(text: str) -> Lexed:
    """Every string and comment token of `text`, in order, with the logical lines."""
    pieces, found, starts, ends, kinds = _split(text)
    lengths = list(map(len, found))
    # Each check notes where it failed; the first failure in the text is the one the lexer
    # meets first, reading from the start, so its message is the one raised.
    errors: list[tuple[int, str]] = []
    if 1 in lengths:
        errors.extend(_lone_characters(found, starts))
    _read_prefixes(text, pieces, kinds, starts, errors)
    pieces[1::2] = map(" ".__mul__, lengths)  # blank out the tokens, keeping every offset
    line_starts = _logical_line_starts("".join(pieces), errors)
    if errors:
        raise Unlexable(min(errors)[1])
    if _JOIN in kinds:
        keep = [kind is not _JOIN for kind in kinds]
        kinds = list(compress(kinds, keep))
        starts = list(compress(starts, keep))
        ends = list(compress(ends, keep))
    lines = list(map(bisect_right, repeat(line_starts), starts))
    line_starts.insert(0, 0)
    return Lexed(text, _tokens(kinds, starts, ends, lines), tuple(line_starts))


def lex_prefix(text: str) -> tuple[tuple[Token, ...], int]:
    """The string and comment tokens of `text` as far as they can be vouched for, and the offset
    where that stops (the length of the text when it does not): the first quote that opens no
    string, backslash that ends no line, or f-string whose braces do not balance. Every token
    before it starts and ends where Python's would. Brackets are not looked at (unbalanced ones
    move logical lines, not tokens), so every token's `line` is 0.

    For a module that does not parse: `lex` vouches for all of a text or none of it."""
    pieces, found, starts, ends, kinds = _split(text)
    errors = _lone_characters(found, starts)
    _read_prefixes(text, pieces, kinds, starts, errors)
    stop = min(errors)[0] if errors else len(text)
    kept = [
        Token(kind, start, end, 0)  # type: ignore[arg-type]  # not _JOIN
        for kind, start, end in zip(kinds, starts, ends, strict=True)
        if kind is not _JOIN and end <= stop
    ]
    return tuple(kept), stop


def _split(text: str) -> tuple[list[str], list[str], list[int], list[int], list[object]]:
    """The text cut into code and tokens (code, token, code, ..., code); the tokens; where each
    starts and ends; the kind of each by its first character."""
    pieces = _TOKENS.split(text)
    found = pieces[1::2]
    bounds = list(accumulate(map(len, pieces)))
    kinds = list(map(_KIND_BY_FIRST.__getitem__, map(itemgetter(0), found)))
    return pieces, found, bounds[0:-1:2], bounds[1::2], kinds


def _lone_characters(found: list[str], starts: list[int]) -> list[tuple[int, str]]:
    """The first quote that opens no string, or backslash that ends no line."""
    for token, start in zip(found, starts, strict=True):
        if token in ("'", '"'):
            return [(start, "unterminated string")]
        if token == "\\":
            return [(start, _BACKSLASH)]
    return []


def _read_prefixes(
    text: str, pieces: list[str], kinds: list[object], starts: list[int],
    errors: list[tuple[int, str]],
) -> None:
    """Moves the start of each string back over its prefix letters (`rb"…"`), marks f-strings,
    and checks an f-string's braces: placeholders that reuse its own quote (Python 3.12) end
    it early here, and the braces of what was taken for its body then do not balance."""
    code = pieces[0:-1:2]  # the code before each token
    for i in compress(count(), map(str.endswith, code, repeat(_ENDS_A_PREFIX))):
        if kinds[i] is not Kind.STRING:
            continue
        quote = starts[i]
        start = _prefix_start(text, quote)
        prefix = text[start:quote]
        starts[i] = start
        if "f" in prefix or "F" in prefix:
            kinds[i] = Kind.FSTRING
            token = pieces[2 * i + 1]
            if token.count("{") != token.count("}"):
                errors.append((quote, "f-string braces do not balance"))
                return


def _prefix_start(text: str, quote: int) -> int:
    """Where the string whose quote is at `quote` starts: at its prefix letters (`rb"…"`),
    unless those letters end a name."""
    start = quote
    while start > 0 and quote - start < 2 and text[start - 1] in _PREFIX_LETTERS:
        start -= 1
    if start < quote and start > 0 and text[start - 1] in _NAME_CHARACTERS:
        return quote
    return start


def _logical_line_starts(code: str, errors: list[tuple[int, str]]) -> list[int]:
    """Where each logical line after the first starts in `code` (the text with its tokens
    blanked out): after each line break outside brackets. Unbalanced brackets go to `errors`."""
    if code.isascii():
        raw = code.encode("ascii")
        breaks = list(accumulate(map(len, raw.splitlines(True))))  # \r\n, \r and \n only
        if breaks and code[-1] not in "\r\n":
            breaks.pop()
    else:
        raw = code.encode("utf-8", "surrogatepass")
        breaks = [found.end() for found in _BREAK.finditer(code)]
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")  # one break, as in `breaks`
    skeleton = raw.translate(_SKELETON, _NOT_SKELETON)
    for _ in range(_REDUCTIONS):
        if b"()" not in skeleton:
            break
        skeleton = skeleton.replace(b"()", b"")  # a pair with no break inside changes nothing
    if b"(" not in skeleton and b")" not in skeleton:
        return breaks
    # The breaks left between brackets are inside them: drop those breaks.
    kept: list[int] = []
    depth = 0
    before = 0  # breaks before the bracket
    last = 0
    outside = 0  # the first break after the last bracket that closed everything
    for found in _PAREN.finditer(skeleton):
        at = found.start()
        before += skeleton.count(b"\n", last, at)
        last = at
        if found.group() == b"(":
            if not depth:
                kept += breaks[outside:before]
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                break
            if not depth:
                outside = before
    if depth:
        errors.append((_unbalanced_at(code), "unbalanced brackets"))
        return []
    kept += breaks[outside:]
    return kept


def _unbalanced_at(code: str) -> int:
    """Where the first closing bracket without an opening one is (the end if none is)."""
    depth = 0
    for found in _BRACKET.finditer(code):
        depth += 1 if found.group() in "([{" else -1
        if depth < 0:
            return found.start()
    return len(code)


# Token(...) runs the frozen dataclass's __init__, an object.__setattr__ call per field, and
# that took as long as the rest of `lex` put together; these fill the slots directly instead.
# tests/scan/test_pylex.py checks that the result equals what the constructor builds.
_SLOT_SETTERS = tuple(getattr(Token, field.name).__set__ for field in fields(Token))


def _tokens(*columns: list[object] | list[int]) -> tuple[Token, ...]:
    """Tokens from their fields' columns (kind, start, end, line), built without __init__."""
    tokens = tuple(map(object.__new__, repeat(Token, len(columns[0]))))
    for setter, column in zip(_SLOT_SETTERS, columns, strict=True):
        deque(map(setter, tokens, column), maxlen=0)
    return tokens


@dataclass(frozen=True, slots=True)
class FString:
    """The pieces of one f-string token, as offsets in the token's text: the literal text between
    placeholders (escapes and doubled braces as written), and the source of every placeholder's
    expression, those nested in format specs included (`f"{x:>{width}}"`)."""

    texts: tuple[tuple[int, int], ...]
    expressions: tuple[tuple[int, int], ...]


def split_fstring(raw: str) -> FString | None:
    """The text parts and placeholder expressions of the f-string token `raw` (its prefix and
    quotes included), or None when its braces do not pair up as Python's would.

    Python before 3.12 gives the parts of an f-string no positions of their own (each has the
    whole string's), so they are found here: a placeholder's expression runs to the first `!`
    (not `!=`), `:`, `=` (not part of an operator) or `}` outside brackets and strings in it."""
    prefix = len(raw) - len(raw.lstrip("rRbBuUfF"))
    quote = 3 if raw.startswith(("'''", '"""'), prefix) else 1
    raw_string = "r" in raw[:prefix].lower()
    texts: list[tuple[int, int]] = []
    expressions: list[tuple[int, int]] = []
    end = _fstring_body(raw, prefix + quote, len(raw) - quote, raw_string, texts, expressions,
                        in_spec=False)
    if end != len(raw) - quote:
        return None
    return FString(tuple(texts), tuple(expressions))


def _fstring_body(raw: str, at: int, stop: int, raw_string: bool, texts: list[tuple[int, int]],
                  expressions: list[tuple[int, int]], *, in_spec: bool) -> int:
    """Read literal text and placeholders from `at`; return where that ends: `stop`, the `}`
    closing a format spec (`in_spec`), or -1 on braces that do not pair up. Only the text
    outside format specs goes to `texts` (a spec's text is formatting, not prose)."""
    start = at
    while at < stop:
        char = raw[at]
        if char == "\\" and not raw_string:
            if raw.startswith("N{", at + 1):  # a named escape: its braces are not a placeholder
                close = raw.find("}", at, stop)
                if close < 0:
                    return -1
                at = close + 1
            else:
                at += 1 if raw[at + 1:at + 2] in ("{", "}") else 2
            continue
        if char == "{":
            if raw.startswith("{", at + 1) and not in_spec:
                at += 2
                continue
            if at > start and not in_spec:
                texts.append((start, at))
            at = _placeholder(raw, at + 1, stop, raw_string, texts, expressions)
            if at < 0:
                return -1
            start = at
            continue
        if char == "}":
            if in_spec:
                return at
            if not raw.startswith("}", at + 1):
                return -1
            at += 2
            continue
        at += 1
    if in_spec:
        return -1
    if at > start:
        texts.append((start, at))
    return at


def _placeholder(raw: str, at: int, stop: int, raw_string: bool,
                 texts: list[tuple[int, int]], expressions: list[tuple[int, int]]) -> int:
    """Read a placeholder whose `{` is just before `at`; return the offset after its `}`."""
    start, depth, end = at, 0, -1
    while at < stop:
        char = raw[at]
        if char in "'\"":
            at = _skip_string(raw, at, stop)
            if at < 0:
                return -1
            continue
        if char in "([{":
            depth += 1
        elif char in ")]" or (char == "}" and depth):
            depth -= 1
        elif char == "#":
            return -1  # a comment (Python 3.12): not modelled
        elif depth == 0:
            if char == "}":
                expressions.append((start, at if end < 0 else end))
                return at + 1
            if char == "!" and raw[at + 1:at + 2] != "=":
                end = at if end < 0 else end
                at += 2  # the conversion letter
                continue
            if char == ":":
                expressions.append((start, at if end < 0 else end))
                close = _fstring_body(raw, at + 1, stop, raw_string, texts, expressions,
                                      in_spec=True)
                return -1 if close < 0 else close + 1
            if (char == "=" and raw[at + 1:at + 2] != "=" and raw[at - 1] not in "=!<>"
                    and end < 0):
                end = at  # `{x=}`: the expression ends before the `=`
        at += 1
    return -1


def _skip_string(raw: str, at: int, stop: int) -> int:
    """The offset after the string literal whose opening quote is at `at`, or -1."""
    quote = raw[at] * 3 if raw.startswith(raw[at] * 3, at) else raw[at]
    at += len(quote)
    while at < stop:
        if raw[at] == "\\":
            at += 2
        elif raw.startswith(quote, at):
            return at + len(quote)
        else:
            at += 1
    return -1
