"""A fixture project with one file per format, checked through the command line.

Each row is (line, column, end column, rule, fix) as the JSON report gives it; notebooks add
the cell and the line in the file. As of 2025-08-01 every id used here is retired.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from typing import Any

import pytest
from click.testing import CliRunner

from modelguard.cli.main import cli
from tests.conftest import FIXTURES

Row = tuple[Any, ...]

EXPECTED: dict[str, list[Row]] = {
    "config.yaml": [
        (1, 21, 36, "MG004", "none"),  # comment
        (3, 10, 19, "MG001", "safe"),  # model: bare value
        (4, 13, 30, "MG001", "unsafe"),  # quoted under another key
        (7, 7, 23, "MG001", "unsafe"),  # list item
        (8, 25, 41, "MG004", "none"),  # prose value
    ],
    "settings.json": [
        (2, 12, 29, "MG001", "safe"),
        (3, 14, 25, "MG001", "unsafe"),  # a key
        (4, 26, 42, "MG004", "none"),
    ],
    "app.toml": [(2, 17, 28, "MG001", "safe"), (3, 12, 36, "MG001", "unsafe")],
    ".env": [(1, 14, 23, "MG001", "safe"), (2, 13, 29, "MG004", "none")],
    ".env.production": [],  # suppressed
    "setup.cfg": [(2, 10, 26, "MG001", "safe")],
    "client.ts": [
        (4, 19, 28, "MG004", "none"),
        (5, 59, 76, "MG001", "safe"),  # typed default parameter
        (6, 17, 35, "MG001", "unsafe"),  # comparison
        (7, 50, 61, "MG001", "safe"),  # { model: … }
    ],
    "server.mjs": [(1, 36, 47, "MG001", "unsafe"), (3, 4, 20, "MG004", "none")],
    "NOTES.md": [(3, 10, 19, "MG004", "none")],
    "cookbook.ipynb": [
        (1, 9, 3, 28, 37, "MG004", "none"),
        (2, 19, 2, 7, 16, "MG004", "none"),
        (3, 42, 4, 11, 28, "MG001", "safe"),
        (3, 46, 8, 15, 24, "MG004", "none"),
        (4, 56, 2, 64, 73, "MG004", "none"),
        (5, 64, 2, 12, 30, "MG001", "safe"),
    ],
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("formats")
    shutil.copytree(FIXTURES / "projects" / "formats", root / "formats")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(
            cli,
            ["check", "formats", "--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01",
             "--format", "json"],
            catch_exceptions=False,
        )
    assert result.exit_code == 2  # broken.ipynb
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_per_file(report: dict[str, Any], name: str) -> None:
    rows: dict[str, list[Row]] = defaultdict(list)
    for f in report["findings"]:
        where = (f["cell"], f["file_line"]) if "cell" in f else ()
        rows[f["path"]].append((*where, f["line"], f["column"], f["end_column"], f["rule"], f["fix"]))
    assert rows[f"formats/{name}"] == EXPECTED[name]


def test_every_finding_is_in_an_expected_file(report: dict[str, Any]) -> None:
    assert {f["path"] for f in report["findings"]} <= {f"formats/{name}" for name in EXPECTED}


def test_invalid_notebook_is_an_error_entry(report: dict[str, Any]) -> None:
    assert report["errors"] == [
        {"path": "formats/broken.ipynb",
         "message": "invalid notebook JSON: Expecting ',' delimiter at line 4, column 2"}
    ]
    assert report["summary"]["files_scanned"] == len(EXPECTED)
