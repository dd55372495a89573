"""A file that does not parse but holds findings: its error and its findings come back from
the cache as they were scanned, byte for byte in every report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelguard.engine import runner
from modelguard.engine.cache import CACHE_DIR, CachedError, decode, encode_error
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, scan_groups
from tests.conftest import FIXTURES, run_cli

BROKEN = {
    "py2.py": b'# -*- coding: utf-8 -*-\nprint "hi"\nclient.create(model="gpt-4-32k")  # text-davinci-003\n',
    "open.py": b'M = "gpt-4.5-preview"\nx = "open\n# gpt-4-32k\n',
    "nb.ipynb": json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": ['print "gpt-4-32k"  # modelguard: ignore[MG004]\n', "# text-davinci-003\n"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }).encode(),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, data in BROKEN.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_cold_and_warm_runs_give_the_same_report(
    project: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    args = ("check", "--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01",
            "--format", fmt, ".")
    uncached = run_cli(*args, "--no-cache")
    cold = run_cli(*args)
    assert (project / CACHE_DIR).is_dir()

    def not_again(path: str, source: bytes | str, index: ModelIndex) -> object:
        raise AssertionError(f"{path} scanned again")

    monkeypatch.setattr(runner, "scan_groups", not_again)
    warm = run_cli(*args)
    assert cold.exit_code == warm.exit_code == 2
    assert warm.stdout == cold.stdout == uncached.stdout
    assert "gpt-4-32k" in warm.stdout


def test_the_json_report_holds_the_errors_and_their_findings(project: Path) -> None:
    result = run_cli("check", "--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01",
                     "--format", "json", "--no-cache", ".")
    report = json.loads(result.stdout)
    assert sorted(e["path"] for e in report["errors"]) == ["nb.ipynb", "open.py", "py2.py"]
    assert [(f["path"], f["line"], f["rule"], f["context"]) for f in report["findings"]] == [
        ("nb.ipynb", 1, "MG001", "unparsed"),
        ("nb.ipynb", 2, "MG004", "unparsed"),
        ("open.py", 1, "MG001", "unparsed"),
        ("open.py", 3, "MG004", "unparsed"),
        ("py2.py", 3, "MG001", "unparsed"),
        ("py2.py", 3, "MG004", "unparsed"),
    ]
    assert report["summary"]["errors"] == 3
    assert report["summary"]["failing"] == 3


def test_an_error_entry_round_trips_with_its_hits(index: ModelIndex) -> None:
    with pytest.raises(ScanError) as raised:
        scan_groups("py2.py", BROKEN["py2.py"], index)
    error = raised.value
    assert error.groups  # what is cached is not nothing
    entry = json.loads(json.dumps(encode_error(str(error), error.groups)))
    assert decode(entry, index) == CachedError(str(error), error.groups)
    assert decode({"error": "x"}, index) == CachedError("x")  # entries without hits, as before
