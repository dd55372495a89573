"""The result cache: reused when nothing it depends on changed, rebuilt when anything did, and
never trusted when it is damaged. Whether a file was scanned again is observed by counting the
calls to the scanner (runs with one job stay in this process)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from modelguard.api import check_paths
from modelguard.cli.main import cli
from modelguard.engine import runner
from modelguard.engine.cache import (
    CACHE_DIR,
    KEEP,
    CachedScan,
    ResultCache,
    code_fingerprint,
    decode,
    encode,
)
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import Registry, load_registry
from modelguard.report.model import Report
from modelguard.scan import ScanSettings, scan_groups
from tests.conftest import AFTER, DURING, FIXTURES


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each run scanned (served from the cache or not)."""
    counter = [0]
    real = runner.scan_groups

    def counting(path: str, source: bytes | str, index: ModelIndex) -> object:
        counter[0] += 1
        return real(path, source, index)

    monkeypatch.setattr(runner, "scan_groups", counting)
    return counter


def _run(root: Path, index: ModelIndex, cache: Path | None, settings: ScanSettings) -> Report:
    return check_paths([root], index, settings, jobs=1, cache_dir=cache)


def _scanned(counter: list[int], run: Callable[[], Report]) -> tuple[int, Report]:
    before = counter[0]
    report = run()
    return counter[0] - before, report


def test_second_run_scans_nothing_and_reports_the_same(
    project: Path, index: ModelIndex, scans: list[int], tmp_path: Path
) -> None:
    cache = tmp_path / CACHE_DIR
    first_count, first = _scanned(scans, lambda: _run(project, index, cache, ScanSettings(AFTER)))
    again_count, again = _scanned(scans, lambda: _run(project, index, cache, ScanSettings(AFTER)))
    assert first_count == 3
    assert again_count == 0
    assert again == first == _run(project, index, None, ScanSettings(AFTER))
    assert first.errors  # broken.py: a parse failure is cached too, and reported again
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


@pytest.mark.parametrize(
    ("settings", "expected_rules"),
    [
        pytest.param(ScanSettings(DURING), {"MG001", "MG003"}, id="earlier-as-of"),
        pytest.param(ScanSettings(AFTER, warn_within_days=10), {"MG001"}, id="warn-within"),
    ],
)
def test_dates_apply_to_cached_hits_without_rescanning(
    project: Path, index: ModelIndex, scans: list[int], tmp_path: Path,
    settings: ScanSettings, expected_rules: set[str],
) -> None:
    cache = tmp_path / CACHE_DIR
    _run(project, index, cache, ScanSettings(AFTER))
    count, report = _scanned(scans, lambda: _run(project, index, cache, settings))
    assert count == 0
    assert report == _run(project, index, None, settings)
    assert {f.rule.code for f in report.findings} == expected_rules


def test_a_changed_file_is_scanned_again(
    project: Path, index: ModelIndex, scans: list[int], tmp_path: Path
) -> None:
    cache = tmp_path / CACHE_DIR
    _run(project, index, cache, ScanSettings(AFTER))
    (project / "pkg" / "clean.py").write_text('MODEL = "gpt-4-32k"\n')
    count, report = _scanned(scans, lambda: _run(project, index, cache, ScanSettings(AFTER)))
    assert count == 1
    assert "mixed/pkg/clean.py" in {f.path for f in report.findings}


def _edited_registry(tmp_path: Path) -> Registry:
    """The test registry with one date moved and the same version string."""
    folder = tmp_path / "registry"
    shutil.copytree(FIXTURES / "registry", folder)
    openai = folder / "openai.toml"
    openai.write_text(openai.read_text().replace("shutdown = 2025-07-14", "shutdown = 2030-07-14"))
    return load_registry(folder)


@pytest.mark.parametrize(
    "changed_index",
    [
        pytest.param(lambda registry, tmp: build_index(_edited_registry(tmp)), id="registry-data"),
        pytest.param(lambda registry, tmp: build_index(registry, ["openai"]), id="providers"),
        pytest.param(
            lambda registry, tmp: build_index(dataclasses.replace(registry, version="2099.1.1")),
            id="registry-version",
        ),
    ],
)
def test_a_changed_registry_or_provider_choice_rescans_everything(
    project: Path, test_registry: Registry, index: ModelIndex, scans: list[int],
    tmp_path: Path, changed_index: Callable[[Registry, Path], ModelIndex],
) -> None:
    cache = tmp_path / CACHE_DIR
    _run(project, index, cache, ScanSettings(AFTER))
    other = changed_index(test_registry, tmp_path)
    count, report = _scanned(scans, lambda: _run(project, other, cache, ScanSettings(AFTER)))
    assert count == 3
    assert report == _run(project, other, None, ScanSettings(AFTER))


def _only_cache_file(cache: Path) -> Path:
    (found,) = cache.glob("results-*.json")
    return found


@pytest.mark.parametrize(
    ("damage", "expected_scans"),
    [
        pytest.param(lambda text: "{not json", 3, id="not-json"),
        pytest.param(lambda text: "", 3, id="empty"),
        pytest.param(lambda text: text[: len(text) // 2], 3, id="truncated"),
        pytest.param(lambda text: json.dumps({**json.loads(text), "key": "x"}), 3, id="other-key"),
        pytest.param(lambda text: json.dumps([1, 2]), 3, id="not-an-object"),
        pytest.param(
            lambda text: json.dumps(
                {**json.loads(text),
                 "files": [{"hits": [["bad"]], "ignore": []} for _ in json.loads(text)["files"]]}
            ),
            3,
            id="entries-that-do-not-decode",
        ),
        pytest.param(
            lambda text: json.dumps(
                {**json.loads(text),
                 "files": [{"hits": [[1, 1, 1, 2, "x", "openai", "no-such-model", "",
                                      "safe", "c", 0, 0]], "ignore": []}
                           for _ in json.loads(text)["files"]]}
            ),
            3,
            id="unknown-entry",
        ),
        pytest.param(
            lambda text: json.dumps({**json.loads(text),
                                     "digests": json.loads(text)["digests"][:1] * 3}),
            3,
            id="repeated-digests",
        ),
        pytest.param(
            lambda text: json.dumps({**json.loads(text), "files": json.loads(text)["files"][1:]}),
            3,
            id="fewer-entries-than-digests",
        ),
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    project: Path, index: ModelIndex, scans: list[int], tmp_path: Path,
    damage: Callable[[str], str], expected_scans: int,
) -> None:
    cache = tmp_path / CACHE_DIR
    expected = _run(project, index, cache, ScanSettings(AFTER))
    stored = _only_cache_file(cache)
    stored.write_text(damage(stored.read_text()))
    count, report = _scanned(scans, lambda: _run(project, index, cache, ScanSettings(AFTER)))
    assert count == expected_scans
    assert report == expected
    count, _ = _scanned(scans, lambda: _run(project, index, cache, ScanSettings(AFTER)))
    assert count == 0  # rebuilt


def test_an_unwritable_cache_is_not_an_error(
    project: Path, index: ModelIndex, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should go")
    report = _run(project, index, blocker / CACHE_DIR, ScanSettings(AFTER))
    assert report == _run(project, index, None, ScanSettings(AFTER))


_NOTEBOOK = json.dumps({
    "cells": [
        {"cell_type": "markdown", "source": ["We moved off gpt-4.5-preview.\n"]},
        {"cell_type": "code", "source": ["import os\n", "\n",
                                         'MODEL = "gpt-4-32k"  # modelguard: ignore[MG002]\n']},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}, indent=1)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        pytest.param("m.py", 'MODEL = "gpt-4-32k"  # modelguard: ignore[MG002]\n# gpt-4.5-preview\n',
                     id="python"),
        pytest.param("c.yaml", "model: gpt-4-32k  # modelguard: ignore\nnote: gpt-4.5-preview\n",
                     id="yaml"),
        pytest.param("n.ipynb", _NOTEBOOK, id="notebook"),
    ],
)
def test_cache_entries_round_trip(
    index: ModelIndex, tmp_path: Path, path: str, source: str
) -> None:
    groups = scan_groups(path, source.encode(), index)
    stored = ResultCache.load(tmp_path, index)
    stored.add("digest", encode(groups))
    stored.save()
    found = decode(ResultCache.load(tmp_path, index).entries["digest"], index)
    assert sum(len(g.hits) for g in groups) == 2
    assert found == CachedScan(groups)


@pytest.mark.parametrize(
    ("args", "cache_made"),
    [
        pytest.param([], True, id="default"),
        pytest.param(["--no-cache"], False, id="no-cache"),
    ],
)
def test_cli_cache_folder(project: Path, args: list[str], cache_made: bool) -> None:
    result = CliRunner().invoke(
        cli, ["check", "--registry", str(FIXTURES / "registry"), "mixed", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert (project.parent / CACHE_DIR / ".gitignore").is_file() is cache_made


def test_only_the_newest_result_files_are_kept(
    project: Path, test_registry: Registry, tmp_path: Path
) -> None:
    cache = tmp_path / CACHE_DIR
    versions = [f"2099.1.{n}" for n in range(KEEP + 3)]
    for version in versions:  # each registry version has its own key, so its own file
        _run(project, build_index(dataclasses.replace(test_registry, version=version)), cache,
             ScanSettings(AFTER))
    kept = sorted(cache.glob("results-*.json"))
    assert len(kept) == KEEP
    newest = build_index(dataclasses.replace(test_registry, version=versions[-1]))
    assert ResultCache.load(cache, newest).path in kept
    oldest = build_index(dataclasses.replace(test_registry, version=versions[0]))
    assert ResultCache.load(cache, oldest).path not in kept


def _touch(path: Path, text: str) -> None:
    path.write_text(text)


@pytest.mark.parametrize(
    ("change", "changes_the_key"),
    [
        pytest.param(lambda pkg: None, False, id="nothing"),
        pytest.param(lambda pkg: _touch(pkg / "scan" / "a.py", "X = 22\n"), True, id="edited"),
        pytest.param(lambda pkg: os.utime(pkg / "b.py", ns=(1, 1)), True, id="touched"),
        pytest.param(lambda pkg: _touch(pkg / "c.py", ""), True, id="added"),
        pytest.param(lambda pkg: (pkg / "b.py").unlink(), True, id="removed"),
        pytest.param(lambda pkg: _touch(pkg / "__pycache__" / "b.pyc", "x"), False, id="bytecode"),
        pytest.param(lambda pkg: _touch(pkg / "notes.txt", "x"), False, id="not-python"),
    ],
)
def test_modelguards_own_sources_are_in_the_key(
    tmp_path: Path, change: Callable[[Path], object], changes_the_key: bool
) -> None:
    package = tmp_path / "modelguard"
    (package / "scan").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "scan" / "a.py").write_text("X = 1\n")
    (package / "b.py").write_text("Y = 2\n")
    before = code_fingerprint(str(package))
    change(package)
    assert (code_fingerprint(str(package)) != before) is changes_the_key
