"""Indented JSON, byte for byte what `json.dumps(value, indent=2, ensure_ascii=False)` writes,
without the cost of the standard library's indenting encoder.

With `indent`, `json` falls back from its C encoder to a pure-Python one that yields every
bracket, key and separator as its own chunk through nested generators: about 100 µs per
finding of the JSON report, most of a run with many findings, and a chunk list several times
the size of the text. Here strings go through the C `encode_basestring` and each item of a
`Stream` is built, encoded and dropped in turn, so a report of a million findings never holds a
million dicts.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_string: Callable[[str], str] = (
    json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]
)
_INDENT = "  "


@dataclass(frozen=True, slots=True)
class Stream:
    """A JSON array whose items are produced (by `items`) only as they are written."""

    items: Iterable[Any]


def dumps(value: Any) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False)` writes it (mapping keys
    must be strings: a TypeError otherwise, where json would convert numbers)."""
    return "".join(chunks(value))


def chunks(value: Any, newline: str = "\n") -> Iterator[str]:
    """`dumps(value)` in pieces: one per item of each `Stream`, made when it is asked for, and
    the text around them."""
    if isinstance(value, Stream):
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value.items:
            pieces = [separator]
            _write(item, inner, pieces)
            yield "".join(pieces)
            separator = "," + inner
        yield "[]" if separator.startswith("[") else newline + "]"
    elif isinstance(value, Mapping) and value:
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            yield separator + _string(key) + ": "
            separator = "," + inner
            yield from chunks(item, inner)
        yield newline + "}"
    elif isinstance(value, (list, tuple)) and value:
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            yield separator
            separator = "," + inner
            yield from chunks(item, inner)
        yield newline + "]"
    else:  # a scalar or an empty container: no stream inside
        parts: list[str] = []
        _write(value, newline, parts)
        yield "".join(parts)


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN, Infinity and repr, as json writes them
    return None


def _write(value: Any, newline: str, parts: list[str]) -> None:
    """Append `value`'s text to `parts`; `newline` is a line break and the current indent."""
    text = _scalar(value)
    if text is not None:
        parts.append(text)
        return
    inner = newline + _INDENT
    if isinstance(value, Mapping):
        if not value:
            parts.append("{}")
            return
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            parts.append(separator + _string(key) + ": ")
            separator = "," + inner
            _write(item, inner, parts)
        parts.append(newline + "}")
        return
    if isinstance(value, Stream):
        parts.extend(chunks(value, newline))
        return
    if isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            separator = "," + inner
            _write(item, inner, parts)
        parts.append(newline + "]")
        return
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
