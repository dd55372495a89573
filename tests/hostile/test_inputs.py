"""Hostile inputs on disk: special files where files were listed, malformed notebooks. Each
is one error entry for that path; the run goes on and never hangs."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from modelguard.api import check_paths
from modelguard.cli import fix as fix_cli
from modelguard.engine import runner
from modelguard.files import write_atomic
from modelguard.findings import Failed
from modelguard.fix import files as fix_files
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES, run_cli

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")

DEAD = 'client.chat.completions.create(model="gpt-4.5-preview")\n'
ARGS = ("--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01", "--isolated")


@pytest.fixture
def no_hang() -> Iterator[None]:
    """A test that would block on a FIFO fails after 30 s instead of hanging the suite."""
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: a FIFO was opened for reading")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@needs_fifo
@pytest.mark.parametrize(("command", "extra"), [
    pytest.param("check", ("--no-cache",), id="check"),
    pytest.param("fix", (), id="fix"),
    pytest.param("fix", ("--check",), id="fix-check"),
])
def test_a_fifo_named_on_the_command_line_is_skipped_as_not_a_regular_file(
    tmp_path: Path, no_hang: None, command: str, extra: tuple[str, ...]
) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    (tmp_path / "app.py").write_text(DEAD)
    result = run_cli(command, str(fifo), str(tmp_path / "app.py"), *ARGS, *extra)
    assert "no such file" not in result.output + result.stderr
    assert f"{fifo}: skipped: not a regular file (a FIFO)" in result.stderr
    assert "error" not in result.output + result.stderr
    assert result.exit_code == 1  # app.py's finding (or rewrite), nothing else


@needs_fifo
def test_a_fifo_named_alone_is_a_run_that_scans_nothing(tmp_path: Path, no_hang: None) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    result = run_cli("check", str(fifo), *ARGS, "--no-cache")
    assert result.exit_code == 0
    assert "no files to scan" in result.stderr


def _swap_for_fifo(path: str) -> None:
    os.remove(path)
    os.mkfifo(path)  # listed as a file, a FIFO when opened: no writer ever comes


@needs_fifo
def test_a_file_swapped_for_a_fifo_during_the_run_does_not_hang(
    tmp_path: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch, no_hang: None
) -> None:
    (tmp_path / "a.py").write_text('MODEL = "x"\n')
    (tmp_path / "b.py").write_text('MODEL = "x"\n')
    real = runner.read_source

    def swapped(path: str, limit: int) -> tuple[bytes | None, os.stat_result]:
        if path.endswith("a.py") and not Path(path).is_fifo():
            _swap_for_fifo(path)
        return real(path, limit)

    monkeypatch.setattr(runner, "read_source", swapped)
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=1)
    assert [(e.path.endswith("a.py"), e.message) for e in report.errors] == [
        (True, "cannot read: not a regular file")]
    assert report.files_scanned == 1


@needs_fifo
def test_fix_on_a_file_swapped_for_a_fifo_before_it_is_read_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_hang: None
) -> None:
    (tmp_path / "a.py").write_text(DEAD)
    (tmp_path / "b.py").write_text(DEAD)
    real = runner.read_source

    def swapped(path: str, limit: int) -> tuple[bytes | None, os.stat_result]:
        if path.endswith("a.py") and not Path(path).is_fifo():
            _swap_for_fifo(path)
        return real(path, limit)

    monkeypatch.setattr(runner, "read_source", swapped)
    result = run_cli("fix", str(tmp_path), *ARGS)
    assert "a.py: error: cannot read: not a regular file" in result.output + result.stderr
    assert "gpt-4.1" in (tmp_path / "b.py").read_text()
    assert result.exit_code == 2


@needs_fifo
@pytest.mark.parametrize("moment", ["before-the-write", "before-the-rename"])
def test_fix_on_a_file_swapped_for_a_fifo_before_it_is_written_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_hang: None, moment: str
) -> None:
    target = tmp_path / "a.py"
    target.write_text(DEAD)
    if moment == "before-the-write":
        real_write = fix_files.write_fix

        def write_fix(fix: fix_files.FileFix) -> Failed | None:
            _swap_for_fifo(str(fix.path))
            return real_write(fix)

        monkeypatch.setattr(fix_cli, "write_fix", write_fix)
        message = "a.py: error: cannot read before rewriting: not a regular file"
    else:
        def write(path: Path, data: bytes | str,
                  before_replace: Callable[[], None] | None = None) -> None:
            def late() -> None:
                _swap_for_fifo(str(path))
                if before_replace is not None:
                    before_replace()
            write_atomic(path, data, before_replace=late)

        monkeypatch.setattr(fix_files, "write_atomic", write)
        message = "a.py: error: cannot read while rewriting: not a regular file; not rewritten"
    result = run_cli("fix", str(tmp_path), *ARGS)
    assert message in result.output + result.stderr
    assert target.is_fifo()  # left as it was found, never replaced
    assert result.exit_code == 2


# Each names a model: a broken notebook that names none is not reported (scan/__init__.py).
def _notebook(cells: list[object]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


_BROKEN = {
    "cut": _notebook([{"cell_type": "code", "source": "m = 'gpt-4o'"}])[:-9],
    "list": json.dumps(["gpt-4o"]),
    "cells": json.dumps({"cells": "gpt-4o", "nbformat": 4}),
    "v3": json.dumps({"worksheets": [{"cells": [{"input": "gpt-4o"}]}], "nbformat": 3}),
}


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
        pytest.param("cut", "invalid notebook JSON", id="truncated-json"),
        pytest.param("list", "no 'cells' list", id="top-level-a-list"),
        pytest.param("cells", "no 'cells' list", id="cells-a-string"),
        pytest.param("v3", "unsupported notebook format (nbformat 3)", id="nbformat-3"),
    ],
)
def test_a_notebook_with_a_malformed_cell_is_an_error_entry(
    tmp_path: Path, index: ModelIndex, cells: list[object] | str, message: str
) -> None:
    (tmp_path / "n.ipynb").write_text(_BROKEN[cells] if isinstance(cells, str)
                                      else _notebook(cells))
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=1)
    assert len(report.errors) == 1 and message in report.errors[0].message
