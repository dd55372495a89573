"""Sources nested deep enough to crash a parser: libcst's native parser segfaults at about
1,250 nested brackets (taking the process with it), json and tomllib raise RecursionError.
Each is an error entry for its own file; every other file is still reported and rewritten."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelguard.engine import runner
from modelguard.engine.runner import run_files
from modelguard.findings import Failed, Scanned
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from modelguard.scan.depth import (
    MAX_BRACKET_DEPTH,
    MAX_UNARY_RUN,
    _unary_run_longer_than,
    too_deep,
)
from tests.conftest import AFTER, FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")
DEAD = 'client.chat.completions.create(model="gpt-4.5-preview")\n'
DEEPER = MAX_BRACKET_DEPTH + 1


def nested(opening: str, closing: str, depth: int) -> str:
    return opening * depth + "1" + closing * depth


@pytest.mark.parametrize("source, refused", [
    pytest.param("x = " + nested("(", ")", MAX_BRACKET_DEPTH) + "\n", False, id="parens-at-bound"),
    pytest.param("x = " + nested("(", ")", DEEPER) + "\n", True, id="parens-over-bound"),
    pytest.param("f(" + nested("[", "]", DEEPER - 1) + ', model="m")\n', True,
                 id="list-in-call-over-bound"),
    pytest.param("x = " + nested("{", "}", DEEPER) + "\n", True, id="braces-over-bound"),
    pytest.param("x = " + "(" * 150 + "[" * 60 + "]" * 60 + ")" * 150 + "\n", True,
                 id="mixed-brackets-over-bound"),
    pytest.param("x = (1)\n" * 5000, False, id="many-shallow-brackets"),
    pytest.param("x = '" + ")" * 300 + "'; y = " + nested("(", ")", 150) + "\n", False,
                 id="unmatched-closers-first"),
    pytest.param("x = '" + "(" * 150 + ")" * 10 + "[" * 61 + "'\n", True,
                 id="reopened-over-bound-in-a-string"),
    pytest.param("x = " + "-" * MAX_UNARY_RUN + "1\n", False, id="unary-at-bound"),
    pytest.param("x = " + "- " * (MAX_UNARY_RUN + 1) + "1\n", True, id="unary-over-bound"),
    pytest.param(")" * 5000 + "(" * 10 + "\n", False, id="closers-first-do-not-go-negative"),
])
def test_too_deep_is_a_linear_precheck(source: str, refused: bool) -> None:
    assert (too_deep(source) is not None) is refused
    assert (too_deep(source.encode()) is not None) is refused


# The shapes the probes crashed on, a little over the bound (the behaviour is the same at
# 3,000 or 10,000 deep, and these keep the test fast).
DEEP_SOURCES = [
    pytest.param("crash.py", "f(" + nested("[", "]", DEEPER) + ', model="gpt-4.5-preview")\n',
                 id="list-in-call"),
    pytest.param("crash.py", "x = " + nested("(", ")", DEEPER) + "\n" + DEAD, id="parens"),
    pytest.param("crash.py", "x = " + "-" * (MAX_UNARY_RUN + 1) + "1\n" + DEAD, id="unary"),
]


@pytest.mark.parametrize("name, source", DEEP_SOURCES)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_reports_a_deep_file_as_its_error_and_the_others_still(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str, jobs: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(source)
    for number in range(70):  # enough files for a pool of two
        (tmp_path / f"ok{number:02}.py").write_text(DEAD)
    result = run_cli("check", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01",
                     "--no-cache", "-j", jobs, ".")
    assert result.exit_code == 2
    assert f"{name}: error: " in result.output
    assert "70 finding(s) (MG001: 70)" in result.output


@pytest.mark.parametrize("name, source", [
    *DEEP_SOURCES,
    pytest.param("deep.json", '{"model": "gpt-4.5-preview", "x": ' + nested("[", "]", 10_000)
                 + "}\n", id="json"),
    pytest.param("deep.toml", 'model = "gpt-4.5-preview"\nx = ' + nested("[", "]", 10_000)
                 + "\n", id="toml"),
    pytest.param("deep.ipynb", json.dumps({
        "cells": [{"cell_type": "code", "source": "x = " + nested("(", ")", DEEPER) + "\n"
                   + DEAD, "metadata": {}, "outputs": [], "execution_count": None}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), id="notebook-cell"),
])
def test_fix_reports_a_deep_file_as_its_error_and_rewrites_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(source)
    (tmp_path / "ok.py").write_text(DEAD)
    (tmp_path / "ok.json").write_text('{"model": "gpt-4.5-preview"}\n')
    result = run_cli("fix", "--registry", TEST_REGISTRY, "--as-of", "2025-08-01", ".")
    assert result.exit_code == 2
    assert f"{name}: error: " in result.output
    assert (tmp_path / name).read_text() == source
    assert "gpt-4.1" in (tmp_path / "ok.py").read_text()
    assert "gpt-4.1" in (tmp_path / "ok.json").read_text()


def test_a_dying_pool_worker_costs_its_file_not_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: ModelIndex) -> None:
    files = []
    for number in range(80):
        path = tmp_path / f"f{number:02}.py"
        path.write_text(DEAD)
        files.append(path)
    killer = str(files[37])
    scan = runner._Worker.scan

    def crashing(self: runner._Worker, item: runner.Item) -> runner.Outcome:
        if item[0] == killer and os.getpid() != parent:
            os._exit(139)  # as a native segfault ends a worker: no exception, no result
        return scan(self, item)

    parent = os.getpid()
    monkeypatch.setattr(runner._Worker, "scan", crashing)
    results = list(run_files(files, index, ScanSettings(AFTER), jobs=2))
    assert [r.path for r in results] == [runner.display_path(f) for f in files]
    failed = [r for r in results if isinstance(r, Failed)]
    assert [(r.path, r.message) for r in failed] == [
        (runner.display_path(files[37]), "crashed the scanner (its process died); not scanned")]
    assert all(len(r.findings) == 1 for r in results if isinstance(r, Scanned))


@settings(max_examples=500, deadline=None)
@given(data=st.lists(st.sampled_from([b"-", b"+", b"~", b" ", b"\t", b"x", b"\n", b"--"]),
                     max_size=40).map(b"".join))
def test_the_unary_run_check_is_the_regex_s(data: bytes) -> None:
    # The definition, as a (slow on long files) regex: operators separated by spaces or tabs.
    definition = re.compile(rb"(?:[-+~][ \t]*){6,}")
    assert _unary_run_longer_than(data, 5) is (definition.search(data) is not None)
