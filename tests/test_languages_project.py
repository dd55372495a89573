"""One fixture project per source language, checked through the command line.

Each row is (line, column, end column, rule, fix) as the JSON report gives it. As of 2025-08-01
every id used here is retired. Every project's one file is scanned (none is skipped).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from modelguard.cli.main import cli
from tests.conftest import FIXTURES

Row = tuple[Any, ...]
PROJECTS = FIXTURES / "projects" / "languages"

EXPECTED: dict[str, list[Row]] = {
    "csharp": [
        (1, 4, 13, "MG004", "none"),  # comment
        (2, 36, 47, "MG001", "safe"),  # named argument
        (3, 46, 64, "MG001", "safe"),  # verbatim string in an initializer
        (4, 27, 36, "MG004", "none"),  # interpolated string
    ],
    "docker": [
        (2, 20, 35, "MG004", "none"),  # commented-out ENV
        (3, 18, 27, "MG001", "safe"),  # ENV, continued on the next line
        (5, 14, 29, "MG001", "unsafe"),  # ARG under another name
        (6, 37, 48, "MG001", "safe"),  # exec form after "--model"
    ],
    "go": [
        (3, 13, 22, "MG004", "none"),  # doc comment
        (6, 10, 21, "MG001", "safe"),  # struct field
        (9, 21, 30, "MG004", "none"),  # raw string holding more text; line 10 suppressed
    ],
    "java": [
        (2, 46, 57, "MG001", "safe"),  # constant
        (5, 20, 35, "MG004", "none"),  # block comment
        (7, 28, 45, "MG001", "safe"),  # builder
        (12, 21, 30, "MG004", "none"),  # text block
    ],
    "kotlin": [
        (1, 21, 32, "MG001", "safe"),  # typed val
        (2, 26, 41, "MG004", "none"),  # template
        (3, 45, 62, "MG001", "safe"),  # named argument
    ],
    "php": [
        (1, 14, 23, "MG004", "none"),  # HTML before <?php
        (3, 24, 35, "MG001", "safe"),  # array key 'model'
        (4, 24, 39, "MG004", "none"),  # hash comment
    ],
    "ruby": [
        (2, 35, 46, "MG001", "safe"),  # ENV.fetch default; line 4 suppressed
        (5, 11, 22, "MG001", "unsafe"),  # hash key
        (7, 10, 19, "MG004", "none"),  # heredoc
    ],
    "rust": [
        (2, 27, 36, "MG004", "none"),  # nested block comment
        (4, 16, 27, "MG001", "safe"),  # builder
        (6, 26, 46, "MG001", "unsafe"),  # raw string under another name
        (7, 22, 33, "MG001", "safe"),  # struct field with .to_string()
    ],
    "shell": [
        (2, 21, 30, "MG001", "safe"),  # export
        (3, 21, 36, "MG001", "safe"),  # ${LLM_MODEL:-…}
        (4, 23, 32, "MG001", "safe"),  # --model
        (6, 7, 16, "MG004", "none"),  # heredoc
    ],
    "sql": [
        (1, 33, 48, "MG004", "none"),  # comment
        (2, 48, 59, "MG001", "unsafe"),  # column default
        (3, 40, 51, "MG001", "unsafe"),  # VALUES
        (3, 60, 75, "MG004", "none"),  # longer string with a doubled quote
    ],
    "swift": [
        (1, 44, 55, "MG001", "safe"),  # argument label
        (2, 11, 30, "MG001", "unsafe"),  # raw string under another name
        (3, 25, 34, "MG004", "none"),  # nested comment
    ],
    "terraform": [
        (2, 13, 24, "MG001", "safe"),  # variable "chat_model" default
        (6, 10, 27, "MG001", "unsafe"),  # a deployment's own name
        (9, 15, 26, "MG001", "safe"),  # model { name = … }
    ],
}


def test_every_project_is_listed() -> None:
    assert sorted(p.name for p in PROJECTS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_findings(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / project)
    result = CliRunner().invoke(
        cli,
        ["check", ".", "--isolated", "--no-cache", "--registry", str(FIXTURES / "registry"),
         "--as-of", "2025-08-01", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    rows = [(f["line"], f["column"], f["end_column"], f["rule"], f["fix"])
            for f in report["findings"]]
    assert rows == EXPECTED[project]
    assert report["summary"]["files_scanned"] == 1
    assert report["skipped"] == report["errors"] == []
