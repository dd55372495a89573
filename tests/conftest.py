from __future__ import annotations

import datetime as dt
import http.server
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import Registry, load_registry
from modelguard.scan import ScanSettings, scan_source

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
# Beside the checkout; MODELGUARD_SHARED_DATA points elsewhere (e.g. from a git worktree).
SHARED_DATA = Path(os.environ.get("MODELGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))

# Every test judges lifecycles at fixed days, never at "today".
BEFORE = dt.date(2025, 1, 1)  # gpt-4.5-preview still active
DURING = dt.date(2025, 5, 1)  # gpt-4.5-preview deprecated, 74 days left
AFTER = dt.date(2025, 8, 1)  # gpt-4.5-preview retired


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees (or writes) the user's synced registry: each gets an empty cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def test_registry() -> Registry:
    return load_registry(FIXTURES / "registry")


@pytest.fixture(scope="session")
def index(test_registry: Registry) -> ModelIndex:
    return build_index(test_registry)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Upstream data beside the project; tests that need it skip cleanly without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


class QuietHTTPServer(http.server.ThreadingHTTPServer):
    """A loopback test server that stays silent when a client hangs up early (timeout tests):
    socketserver would print the traceback to whatever sys.stderr is at that moment, which may
    be another test's captured output."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite tests/golden/* from the current reporters (review the diff).")


_ARTIFACTS = pytest.StashKey[list[Path]]()


@pytest.fixture
def keep_artifact(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A path under the session's artifacts folder to write a file a person should look at
    (a screenshot); each is listed at the end of the run."""

    def path(name: str) -> Path:
        folder = tmp_path_factory.getbasetemp() / "artifacts"
        folder.mkdir(exist_ok=True)
        request.config.stash.setdefault(_ARTIFACTS, []).append(folder / name)
        return folder / name

    return path


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    kept = [p for p in config.stash.get(_ARTIFACTS, []) if p.exists()]
    if kept:
        terminalreporter.write_sep("-", "test artifacts")
        for artifact in kept:
            terminalreporter.write_line(str(artifact))


def run_cli(*args: str) -> Result:
    """The command line as a user runs it, in this process; exceptions surface as failures."""
    from modelguard.cli.main import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes: compare two to see exactly what a run changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


FindingRow = tuple[str, int, int, int, str]


def finding_rows(index: ModelIndex, name: str, source: str | bytes) -> list[FindingRow]:
    """A file's findings as (rule, line, column, end column, fix) rows: 1-based columns, the
    end exclusive. The one reading of a scan that the text and language tables share."""
    found = scan_source(name, source, index, ScanSettings(AFTER))
    return [(f.rule.code, f.line, f.column, f.end_column, f.fix.value) for f in found]
