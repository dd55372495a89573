"""Serial and parallel runs give the same report, in the same order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from modelguard.api import check_paths
from modelguard.cli.main import cli
from modelguard.engine.cache import CACHE_DIR
from modelguard.engine.runner import MIN_FILES_PER_JOB, plan_jobs, read_source, run_files
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, FIXTURES

_LINES = [
    'client.create(model="gpt-4.5-preview")',
    'MODEL = "gpt-4-32k"',
    "# moved off text-davinci-003 last year",
    'ok = name == "azure/gpt-4-32k"',
    'x = "gpt-4.1"',
    "def f(a, b):\n    return a + b",
    "VALUE = 42",
    'MODEL = "gpt-4o"  # modelguard: ignore',
]


def _corpus(root: Path, files: int, seed: int) -> list[Path]:
    """Enough files, in nested folders, for the pool to have work for every process; some
    broken, some empty, most without any id."""
    rng = random.Random(seed)
    paths = []
    for number in range(files):
        path = root / f"pkg{number % 7}" / f"mod_{number}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [rng.choice(_LINES) for _ in range(rng.randint(0, 6))]
        if number % 17 == 0:
            lines.append("def (:")
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


@pytest.mark.parametrize("seed", [pytest.param(seed, id=f"seed-{seed}") for seed in (1, 2)])
def test_jobs_1_and_jobs_2_give_identical_reports(
    index: ModelIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.chdir(tmp_path)
    _corpus(tmp_path / "src", 4 * MIN_FILES_PER_JOB, seed)
    assert plan_jobs(4 * MIN_FILES_PER_JOB, 2) == 2  # the parallel run really is parallel
    serial = check_paths([Path("src")], index, ScanSettings(AFTER), jobs=1)
    parallel = check_paths([Path("src")], index, ScanSettings(AFTER), jobs=2)
    assert parallel == serial
    assert serial.findings and serial.errors


def test_results_come_back_in_the_order_given(index: ModelIndex, tmp_path: Path) -> None:
    paths = _corpus(tmp_path, 3 * MIN_FILES_PER_JOB, 3)
    random.Random(4).shuffle(paths)
    order = [r.path for r in run_files(paths + paths[:5], index, ScanSettings(AFTER), jobs=2)]
    shown = [r.path for r in run_files(paths, index, ScanSettings(AFTER), jobs=1)]
    assert order == shown  # duplicates dropped, order kept
    assert len(set(order)) == len(paths)


def test_parallel_run_fills_and_reads_the_cache(index: ModelIndex, tmp_path: Path) -> None:
    _corpus(tmp_path / "src", 4 * MIN_FILES_PER_JOB, 5)
    cache = tmp_path / CACHE_DIR
    cold = check_paths([tmp_path / "src"], index, ScanSettings(AFTER), jobs=2, cache_dir=cache)
    warm = check_paths([tmp_path / "src"], index, ScanSettings(AFTER), jobs=2, cache_dir=cache)
    assert warm == cold == check_paths([tmp_path / "src"], index, ScanSettings(AFTER), jobs=1)
    assert list(cache.glob("results-*.json"))


@pytest.mark.parametrize(
    ("files", "jobs", "expected"),
    [
        pytest.param(1, 8, 1, id="one-file"),
        pytest.param(MIN_FILES_PER_JOB, 8, 1, id="few-files"),
        pytest.param(MIN_FILES_PER_JOB + 1, 8, 2, id="just-enough-for-two"),
        pytest.param(10_000, 2, 2, id="capped-by-jobs"),
        pytest.param(10_000, 1, 1, id="one-job"),
        pytest.param(0, 4, 1, id="no-files"),
    ],
)
def test_plan_jobs(files: int, jobs: int, expected: int) -> None:
    assert plan_jobs(files, jobs) == expected


def test_cli_jobs_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _corpus(tmp_path / "src", 3 * MIN_FILES_PER_JOB, 6)
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            cli, ["check", "--registry", str(FIXTURES / "registry"), "--as-of", "2025-08-01",
                  "--format", "json", "--no-cache", "--jobs", jobs, "src"],
            catch_exceptions=False,
        )
        outputs.append((result.exit_code, result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 2


def test_cli_rejects_zero_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--jobs", "0", "."])
    assert result.exit_code == 2
    assert "--jobs" in result.stderr


@pytest.mark.parametrize(
    ("content", "limit", "expected"),
    [
        pytest.param(b"", 10, b"", id="empty"),
        pytest.param(b"x = 'gpt-4'\n", 100, b"x = 'gpt-4'\n", id="small"),
        pytest.param(b"0123456789", 10, b"0123456789", id="exactly-the-limit"),
        pytest.param(b"0123456789!", 10, None, id="over-the-limit"),
        pytest.param(bytes(range(256)) * 1000, 10**6, bytes(range(256)) * 1000, id="binary-256k"),
    ],
)
def test_read_source(tmp_path: Path, content: bytes, limit: int, expected: bytes | None) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(content)
    data, status = read_source(str(path), limit)
    assert data == expected
    assert status.st_size == len(content)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        pytest.param("a/b.py", "a/b.py", id="normal"),
        pytest.param(".hidden/b.py", ".hidden/b.py", id="dot-folder"),
        pytest.param("..b/c.py", "..b/c.py", id="dots-in-a-name"),
        pytest.param("./a/b.py", "a/b.py", id="leading-dot"),
        pytest.param("a//b.py", "a/b.py", id="double-slash"),
        pytest.param("a/./b.py", "a/b.py", id="inner-dot"),
    ],
)
def test_items_are_absolute_and_shown_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, shown: str
) -> None:
    """However a path is written, a file is known by its absolute path (once) and shown
    relative to the working folder."""
    from modelguard.engine.runner import _items

    monkeypatch.chdir(tmp_path)
    assert _items([written, shown]) == [(str(tmp_path / shown), shown)]


def test_items_with_dot_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from modelguard.engine.runner import _items

    monkeypatch.chdir(tmp_path)
    assert _items(["a/../a/b.py", "a/b.py"]) == [(str(tmp_path / "a" / "b.py"), "a/../a/b.py")]


def test_outcomes_cross_processes_unchanged(index: ModelIndex) -> None:
    """What a worker sends back pickles to an equal value (findings, digests, stats)."""
    import pickle

    from modelguard.engine.runner import Outcome
    from modelguard.findings import Failed, Scanned
    from modelguard.scan import scan_source

    findings = scan_source("m.py", 'MODEL = "gpt-4.5-preview"\n', index, ScanSettings(AFTER))
    assert findings
    for outcome in (
        Outcome(Scanned("m.py", findings), "ab" * 32, 0, (1, 2, 3, 4)),
        Outcome(Scanned("n.py", ())),
        Outcome(Failed("x.py", "cannot read: denied"), None, {"error": "e"}, None),
    ):
        assert pickle.loads(pickle.dumps(outcome)) == outcome
