"""Hostile inputs on disk: special files where files were listed, malformed notebooks. Each
is one error entry for that path; the run goes on and never hangs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from modelguard.api import check_paths
from modelguard.engine import runner
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, run_cli

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
def test_a_fifo_named_on_the_command_line_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    result = run_cli("check", str(fifo), "--isolated", "--no-cache")
    assert "no such file" not in result.stderr
    assert "not a regular file" in result.output


@needs_fifo
def test_a_file_swapped_for_a_fifo_during_the_run_does_not_hang(
    tmp_path: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text('MODEL = "x"\n')
    (tmp_path / "b.py").write_text('MODEL = "x"\n')
    real = runner.read_source

    def swapped(path: str, limit: int) -> tuple[bytes | None, os.stat_result]:
        if path.endswith("a.py") and not Path(path).is_fifo():
            os.remove(path)
            os.mkfifo(path)  # listed as a file, a FIFO when opened: no writer ever comes
        return real(path, limit)

    monkeypatch.setattr(runner, "read_source", swapped)
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=1)
    assert [(e.path.endswith("a.py"), e.message) for e in report.errors] == [
        (True, "cannot read: not a regular file")]
    assert report.files_scanned == 1


# Each names a model: a broken notebook that names none is not reported (scan/__init__.py).
def _notebook(cells: list[object]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        pytest.param([{"cell_type": ["code"], "source": "m = 'gpt-4o'"}],
                     "'cell_type' must be a string", id="cell-type-a-list"),
        pytest.param([{"cell_type": "code", "source": {"gpt-4o": 1}}],
                     "'source' must be a string or a list of strings", id="source-an-object"),
        pytest.param([{"cell_type": "code", "source": ["gpt-4o", 1]}],
                     "'source' must be a string or a list of strings", id="source-list-of-mixed"),
        pytest.param(["gpt-4o"], "expected an object", id="cell-a-string"),
    ],
)
def test_a_notebook_with_a_malformed_cell_is_an_error_entry(
    tmp_path: Path, index: ModelIndex, cells: list[object], message: str
) -> None:
    (tmp_path / "n.ipynb").write_text(_notebook(cells))
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=1)
    assert len(report.errors) == 1 and message in report.errors[0].message
