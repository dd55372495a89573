"""The one redaction layer and the key check, as tables."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from modelguard.net import Redactor, key_problem, parse_json

KEY = "sk-Test/0123+abc="


@pytest.mark.parametrize("text, expected", [
    pytest.param(f"key {KEY}.", "key [redacted].", id="as-is"),
    pytest.param(f"key {KEY.upper()}", "key [redacted]", id="upper-cased"),
    pytest.param(f"key {quote(KEY, safe='')}", "key [redacted]", id="url-encoded"),
    pytest.param(f"key {base64.b64encode(KEY.encode()).decode()}", "key [redacted]",
                 id="base64"),
    pytest.param(f"key {base64.urlsafe_b64encode(KEY.encode()).decode().rstrip('=')}",
                 "key [redacted]", id="base64-url-unpadded"),
    pytest.param("Authorization: Bearer other-token", "Authorization: Bearer [redacted]",
                 id="authorization-header"),
    pytest.param('{"x-api-key": "other"}', '{"x-api-key": "[redacted]"}', id="x-api-key-json"),
    pytest.param("api-key=other&x=1", "api-key=[redacted]&x=1", id="api-key-query"),
    pytest.param("the model gpt-4 is retired", "the model gpt-4 is retired", id="untouched"),
])
def test_redactor(text: str, expected: str) -> None:
    assert Redactor((KEY,))(text) == expected


@pytest.mark.parametrize("key, ok", [
    pytest.param("sk-proj-AbC_123", True, id="usual"),
    pytest.param("sk-abc\ndef", False, id="inner-newline"),
    pytest.param("sk\u2010abc", False, id="non-ascii-dash"),
    pytest.param("sk abc", False, id="space"),
])
def test_key_problem_names_the_variable_never_the_key(key: str, ok: bool) -> None:
    problem = key_problem("OPENAI_API_KEY", key)
    assert (problem is None) == ok
    if problem is not None:
        assert problem.startswith("OPENAI_API_KEY ") and "abc" not in problem


@pytest.mark.parametrize("data, expected", [
    pytest.param(b'{"error": {"message": "x"}}', {"error": {"message": "x"}}, id="json"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, None, id="nested-too-deep"),
    pytest.param(b"<html>", None, id="not-json"),
])
def test_parse_json(data: bytes, expected: object) -> None:
    assert parse_json(data) == expected
