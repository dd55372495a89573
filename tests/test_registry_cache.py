"""The parsed-registry cache: the same Registry as parsing the TOML, served without parsing
while nothing changed, rebuilt when anything did, never trusted when damaged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from modelguard import registry_cache
from modelguard.registry import Registry, RegistryError, bundled_registry_dir, load_registry
from modelguard.registry_cache import FILE_NAME, from_data, load_registry_cached, to_data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "registry"
    shutil.copytree(bundled_registry_dir(), copy)
    return copy


def _no_parsing(*_: object) -> Registry:
    raise AssertionError("parsed the TOML again")


def test_round_trip_is_the_same_registry() -> None:
    parsed = load_registry(bundled_registry_dir())
    assert from_data(to_data(parsed)) == parsed


def test_second_load_is_served_from_the_cache(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_registry_cached(folder, tmp_path / "cache")
    monkeypatch.setattr(registry_cache, "load_registry", _no_parsing)
    assert load_registry_cached(folder, tmp_path / "cache") == first == load_registry(folder)


def _edit_entry(folder: Path, cache: Path) -> None:
    path = folder / "openai.toml"
    path.write_text(path.read_text().replace('id = "gpt-4.5-preview"', 'id = "gpt-4.5-renamed"'))


def _add_provider_file(folder: Path, cache: Path) -> None:
    (folder / "zz-private.toml").write_text('provider = "zz"\nname = "ZZ"\nprefixes = []\n')


def _corrupt_cache(folder: Path, cache: Path) -> None:
    (cache / FILE_NAME).write_text('{"key": "x", "registry": ')


def _foreign_key(folder: Path, cache: Path) -> None:
    text = (cache / FILE_NAME).read_text()
    (cache / FILE_NAME).write_text(text.replace('"key":"', '"key":"0'))


def _wrong_shape(folder: Path, cache: Path) -> None:
    key = registry_cache.registry_key(folder)
    (cache / FILE_NAME).write_text(f'{{"key": "{key}", "registry": {{"providers": 3}}}}')


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_edit_entry, id="a-data-file-changes"),
        pytest.param(_add_provider_file, id="a-file-is-added"),
        pytest.param(_corrupt_cache, id="the-cache-file-is-truncated"),
        pytest.param(_foreign_key, id="the-cache-holds-another-key"),
        pytest.param(_wrong_shape, id="the-cache-does-not-decode"),
    ],
)
def test_a_change_or_damage_means_parsing_again(
    folder: Path, tmp_path: Path, change: Callable[[Path, Path], None]
) -> None:
    cache = tmp_path / "cache"
    load_registry_cached(folder, cache)
    change(folder, cache)
    assert load_registry_cached(folder, cache) == load_registry(folder)
    assert load_registry_cached(folder, cache) == load_registry(folder)  # and kept again


def test_edited_data_is_seen(folder: Path, tmp_path: Path) -> None:
    load_registry_cached(folder, tmp_path / "cache")
    _edit_entry(folder, tmp_path / "cache")
    openai = load_registry_cached(folder, tmp_path / "cache").provider("openai")
    assert openai is not None
    ids = {m.id for m in openai.models}
    assert "gpt-4.5-renamed" in ids and "gpt-4.5-preview" not in ids


def test_a_broken_registry_raises_every_time(folder: Path, tmp_path: Path) -> None:
    (folder / "openai.toml").write_text("provider = \n")
    for _ in range(2):
        with pytest.raises(RegistryError):
            load_registry_cached(folder, tmp_path / "cache")


def test_an_unwritable_cache_still_loads(folder: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert load_registry_cached(folder, blocked / "cache") == load_registry(folder)
