"""A linear pre-check that keeps libcst's native parser away from sources nested deep enough to
overflow its stack: it recurses once per bracket or unary operator and, on this machine's
default 8 MB stack, segfaults (taking the whole process, or a pool worker, with it) at about
1,250 nested brackets and somewhere under 10,000 chained unary operators.

The bracket bound is CPython's own (its tokenizer refuses more than 200 open brackets,
"too many nested parentheses"), so no module Python runs is refused for its code; brackets
inside strings and comments are counted too, which only matters for a string holding more
than 200 unclosed brackets. The unary bound is far above any real code and far below the crash.
"""

from __future__ import annotations

MAX_BRACKET_DEPTH = 200
MAX_UNARY_RUN = 1000

_TO_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"()[]{}")))
_OPEN_PAREN = ord("(")
# Unary operators to `-`, the spaces and tabs that may separate them to ` `, all else to `x`.
_UNARY_TABLE = bytes(ord("-") if byte in b"-+~" else ord(" ") if byte in b" \t" else ord("x")
                     for byte in range(256))


def too_deep(source: str | bytes) -> str | None:
    """Why `source` must not be handed to libcst (one line), or None when it is safe."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if nested_deeper_than(data, MAX_BRACKET_DEPTH):
        return (f"brackets nested more than {MAX_BRACKET_DEPTH} deep (Python's own limit); "
                "not parsed")
    if _unary_run_longer_than(data, MAX_UNARY_RUN):
        return f"more than {MAX_UNARY_RUN} chained unary operators; not parsed"
    return None


def _unary_run_longer_than(data: bytes, limit: int) -> bool:
    """Whether more than `limit` unary operators follow each other, with only spaces or tabs
    between them (`- - -x`): in C, the operators alone with every other byte as `x`."""
    if data.count(b"-") + data.count(b"+") + data.count(b"~") <= limit:
        return False
    return b"-" * (limit + 1) in data.translate(_UNARY_TABLE).replace(b" ", b"")


def nested_deeper_than(data: bytes, limit: int) -> bool:
    """Whether some bracket opens more than `limit` deep, counting every byte (strings and
    comments too)."""
    if data.count(b"(") + data.count(b"[") + data.count(b"{") <= limit:
        return False  # most files, decided by C-speed counts: too few brackets to nest deep
    depth = 0
    for byte in data.translate(_TO_PARENS, _NOT_BRACKETS):  # the brackets alone, in C
        if byte == _OPEN_PAREN:
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False
