"""`registry validate`: folders are whole registries; a provider file is validated on its own
unless --with-bundled asks for it to be checked against the bundled data too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.registry.load import bundled_registry_dir, load_registry
from tests.conftest import FIXTURES, run_cli

PRIVATE = """\
provider = "acme"
name = "Acme internal gateway"
prefixes = ["acme/"]

[[models]]
id = "acme-chat-1"
shutdown = 2025-03-01
replacement = "acme-chat-2"
source = "https://acme.example/models"

[[models]]
id = "acme-chat-2"
"""
BROKEN = PRIVATE.replace('replacement = "acme-chat-2"', 'replacement = "acme-chat-9"')


def run(*args: str) -> Result:
    return run_cli("registry", "validate", *args)


def _files(tmp_path: Path, names: list[str]) -> list[str]:
    """Materialise named inputs: 'copy:openai' is a private copy of a bundled provider file."""
    out = []
    for name in names:
        if name.startswith("copy:"):
            slug = name.removeprefix("copy:")
            target = tmp_path / f"my-{slug}.toml"
            shutil.copyfile(bundled_registry_dir() / f"{slug}.toml", target)
        elif name == "fixture-registry":
            target = FIXTURES / "registry"
        else:
            target = tmp_path / f"{name}.toml"
            target.write_text({"private": PRIVATE, "broken": BROKEN}[name], encoding="utf-8")
        out.append(str(target))
    return out


@pytest.mark.parametrize(
    ("inputs", "flags", "exit_code", "problem"),
    [
        pytest.param(["copy:openai"], [], 0, None, id="private-copy-of-bundled-file-alone"),
        pytest.param(["copy:openai"], ["--with-bundled"], 2,
                     "provider: 'openai' is already defined in", id="copy-against-bundled"),
        pytest.param(["private"], [], 0, None, id="private-provider-alone"),
        pytest.param(["private"], ["--with-bundled"], 0, None, id="private-provider-with-bundled"),
        pytest.param(["broken"], [], 2,
                     "replacement: 'acme-chat-9' is not a model of this provider",
                     id="internal-rule-broken-alone"),
        pytest.param(["broken"], ["--with-bundled"], 2,
                     "replacement: 'acme-chat-9' is not a model of this provider",
                     id="internal-rule-broken-with-bundled"),
        pytest.param(["fixture-registry", "private"], [], 0, None, id="folder-and-file"),
        pytest.param(["fixture-registry", "broken"], [], 2, "acme-chat-9",
                     id="folder-ok-file-broken"),
    ],
)
def test_validate(tmp_path: Path, inputs: list[str], flags: list[str], exit_code: int,
                  problem: str | None) -> None:
    result = run(*flags, *_files(tmp_path, inputs))
    assert result.exit_code == exit_code, result.output
    if problem is None:
        assert result.stderr == ""
        assert result.stdout.startswith("ok: ")
    else:
        assert len(result.stderr.splitlines()) == 1
        assert problem in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        pytest.param(["copy:xai"], "xai", id="one-file-counts-its-entries"),
        pytest.param(["copy:xai", "copy:cohere"], "xai+cohere", id="two-files"),
    ],
)
def test_validate_counts_the_entries_of_each_file(tmp_path: Path, inputs: list[str],
                                                  expected: str) -> None:
    bundled = load_registry(bundled_registry_dir())
    want = 0
    for slug in expected.split("+"):
        provider = bundled.provider(slug)
        assert provider is not None
        want += len(provider.models)
    assert run(*_files(tmp_path, inputs)).stdout == f"ok: {want} model entries\n"


def test_validate_without_paths_checks_the_bundled_registry() -> None:
    total = sum(len(p.models) for p in load_registry(bundled_registry_dir()).providers)
    assert run().stdout == f"ok: {total} model entries\n"
