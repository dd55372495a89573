"""File names an attacker chose, in every output: escape sequences and newlines shown escaped
(never sent to the terminal, never a forged line), bytes that are not UTF-8 written as `\\xff`
so that SARIF and JSON stay valid UTF-8."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")
SOURCE = ('from openai import OpenAI\n\nclient = OpenAI()\n'
          'reply = client.chat.completions.create(model="gpt-4.5-preview", messages=[])\n')

ESCAPING = "evil\x1b]0;owned\x07\x1b[2J\nWould rewrite forged.py.py"
NOT_UTF8 = os.fsdecode(b"caf\xe9.py")  # a Latin-1 name: \xe9 arrives surrogate-escaped


@pytest.fixture
def named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
          ) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / request.param).write_text(SOURCE)
    return tmp_path


@pytest.mark.parametrize("named", [pytest.param(ESCAPING, id="escapes-and-newline")],
                         indirect=True)
@pytest.mark.parametrize("args, stream, expected", [
    pytest.param(("--check",), "stdout",
                 "Would rewrite evil\\x1b]0;owned\\x07\\x1b[2J\\nWould rewrite forged.py.py\n",
                 id="check"),
    pytest.param((), "stderr",
                 "Rewriting evil\\x1b]0;owned\\x07\\x1b[2J\\nWould rewrite forged.py.py\n",
                 id="write"),
    pytest.param(("--diff",), "stdout",
                 "--- a/evil\\x1b]0;owned\\x07\\x1b[2J\\nWould rewrite forged.py.py\n",
                 id="diff"),
])
def test_fix_shows_a_hostile_file_name_escaped(named: Path, args: tuple[str, ...], stream: str,
                                               expected: str) -> None:
    result = run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", *args, ".")
    shown = getattr(result, stream)
    assert "\x1b" not in result.stdout + result.stderr
    assert "\x07" not in result.stdout + result.stderr
    assert shown.splitlines(keepends=True)[0] == expected


@pytest.mark.parametrize("named", [pytest.param(NOT_UTF8, id="latin-1-name")], indirect=True)
@pytest.mark.parametrize("fmt, shown", [
    pytest.param("json", '"path": "caf\\\\xe9.py"', id="json"),  # JSON for caf\xe9.py
    pytest.param("json-lines", '"path": "caf\\\\xe9.py"', id="json-lines"),
    pytest.param("sarif", '"uri": "caf%E9.py"', id="sarif"),  # the file's own bytes
])
def test_json_reports_of_a_non_utf8_name_are_valid_utf8(named: Path, fmt: str,
                                                        shown: str) -> None:
    result = run_cli("check", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01",
                     "--format", fmt, ".")
    assert result.exit_code == 1
    text = result.stdout_bytes.decode("utf-8")  # strict: a raw 0xE9 byte would raise
    for line in text.splitlines() if fmt == "json-lines" else [text]:
        json.loads(line)
    assert shown in text


@pytest.mark.parametrize("named", [pytest.param(NOT_UTF8, id="latin-1-name")], indirect=True)
@pytest.mark.parametrize("fmt, shown", [
    pytest.param("text", "caf\\xe9.py", id="text"),
    pytest.param("github", "caf\\xe9.py", id="github"),
    pytest.param("markdown", "caf\\xe9.py", id="markdown"),
    pytest.param("concise", "caf\\xe9.py", id="concise"),
    pytest.param("junit", "caf\ufffd.py", id="junit"),  # XML cannot carry it; replaced
])
def test_other_reports_of_a_non_utf8_name_are_valid_utf8(named: Path, fmt: str,
                                                         shown: str) -> None:
    result = run_cli("check", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01",
                     "--format", fmt, ".")
    assert result.exit_code == 1
    assert shown in result.stdout_bytes.decode("utf-8")
