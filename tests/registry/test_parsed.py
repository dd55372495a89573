"""The parsed-registry cache: the same Registry as parsing the TOML, served without parsing
while nothing changed, rebuilt when anything did, never trusted when damaged."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from modelguard.registry import parsed as registry_cache
from modelguard.registry.load import Registry, RegistryError, bundled_registry_dir, load_registry
from modelguard.registry.parsed import (
    KEEP,
    cache_file,
    from_data,
    load_registry_cached,
    registry_key,
    to_data,
)


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


def _stored(folder: Path, cache: Path) -> Path:
    return cache_file(cache, registry_key(folder))


def _corrupt_cache(folder: Path, cache: Path) -> None:
    _stored(folder, cache).write_text('{"key": "x", "registry": ')


def _foreign_key(folder: Path, cache: Path) -> None:
    text = _stored(folder, cache).read_text()
    _stored(folder, cache).write_text(text.replace('"key":"', '"key":"0'))


def _wrong_shape(folder: Path, cache: Path) -> None:
    key = registry_key(folder)
    _stored(folder, cache).write_text(f'{{"key": "{key}", "registry": {{"providers": 3}}}}')


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


def test_runs_from_different_folders_share_one_copy(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    places = [tmp_path / "a", tmp_path / "a" / "deeper", tmp_path / "b"]
    for place in places:
        place.mkdir()
    monkeypatch.chdir(places[0])
    load_registry_cached(folder, cache)
    expected = {}
    for place in places:  # files named from each folder, as a fresh parse names them
        monkeypatch.chdir(place)
        expected[place] = load_registry(folder)
    monkeypatch.setattr(registry_cache, "load_registry", _no_parsing)
    for place in places:
        monkeypatch.chdir(place)
        assert load_registry_cached(folder, cache) == expected[place]
    assert len(list(cache.glob("registry-parsed-*.json"))) == 1


def test_only_the_newest_copies_are_kept(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old = [cache / "registry-parsed.json"]
    old += [cache / f"registry-parsed-{n:016x}.json" for n in range(KEEP)]
    for age, path in enumerate(old):
        path.write_text("{}")
        os.utime(path, ns=(10**18 - age * 10**9, 10**18 - age * 10**9))
    load_registry_cached(folder, cache)
    kept = set(cache.glob("registry-parsed*.json"))
    assert _stored(folder, cache) in kept
    assert kept == {_stored(folder, cache), *old[: KEEP - 1]}
