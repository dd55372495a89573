"""Python's own parser, as every Python pass of the scanner calls it."""

from __future__ import annotations

import ast
import warnings


def syntax_tree(code: str | bytes) -> ast.Module | None:
    """`code`'s `ast`, or None when this Python cannot read it."""
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" is the user's, not ours
            warnings.simplefilter("ignore")
            return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
