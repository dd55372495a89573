"""Strings, comments and logical lines of Python source, found with one regex pass.

The scanner needs libcst only where a literal's context matters, and a literal's context lies
within its logical line (the statement, or a compound statement's header). This lexer finds
every string and comment token and the logical line each one belongs to, so the scanner can
hand libcst a few lines instead of the module. It knows the token rules that decide where
strings and comments start and end (prefixes, triple quotes, escapes, backslash-newlines,
brackets); anything it cannot vouch for raises `Unlexable`, and the caller parses the whole
module instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Every character that opens or ends something the lexer tracks; the regex engine skips the
# names, numbers, operators and spaces between them at C speed.
_SPECIAL = re.compile(r"[\'\"#()\[\]{}\\\r\n]")
_COMMENT_END = re.compile(r"[^\r\n]*")
# The rest of a string after its opening quote, closing quote included. A backslash always
# takes the next character (raw strings too: r"\"" is one string); a single-quoted string
# ends at a line break that no backslash continues.
_BODIES = {
    quote: re.compile(pattern)
    for quote, pattern in (
        ("'", r"[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'"),
        ('"', r'[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"'),
        ("'''", r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"),
        ('"""', r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'),
    )
}
_PREFIX_LETTERS = frozenset("rRbBuUfF")
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_INDENT = re.compile(r"[ \t\f]*")


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


def lex(text: str) -> Lexed:
    """Every string and comment token of `text`, in order, with the logical lines."""
    tokens: list[Token] = []
    line_starts = [0]
    depth = 0
    skip = 0  # characters before this are inside a token already read
    for found in _SPECIAL.finditer(text):
        at = found.start()
        if at < skip:
            continue
        char = found.group()
        if char == "\n" or (char == "\r" and not text.startswith("\n", at + 1)):
            if depth == 0:
                line_starts.append(at + 1)
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise Unlexable("unbalanced brackets")
        elif char == "#":
            skip = _COMMENT_END.match(text, at).end()  # type: ignore[union-attr]
            tokens.append(Token(Kind.COMMENT, at, skip, len(line_starts) - 1))
        elif char == "\\":  # joins the next line to this logical line
            if text.startswith("\r\n", at + 1):
                skip = at + 3
            elif text.startswith(("\n", "\r"), at + 1):
                skip = at + 2
            else:
                raise Unlexable("a backslash outside a string that does not end the line")
        elif char != "\r":  # a quote
            quote = char * 3 if text.startswith(char * 3, at) else char
            body = _BODIES[quote].match(text, at + len(quote))
            if body is None:
                raise Unlexable("unterminated string")
            start = _prefix_start(text, at)
            prefix = text[start:at]
            string = Kind.STRING
            if "f" in prefix or "F" in prefix:
                _check_fstring(text[at + len(quote) : body.end() - len(quote)])
                string = Kind.FSTRING
            skip = body.end()
            tokens.append(Token(string, start, skip, len(line_starts) - 1))
    if depth != 0:
        raise Unlexable("unbalanced brackets")
    return Lexed(text, tuple(tokens), tuple(line_starts))


def _prefix_start(text: str, quote: int) -> int:
    """Where the string whose quote is at `quote` starts: at its prefix letters (`rb"…"`),
    unless those letters end a name."""
    start = quote
    while start > 0 and quote - start < 2 and text[start - 1] in _PREFIX_LETTERS:
        start -= 1
    if start < quote and start > 0 and text[start - 1] in _NAME_CHARACTERS:
        return quote
    return start


def _check_fstring(body: str) -> None:
    """Placeholders that reuse the f-string's own quote (Python 3.12) end it early here: the
    braces of what was taken for its body then do not balance."""
    if body.count("{") != body.count("}"):
        raise Unlexable("f-string braces do not balance")
