"""A damaged `.modelguard_cache`: the run warns once, scans as if there were no cache, and
reports exactly what a run without a cache reports. Every probe damages a real cache file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modelguard.api import check_paths
from modelguard.engine import cache as cache_mod
from modelguard.engine.cache import CACHE_DIR, EMPTY_DIGEST, ResultCache
from modelguard.registry.index import ModelIndex
from modelguard.report.model import Report
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES, run_cli

Damage = Callable[[dict[str, Any]], Any]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    monkeypatch.chdir(tmp_path)
    original = ResultCache.load

    def settled_at_once(directory: Path, index: ModelIndex, *, margin_ns: int = 0) -> ResultCache:
        return original(directory, index, margin_ns=0)  # record stats: the index is probed too

    monkeypatch.setattr(ResultCache, "load", settled_at_once)
    return root


def _run(root: Path, index: ModelIndex, warnings: list[str]) -> Report:
    return check_paths([root], index, ScanSettings(AFTER), jobs=1,
                       cache_dir=root.parent / CACHE_DIR, on_warning=warnings.append)


def _all_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Every stat record names an added entry for the digest of no bytes: 'nothing in it'."""
    stats = list(data["stats"])
    stats[4::5] = [len(data["digests"])] * (len(stats) // 5)
    return {**data, "digests": [*data["digests"], EMPTY_DIGEST], "files": [*data["files"], 0],
            "stats": stats}


def _all_one(data: dict[str, Any]) -> dict[str, Any]:
    """Every stat record names the first entry: files of other sizes share one digest."""
    stats = list(data["stats"])
    stats[4::5] = [0] * (len(stats) // 5)
    return {**data, "stats": stats}


DAMAGE = [
    pytest.param(lambda data: "[" * 100_000 + "]" * 100_000, "nested too deeply",
                 id="deeply-nested-json"),
    pytest.param(lambda data: {**data, "paths": [[p] for p in data["paths"]]}, "wrong type",
                 id="paths-not-strings"),
    pytest.param(lambda data: {**data, "stats": [str(n) for n in data["stats"]]},
                 "3 damaged stat record(s)", id="stats-not-numbers"),
    pytest.param(lambda data: {**data, "stats": [1.5 for _ in data["stats"]]},
                 "3 damaged stat record(s)", id="stats-floats"),
    pytest.param(lambda data: {**data, "paths": data["paths"][:1] * len(data["paths"])},
                 "wrong type", id="repeated-paths"),
    pytest.param(lambda data: {**data, "stats": [*data["stats"][:-1], 10**6]}, "1 damaged stat record(s)",
                 id="position-out-of-range"),
    pytest.param(_all_empty, "stat index", id="stat-index-says-every-file-is-empty"),
    pytest.param(_all_one, "two sizes", id="stat-index-says-every-file-is-one"),
    pytest.param(lambda data: {**data, "format": "3"}, "not a format", id="format-a-string"),
    pytest.param(lambda data: b"\xff\xfe", "not JSON", id="not-utf8"),
]


@pytest.mark.parametrize(("damage", "reason"), DAMAGE)
def test_a_damaged_cache_is_discarded_with_one_warning(
    project: Path, index: ModelIndex, damage: Damage, reason: str
) -> None:
    fresh = check_paths([project], index, ScanSettings(AFTER), jobs=1)
    warnings: list[str] = []
    assert _run(project, index, warnings) == fresh
    (stored,) = (project.parent / CACHE_DIR).glob("results-*.json")
    data = json.loads(stored.read_bytes())
    assert len(data["paths"]) == 3  # the stat index is in use, so damaging it is a real probe
    damaged = damage(data)
    stored.write_bytes(damaged if isinstance(damaged, bytes) else
                      json.dumps(damaged).encode() if not isinstance(damaged, str) else
                      damaged.encode())
    assert _run(project, index, warnings) == fresh
    assert len(warnings) == 1 and reason in warnings[0] and str(stored) in warnings[0]
    assert _run(project, index, warnings) == fresh
    assert len(warnings) == 1  # rebuilt: the next run trusts it again


def test_a_cache_larger_than_the_limit_is_not_read(
    project: Path, index: ModelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    fresh = _run(project, index, warnings)
    monkeypatch.setattr(cache_mod, "MAX_CACHE_SIZE", 100)
    assert _run(project, index, warnings) == fresh
    assert len(warnings) == 1 and "larger than 100 bytes" in warnings[0]


def test_the_command_line_warns_in_one_line(project: Path) -> None:
    first = run_cli("check", str(project))
    (stored,) = (project.parent / CACHE_DIR).glob("results-*.json")
    stored.write_text("[" * 100_000)
    second = run_cli("check", str(project))
    assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)
    lines = [line for line in second.stderr.splitlines() if "cache" in line]
    assert len(lines) == 1 and lines[0].startswith("modelguard: warning: cache ")
