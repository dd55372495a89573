"""`registry sync`: fetch a published registry bundle, verify it, install it in the user cache;
and which registry a scan uses (the newest of the bundled and the synced one)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from modelguard.defaults import MAX_BUNDLE_BYTES, SYNC_TIMEOUT, SYNC_URL
from modelguard.files import sha256_hex, write_atomic
from modelguard.net import ending_by, http_client, read_bounded, transport_allowed
from modelguard.registry.bundle import parse_checksum, registry_from_bundle, version_key
from modelguard.registry.load import Registry, RegistryError, bundled_registry_dir
from modelguard.registry.parsed import load_registry_cached

if TYPE_CHECKING:  # httpx takes a tenth of a second to import: only network code pays
    import httpx

# Where the project publishes the bundle `registry export` writes (and its .sha256 beside it).
BUNDLE_NAME = "registry.json"


class SyncError(Exception):
    """Sync failed; the message is one line for the user. Installed data is untouched."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "modelguard"


def synced_path() -> Path:
    return cache_dir() / BUNDLE_NAME


def load_synced() -> Registry | None:
    """The installed synced registry, or None when there is none. A broken cache file raises
    RegistryError (sync wrote it after validation, so someone changed it)."""
    path = synced_path()
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RegistryError([f"{path}: cannot read: {error.strerror}"]) from None
    if len(data) > MAX_BUNDLE_BYTES:  # read on every run: never parse what is not a bundle
        raise RegistryError([f"{path}: larger than {MAX_BUNDLE_BYTES} bytes"])
    return registry_from_bundle(data, str(path))


def newest(bundled: Registry, synced: Registry | None) -> Registry:
    if synced is not None and version_key(synced.version) > version_key(bundled.version):
        return synced
    return bundled


def active_registry(offline: bool = False) -> tuple[Registry, list[str]]:
    """The registry a scan uses with no --registry: the bundled data, or the synced bundle when
    it is newer (never with `offline`). Returns warnings to show, e.g. a damaged cache."""
    bundled = load_registry_cached(bundled_registry_dir(), cache_dir())
    if offline:
        return bundled, []
    try:
        return newest(bundled, load_synced()), []
    except RegistryError as error:
        return bundled, [f"ignoring the synced registry: {error.problems[0]}"]


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise SyncError(f"refusing {url!r}: not a URL") from None
    if not transport_allowed(parts.scheme, host):
        raise SyncError(f"refusing {url!r}: data is only fetched over https")


MAX_REDIRECTS = 5


def _get(client: httpx.Client, url: str, deadline: float) -> bytes:
    """GET `url`, following redirects by hand so that each target is checked before anything is
    sent to it; the whole exchange ends by `deadline` (time.monotonic)."""
    import httpx

    for _ in range(MAX_REDIRECTS + 1):
        _check_url(url)
        try:
            with ending_by(deadline) as extensions, client.stream(
                    "GET", url, extensions=extensions) as response:
                if response.is_redirect and "location" in response.headers:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                data, more = read_bounded(response, deadline, MAX_BUNDLE_BYTES)
        except httpx.TimeoutException:
            raise SyncError(f"cannot fetch {url}: timed out") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            if time.monotonic() >= deadline:  # `ending_by` shut the connection
                raise SyncError(f"cannot fetch {url}: timed out") from None
            raise SyncError(f"cannot fetch {url}: {error}") from None
        if response.status_code != 200:
            raise SyncError(f"cannot fetch {url}: HTTP {response.status_code}")
        if more:
            raise SyncError(f"cannot fetch {url}: larger than {MAX_BUNDLE_BYTES} bytes")
        return data
    raise SyncError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects")


def fetch(url: str, timeout: float = SYNC_TIMEOUT) -> bytes:
    """GET one https URL (plain http only to a loopback address, for tests) within `timeout`
    seconds in all; raise SyncError with one line for the user."""
    _check_url(url)
    with http_client(timeout) as client:
        return _get(client, url, time.monotonic() + timeout)


@dataclass(frozen=True, slots=True)
class SyncResult:
    version: str
    previous: str
    installed: bool  # False when the published version is the one in use already


def sync(url: str = SYNC_URL, timeout: float = SYNC_TIMEOUT) -> SyncResult:
    """Fetch `url` and `url + '.sha256'` (within `timeout` seconds in all), verify, validate,
    and install when newer than the registry in use. Raises SyncError; nothing is written unless
    every check passes."""
    _check_url(url)
    deadline = time.monotonic() + timeout
    with http_client(timeout) as client:
        data = _get(client, url, deadline)
        checksum_text = _get(client, url + ".sha256", deadline)
    expected = parse_checksum(checksum_text.decode("utf-8", errors="replace"))
    if expected is None:
        raise SyncError(f"{url}.sha256: no sha256 digest in it")
    if sha256_hex(data) != expected:
        raise SyncError(f"{url}: checksum mismatch (expected {expected}, got {sha256_hex(data)})")
    try:
        fetched = registry_from_bundle(data, url)
    except RegistryError as error:
        more = f" (and {len(error.problems) - 1} more problems)" if len(error.problems) > 1 else ""
        raise SyncError(f"invalid registry bundle: {error.problems[0]}{more}") from None
    current, _ = active_registry()
    if version_key(fetched.version) < version_key(current.version):
        raise SyncError(
            f"refusing registry {fetched.version}: older than {current.version}, the one in use"
        )
    if version_key(fetched.version) == version_key(current.version):
        return SyncResult(fetched.version, current.version, installed=False)
    target = synced_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as error:
        raise SyncError(f"cannot write {target}: {error.strerror or error}") from None
    return SyncResult(fetched.version, current.version, installed=True)
