"""The indented JSON writer must write exactly what json.dumps(indent=2, ensure_ascii=False)
does: reports are compared byte for byte by users' tools and by our golden files."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from modelguard.report.jsontext import Stream, dumps

DOCUMENTS: list[Any] = [
    {}, [], "", 0, -7, 10**30, 1.5, 1e-7, 0.1 + 0.2, math.inf, -math.inf, True, False, None,
    {"a": []}, {"a": {}}, [[]], [{}], [[], {}, [[[]]]],
    {"path": "src/\u00e9\u0000\n\t\"\\\u2028.py", "line": 3, "fails": True, "x": None},
    {"surrogate": "\udc80\ud800", "emoji": "\U0001f600", "control": "\x1b[31m"},
    {"nested": {"deeper": {"deepest": [1, "two", 3.0, None, {"k": [True]}]}}},
    ("a", ("b",), {"t": (1, 2)}),
    {"": "", " ": " ", "\u00e9": 1},
]


@pytest.mark.parametrize("value", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_writes_what_json_dumps_writes(value: Any) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("items", [[], [1], [{"a": [1, {}]}, [], "x"]], ids=["empty", "one", "mixed"])
def test_a_stream_is_written_as_the_list_it_yields(items: list[Any]) -> None:
    document = {"head": 1, "items": Stream(iter(items)), "tail": {"n": len(items)}}
    expected = {"head": 1, "items": items, "tail": {"n": len(items)}}
    assert dumps(document) == json.dumps(expected, indent=2, ensure_ascii=False)


def test_a_stream_item_is_built_only_when_it_is_written() -> None:
    built: list[int] = []

    def items() -> Any:
        for n in range(3):
            built.append(n)
            yield {"n": n}

    stream = Stream(items())
    assert built == []
    assert json.loads(dumps([stream])) == [[{"n": 0}, {"n": 1}, {"n": 2}]]
    assert built == [0, 1, 2]


@pytest.mark.parametrize("value", [{1: "a"}, {"a": object()}, [b"bytes"]],
                         ids=["int-key", "object", "bytes"])
def test_what_a_report_never_holds_is_refused(value: Any) -> None:
    # json itself turns an int key into a string; reports only have string keys.
    with pytest.raises(TypeError):
        dumps(value)
