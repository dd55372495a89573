"""What a `check` run imports: only what the requested work needs (no timing here; the numbers
are in bench/fixed_cost.py). Each run is a fresh interpreter, as a user's is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs `modelguard <args>` in this interpreter, then writes the names of the loaded modules.
_PROBE = """
import json, sys
from modelguard.cli.main import cli
try:
    cli(sys.argv[2:], prog_name="modelguard")
except SystemExit as done:
    code = done.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

# Loaded by other commands, other formats or a cold scan, never by a check that scans nothing.
NOT_FOR_AN_EMPTY_CHECK = (
    "libcst",
    "httpx",
    "rich",
    "concurrent.futures.process",
    "tomllib",
    "modelguard.cli.smoke",
    "modelguard.smoke.calls",
    "modelguard.smoke.interface",
    "modelguard.cli.registry",
    "modelguard.registry.importer",
    "modelguard.registry.views",
    "modelguard.fix",
    "modelguard.report.sarif",
    "modelguard.report.junit",
    "modelguard.report.markdown",
    "modelguard.scan.prefilter",
    "modelguard.scan.text",
    "modelguard.scan.languages",
    "modelguard.scan.notebook",
)

# A run answered from the cache scans nothing: no scanner, no prefilter, no parser.
NOT_FOR_A_WARM_CHECK = (
    "libcst",
    "modelguard.scan.prefilter",
    "modelguard.scan.python",
    "modelguard.scan.pylex",
    "modelguard.scan.text",
    "modelguard.scan.languages",
    "modelguard.scan.notebook",
    "concurrent.futures.process",
)


def _modules(
    folder: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None,
    command: str = "check",
) -> set[str]:
    """The modules loaded by `modelguard check .` (or `command`) run in `folder` (output to a
    pipe)."""
    out = tmp_path / "modules.json"
    environ = {key: value for key, value in os.environ.items()
               if key not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    environ.update(env or {}, XDG_CACHE_HOME=str(tmp_path / "user-cache"))
    subprocess.run([sys.executable, "-c", _PROBE, str(out), command, ".", "--as-of", "2026-01-01",
                    *args], cwd=folder, env=environ, check=True, capture_output=True)
    found = json.loads(out.read_text())
    assert found["code"] == (1 if command == "fix" else 0)  # fix: files changed, as pyupgrade
    return set(found["modules"])


@pytest.fixture(scope="module")
def empty_check(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """A check of an empty folder, as JSON, the second time (the parsed registry is cached)."""
    folder = tmp_path_factory.mktemp("empty")
    tmp = tmp_path_factory.mktemp("probe")
    _modules(folder, tmp, "--format", "json")
    return _modules(folder, tmp, "--format", "json")


def test_the_run_loaded_what_it_needs(empty_check: set[str]) -> None:
    assert {"modelguard.api", "modelguard.report.json", "click"} <= empty_check


@pytest.mark.parametrize("module", NOT_FOR_AN_EMPTY_CHECK)
def test_an_empty_check_does_not_import(empty_check: set[str], module: str) -> None:
    assert module not in empty_check


@pytest.mark.parametrize(
    ("source", "env", "rich_loaded"),
    [
        pytest.param("", {}, False, id="nothing-to-print"),
        pytest.param('model: "gpt-4-32k"\n', {}, False, id="a-finding-to-a-pipe"),
        pytest.param('model: "gpt-4-32k"\n', {"FORCE_COLOR": "1"}, True, id="a-finding-to-colour"),
    ],
)
def test_rich_is_loaded_only_to_colour_findings(
    tmp_path: Path, source: str, env: dict[str, str], rich_loaded: bool
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "settings.yaml").write_text(source)
    modules = _modules(folder, tmp_path, "--fail-on", "never", env=env)
    assert ("rich" in modules) is rich_loaded


def test_a_check_answered_from_the_cache_loads_no_scanner(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "settings.yaml").write_text('model: "gpt-4-32k"\n')
    (folder / "app.py").write_text('MODEL = "gpt-4-32k"\n')
    (folder / "notes.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": ["m = \'gpt-4-32k\'"]}], "metadata": {}}'
    )
    cold = _modules(folder, tmp_path, "--fail-on", "never")
    assert {"modelguard.scan.prefilter", "modelguard.scan.text", "modelguard.scan.notebook"} <= cold
    warm = _modules(folder, tmp_path, "--fail-on", "never")
    assert warm.isdisjoint(NOT_FOR_A_WARM_CHECK)


@pytest.mark.parametrize("module", ["modelguard.cli.report", "modelguard.report.merge"])
def test_an_empty_check_does_not_import_report_merge(empty_check: set[str], module: str) -> None:
    assert module not in empty_check


@pytest.mark.parametrize("command", ["check", "fix"])
def test_python_with_ids_is_scanned_and_fixed_without_libcst(tmp_path: Path, command: str) -> None:
    # libcst costs a third of a second to import: a pre-commit run on one plain UTF-8 file
    # reads its contexts with `ast` and fixes it with the lexer's verification.
    folder = tmp_path / "project"
    folder.mkdir()
    app = folder / "app.py"
    app.write_text('client.create(model="gpt-4-32k", temperature=0)\nlabel = f"{x} gpt-4-32k"\n')
    modules = _modules(folder, tmp_path, "--no-cache", *(["--fail-on", "never"]
                       if command == "check" else []), command=command)
    assert "modelguard.scan.python" in modules
    assert "libcst" not in modules
    if command == "fix":
        assert app.read_text().startswith('client.create(model="gpt-4o", temperature=0)\n')
