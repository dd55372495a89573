"""The built wheel carries the registry and finds it without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    pytest.importorskip("hatchling")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("modelguard_cli-*.whl")
    return built


def test_wheel_contains_the_registry(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "modelguard/_registry/registry.toml" in names
    assert "modelguard/_registry/openai.toml" in names
    assert not any(name.startswith("registry/") for name in names)


def test_wheel_contains_the_dashboard_template_and_script(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"modelguard/report/templates/dashboard.html.j2",
            "modelguard/report/templates/sortable.js"} <= names


def test_installed_wheel_scans_without_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text('MODEL = "gpt-4.5-preview"\n')
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c",
         "import modelguard.registry.load as r, sys; print(r.bundled_registry_dir()); "
         "from modelguard.cli.main import main; sys.argv = ['modelguard', 'check', '.', "
         "'--as-of', '2025-08-01']; main()"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )
    where, *findings = done.stdout.splitlines()
    assert Path(where) == site / "modelguard" / "_registry"
    assert findings == [
        "app.py:1:9 MG001 `gpt-4.5-preview` was shut down on 2025-07-14, Replace with `gpt-4.1`"
    ]
    assert done.returncode == 1
