"""The warm path: files whose stat the cache recorded are not read again, a stat is trusted
only when it is settled (git's racy rule), and notebooks and text formats come back from the
cache exactly as a fresh scan finds them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from modelguard.api import check_paths
from modelguard.engine import runner
from modelguard.engine.cache import CACHE_DIR, RACY_MARGIN_NS, ResultCache, settled
from modelguard.files import sha256_hex
from modelguard.registry.index import ModelIndex
from modelguard.report.model import Report
from modelguard.scan import ScanSettings
from tests.conftest import AFTER

SECOND = 1_000_000_000
START = 1_000 * SECOND


@pytest.mark.parametrize(
    ("mtime", "ctime", "expected"),
    [
        pytest.param(START - 10 * SECOND, START - 10 * SECOND, True, id="old-file"),
        pytest.param(START - RACY_MARGIN_NS, START - 10 * SECOND, False, id="mtime-at-margin"),
        pytest.param(START - SECOND, START - 10 * SECOND, False, id="mtime-within-margin"),
        pytest.param(START + SECOND, START - 10 * SECOND, False, id="mtime-after-start"),
        pytest.param(START - 10 * SECOND, START - SECOND, False, id="ctime-within-margin"),
    ],
)
def test_only_settled_stats_are_trusted(mtime: int, ctime: int, expected: bool) -> None:
    assert settled((10, mtime, 1, ctime), START) is expected


_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "source": ["# Notes\n", "We left gpt-4.5-preview.\n"]},
        {"cell_type": "code", "source": ["%pip install openai\n", "\n",
                                         'client.create(model="gpt-4-32k")\n']},
        {"cell_type": "code", "source": ['OLD = "text-davinci-003"  # modelguard: ignore\n']},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}

_FILES = {
    "app.py": 'MODEL = "gpt-4-32k"\n',
    "clean.py": "VALUE = 1\n",
    "broken.py": "def (: 'gpt-4-32k'\n",
    "settings.yaml": "llm:\n  model: gpt-4-32k\n# was text-davinci-003\n",
    "config.json": '{"model": "gpt-4.5-preview"}\n',
    "pyproject.toml": '[tool.app]\nmodel = "gpt-4-32k"\n',
    ".env": "OPENAI_MODEL=gpt-4.5-preview\n",
    "web/client.ts": 'const model = "gpt-4-32k";\n',
    "analysis.ipynb": json.dumps(_NOTEBOOK, indent=1),
    "bad.ipynb": "{not json: gpt-4-32k",
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "src"
    for name, text in _FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each run read."""
    seen: list[str] = []
    real = runner.read_source

    def counting(path: str, limit: int) -> tuple[bytes | None, os.stat_result]:
        seen.append(os.path.basename(path))
        return real(path, limit)

    monkeypatch.setattr(runner, "read_source", counting)
    return seen


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each run scanned (not served from the cache)."""
    seen: list[str] = []
    real = runner.scan_groups

    def counting(path: str, source: bytes | str, index: ModelIndex) -> object:
        seen.append(os.path.basename(path))
        return real(path, source, index)

    monkeypatch.setattr(runner, "scan_groups", counting)
    return seen


def _check(root: Path, index: ModelIndex, cache: Path | None, margin_ns: int = 0,
           jobs: int = 1) -> Report:
    """A run whose stats count as settled once written before it (margin 0)."""
    if cache is None:
        return check_paths([root], index, ScanSettings(AFTER), jobs=jobs)
    original = ResultCache.load

    def load(directory: Path, index: ModelIndex, *, margin_ns: int = margin_ns) -> ResultCache:
        return original(directory, index, margin_ns=margin_ns)

    ResultCache.load = load  # type: ignore[method-assign, assignment]
    try:
        return check_paths([root], index, ScanSettings(AFTER), jobs=jobs, cache_dir=cache)
    finally:
        ResultCache.load = original  # type: ignore[method-assign]


def test_every_format_comes_back_from_the_cache_as_scanned(
    tree: Path, index: ModelIndex, tmp_path: Path, scans: list[str], reads: list[str]
) -> None:
    cache = tmp_path / CACHE_DIR
    fresh = _check(tree, index, None)
    del scans[:]
    cold = _check(tree, index, cache)
    assert sorted(scans) == sorted(os.path.basename(name) for name in _FILES)
    del scans[:], reads[:]
    warm = _check(tree, index, cache)
    assert warm == cold == fresh
    assert scans == [] and reads == []  # not even read: the stats matched
    assert {f.cell for f in warm.findings if f.path.endswith(".ipynb")} == {1, 2}
    assert any(f.file_line for f in warm.findings)
    assert {e.path for e in warm.errors} == {"src/bad.ipynb", "src/broken.py"}


def test_unsettled_stats_are_read_and_hashed_but_not_rescanned(
    tree: Path, index: ModelIndex, tmp_path: Path, scans: list[str], reads: list[str]
) -> None:
    cache = tmp_path / CACHE_DIR
    cold = _check(tree, index, cache, margin_ns=RACY_MARGIN_NS)
    del scans[:], reads[:]
    warm = _check(tree, index, cache, margin_ns=RACY_MARGIN_NS)
    assert warm == cold
    assert scans == []  # the content digests matched
    assert sorted(reads) == sorted(os.path.basename(name) for name in _FILES)


@pytest.mark.parametrize("margin_ns", [pytest.param(0, id="settled"),
                                       pytest.param(RACY_MARGIN_NS, id="racy")])
def test_an_edit_keeping_size_and_mtime_is_seen(
    tree: Path, index: ModelIndex, tmp_path: Path, margin_ns: int
) -> None:
    cache = tmp_path / CACHE_DIR
    target = tree / "same.py"
    target.write_text('VALUE = "aaaaaaaaa"\n')
    before = os.stat(target)
    _check(tree, index, cache, margin_ns)
    target.write_text('VALUE = "gpt-4-32k"\n')
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(target)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    report = _check(tree, index, cache, margin_ns)
    assert report == _check(tree, index, None)
    assert "src/same.py" in {f.path for f in report.findings}


def test_a_damaged_stat_record_is_ignored(
    tree: Path, index: ModelIndex, tmp_path: Path, scans: list[str], reads: list[str]
) -> None:
    cache = tmp_path / CACHE_DIR
    expected = _check(tree, index, cache)
    (stored,) = cache.glob("results-*.json")
    data = json.loads(stored.read_text())
    app = 5 * data["paths"].index(os.path.abspath(tree / "app.py"))
    data["stats"][app : app + 5] = ["not", "a", "stat", "record", 0]
    clean = 5 * data["paths"].index(os.path.abspath(tree / "clean.py"))
    data["stats"][clean + 4] = 999999  # no such digest
    stored.write_text(json.dumps(data))
    del scans[:], reads[:]
    assert _check(tree, index, cache) == expected
    assert sorted(reads) == ["app.py", "clean.py"]
    assert scans == []  # read, hashed, found by digest


@pytest.mark.parametrize("jobs", [pytest.param(1, id="jobs-1"), pytest.param(2, id="jobs-2")])
def test_warm_runs_match_fresh_ones_whatever_the_jobs(
    tree: Path, index: ModelIndex, tmp_path: Path, jobs: int
) -> None:
    for number in range(3 * runner.MIN_FILES_PER_JOB):
        (tree / "many" / f"m{number}.py").parent.mkdir(exist_ok=True)
        (tree / "many" / f"m{number}.py").write_text(
            f'MODEL = "gpt-4-32k"  # {number}\n' if number % 5 == 0 else f"X = {number}\n"
        )
    cache = tmp_path / CACHE_DIR
    fresh = _check(tree, index, None, jobs=1)
    assert _check(tree, index, cache, jobs=jobs) == fresh
    (tree / "many" / "m1.py").write_text('MODEL = "gpt-4.5-preview"\n')
    assert _check(tree, index, cache, jobs=jobs) == _check(tree, index, None, jobs=1)


def _stored(cache: Path) -> dict[str, list[str]]:
    (stored,) = cache.glob("results-*.json")
    data = json.loads(stored.read_text())
    return {"paths": data["paths"], "digests": data["digests"]}


def _digest(path: Path) -> str:
    return sha256_hex(path.read_bytes())


def test_a_deleted_file_is_forgotten(tree: Path, index: ModelIndex, tmp_path: Path) -> None:
    cache = tmp_path / CACHE_DIR
    _check(tree, index, cache)
    gone = tree / "app.py"
    digest = _digest(gone)
    assert str(gone) in _stored(cache)["paths"]
    gone.unlink()
    assert _check(tree, index, cache) == _check(tree, index, None)
    stored = _stored(cache)
    assert str(gone) not in stored["paths"]
    assert digest not in stored["digests"]
    assert str(tree / "clean.py") in stored["paths"]


def test_an_edited_files_old_content_is_dropped(
    tree: Path, index: ModelIndex, tmp_path: Path
) -> None:
    cache = tmp_path / CACHE_DIR
    _check(tree, index, cache)
    edited = tree / "app.py"
    before = _digest(edited)
    edited.write_text('MODEL = "gpt-4.5-preview"\n')
    assert _check(tree, index, cache) == _check(tree, index, None)
    stored = _stored(cache)
    assert before not in stored["digests"]
    assert _digest(edited) in stored["digests"]


@pytest.mark.parametrize(
    ("scanned", "rescans_the_edit"),
    [pytest.param("clean.py", False, id="one-file"), pytest.param("web", True, id="a-subfolder")],
)
def test_a_partial_run_keeps_what_it_did_not_list(
    tree: Path, index: ModelIndex, tmp_path: Path, scanned: str, rescans_the_edit: bool
) -> None:
    cache = tmp_path / CACHE_DIR
    _check(tree, index, cache)
    everything = _stored(cache)
    client = tree / "web" / "client.ts"
    old = _digest(client)
    client.write_text('const model = "gpt-4.5-preview";\n')
    _check(tree / scanned, index, cache)
    after = _stored(cache)
    assert set(after["paths"]) == set(everything["paths"])
    expected = set(everything["digests"])
    if rescans_the_edit:
        expected = expected - {old} | {_digest(client)}
    assert set(after["digests"]) == expected
