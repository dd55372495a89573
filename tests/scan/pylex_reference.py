"""The previous implementation of `modelguard.scan.pylex.lex`, kept as its specification.

This is the one-pass lexer as it was before it was made faster (commit ad18387), copied
unchanged except that it builds the result classes of `modelguard.scan.pylex`, so that its
results compare equal to the new lexer's. Do not "fix" or speed up this copy: the tests in
tests/scan/test_pylex.py require `pylex.lex` to give exactly what this gives (same tokens, same
logical lines, the same `Unlexable` message) on every input.
"""

from __future__ import annotations

import re

from modelguard.scan.pylex import Kind, Lexed, Token, Unlexable

_SPECIAL = re.compile(r"[\'\"#()\[\]{}\\\r\n]")
_COMMENT_END = re.compile(r"[^\r\n]*")
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
    start = quote
    while start > 0 and quote - start < 2 and text[start - 1] in _PREFIX_LETTERS:
        start -= 1
    if start < quote and start > 0 and text[start - 1] in _NAME_CHARACTERS:
        return quote
    return start


def _check_fstring(body: str) -> None:
    if body.count("{") != body.count("}"):
        raise Unlexable("f-string braces do not balance")
