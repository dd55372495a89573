"""modelguard's own registry files damaged on disk: the parsed-registry copy is parsed again
(the TOML is the truth), the installed synced bundle is ignored with one warning line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modelguard.defaults import MAX_BUNDLE_BYTES
from modelguard.registry.bundle import bundle_bytes
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.registry.parsed import cache_file, load_registry_cached, registry_key
from modelguard.registry.sync import active_registry, synced_path

Damage = Callable[[dict[str, Any]], Any]


def _providers(data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    registry = data["registry"]
    return {**data, "registry": {**registry, "providers": [
        {**p, **fields} for p in registry["providers"]]}}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: "[" * 100_000, id="deeply-nested"),
        pytest.param(lambda data: _providers(data, path=5), id="path-a-number"),
        pytest.param(lambda data: _providers(data, path=["a"]), id="path-a-list"),
        pytest.param(lambda data: _providers(data, prefixes=[1]), id="prefixes-numbers"),
        pytest.param(lambda data: _providers(data, match_bare="yes"), id="match-bare-a-string"),
        pytest.param(lambda data: _providers(data, models=[[1] * 10]), id="model-fields-numbers"),
    ],
)
def test_a_damaged_parsed_registry_copy_is_parsed_again(tmp_path: Path, damage: Damage) -> None:
    folder = tmp_path / "registry"
    shutil.copytree(bundled_registry_dir(), folder)
    expected = load_registry_cached(folder, tmp_path / "cache")
    stored = cache_file(tmp_path / "cache", registry_key(folder))
    damaged = damage(json.loads(stored.read_bytes()))
    stored.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged))
    assert load_registry_cached(folder, tmp_path / "cache") == expected == load_registry(folder)


def _newer_bundle() -> bytes:
    data = json.loads(bundle_bytes(load_registry(bundled_registry_dir())))
    return json.dumps({**data, "version": "9999.01.01"}).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(lambda: b"[" * 100_000, "nested too deeply", id="deeply-nested"),
        pytest.param(lambda: _newer_bundle() + b" " * MAX_BUNDLE_BYTES,
                     f"larger than {MAX_BUNDLE_BYTES} bytes", id="too-large"),
        pytest.param(lambda: json.dumps({**json.loads(_newer_bundle()), "providers": [
            {"provider": "x", "models": [{"id": ["a"]}]}]}).encode(), "providers[0]",
            id="id-a-list"),
    ],
)
def test_a_damaged_installed_bundle_is_ignored_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: Callable[[], bytes], message: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled, _ = active_registry()
    synced_path().parent.mkdir(parents=True, exist_ok=True)
    synced_path().write_bytes(_newer_bundle())
    assert active_registry()[0].version == "9999.01.01"  # the probe below replaces a used one
    synced_path().write_bytes(content())
    found, warnings = active_registry()
    assert found == bundled
    assert len(warnings) == 1 and message in warnings[0]
