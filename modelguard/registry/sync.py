"""`registry sync`: fetch a published registry bundle (or read a local one), verify it, install
it in the user cache, keeping the one it replaces for `--rollback`; and which registry a scan
uses: the bundled data unless the project opts in to the synced one (`registry = "synced"`) or
names a registry folder or bundle file. A user-wide sync never changes another project's
results behind its back."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from modelguard.defaults import BUNDLED, MAX_BUNDLE_BYTES, SYNC_TIMEOUT, SYNC_URL, SYNCED
from modelguard.files import sha256_hex, write_atomic
from modelguard.net import ending_by, http_client, read_bounded, transport_allowed
from modelguard.registry.bundle import parse_checksum, registry_from_bundle, version_key
from modelguard.registry.load import Registry, RegistryError, bundled_registry_dir, load_registry
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


def previous_path() -> Path:
    """The synced bundle a sync replaced: what `registry sync --rollback` restores."""
    return cache_dir() / "registry.previous.json"


def load_synced(path: Path | None = None) -> Registry | None:
    """The installed synced registry (or the bundle at `path`), or None when there is none. A
    broken cache file raises RegistryError (sync wrote it after validation, so someone changed
    it)."""
    path = path or synced_path()
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RegistryError([f"{path}: cannot read: {error.strerror}"]) from None
    if len(data) > MAX_BUNDLE_BYTES:  # read on every run: never parse what is not a bundle
        raise RegistryError([f"{path}: larger than {MAX_BUNDLE_BYTES} bytes"])
    return replace(registry_from_bundle(data, str(path)), origin=SYNCED)


def bundled() -> Registry:
    return replace(load_registry_cached(bundled_registry_dir(), cache_dir()), origin=BUNDLED)


def newest(bundled: Registry, synced: Registry | None) -> Registry:
    if synced is not None and version_key(synced.version) > version_key(bundled.version):
        return synced
    return bundled


def active_registry(offline: bool = False) -> tuple[Registry, list[str]]:
    """The newest installed registry: the bundled data, or the synced bundle when it is newer
    (never with `offline`); what a project with `registry = "synced"` uses, and what a sync
    must be newer than. Returns warnings to show, e.g. a damaged cache."""
    shipped = bundled()
    if offline:
        return shipped, []
    try:
        return newest(shipped, load_synced()), []
    except RegistryError as error:
        return shipped, [f"ignoring the synced registry: {error.problems[0]}"]


def chosen_registry(spec: str, shown: str | None = None) -> tuple[Registry, list[str]]:
    """The registry `spec` names: "bundled", "synced" (the newest of the bundled and the synced
    bundle; the bundled one, with a warning, when nothing was synced), or the path of a
    registry folder or bundle file (`shown` is how reports name it). Raises RegistryError."""
    if spec == BUNDLED:
        return bundled(), []
    if spec == SYNCED:
        if not synced_path().exists():
            return bundled(), ["the configuration asks for the synced registry, but none is "
                               "installed (run `modelguard registry sync`): using the bundled one"]
        return active_registry()
    path = Path(spec)
    found = load_registry(path) if path.is_dir() else load_bundle_file(path)
    return replace(found, origin="file", location=shown or spec), []


def load_bundle_file(path: Path) -> Registry:
    """A registry bundle file (what `registry export` writes); raises RegistryError."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except OSError as error:
        raise RegistryError([f"{path}: cannot read: {error.strerror or error}"]) from None
    if len(data) > MAX_BUNDLE_BYTES:
        raise RegistryError([f"{path}: larger than {MAX_BUNDLE_BYTES} bytes"])
    return registry_from_bundle(data, str(path))


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
    installed: bool  # False when the published version is the one installed already


def is_url(source: str) -> bool:
    return "://" in source


def _read_local(path: Path) -> tuple[bytes, bytes]:
    """A bundle file and the `.sha256` file beside it, both required, as for a URL."""
    found = []
    for item in (path, path.with_name(path.name + ".sha256")):
        try:
            with item.open("rb") as handle:
                data = handle.read(MAX_BUNDLE_BYTES + 1)
        except FileNotFoundError:
            raise SyncError(f"{item}: file not found"
                            + (" (`registry export` writes it beside the bundle)"
                               if item != path else "")) from None
        except OSError as error:
            raise SyncError(f"cannot read {item}: {error.strerror or error}") from None
        if len(data) > MAX_BUNDLE_BYTES:
            raise SyncError(f"{item}: larger than {MAX_BUNDLE_BYTES} bytes")
        found.append(data)
    return found[0], found[1]


def sync(url: str = SYNC_URL, timeout: float = SYNC_TIMEOUT) -> SyncResult:
    """Fetch `url` and `url + '.sha256'` (within `timeout` seconds in all), or read a local
    bundle file and the `.sha256` file beside it; verify, validate, and install when newer than
    the newest installed registry, keeping the synced bundle it replaces for `rollback`.
    Raises SyncError; nothing is written unless every check passes."""
    if is_url(url):
        _check_url(url)
        deadline = time.monotonic() + timeout
        with http_client(timeout) as client:
            data = _get(client, url, deadline)
            checksum_text = _get(client, url + ".sha256", deadline)
    else:
        data, checksum_text = _read_local(Path(url))
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
        raise SyncError(f"refusing registry {fetched.version}: older than {current.version}, "
                        f"the {current.origin} one")
    if version_key(fetched.version) == version_key(current.version):
        return SyncResult(fetched.version, current.version, installed=False)
    target = synced_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # a damaged one is kept too: rollback validates what it restores
            write_atomic(previous_path(), target.read_bytes())
        write_atomic(target, data)
    except OSError as error:
        raise SyncError(f"cannot write {target}: {error.strerror or error}") from None
    return SyncResult(fetched.version, current.version, installed=True)


@dataclass(frozen=True, slots=True)
class RollbackResult:
    restored: str | None  # the version put back; None when no synced bundle is left
    replaced: str | None  # the version taken out (kept: a second rollback puts it back)


def rollback() -> RollbackResult:
    """Put back the synced bundle the last sync replaced, keeping the one it replaces in its
    place (a second rollback undoes the first). After the first sync, when nothing was
    replaced, the synced bundle is set aside and projects that opt in use the bundled data.
    Raises SyncError when there is nothing to roll back to."""
    current, previous = synced_path(), previous_path()
    try:
        current_data = current.read_bytes() if current.exists() else None
        previous_data = previous.read_bytes() if previous.exists() else None
    except OSError as error:
        raise SyncError(f"cannot read {error.filename}: {error.strerror or error}") from None
    if previous_data is None and current_data is None:
        raise SyncError("nothing to roll back: no registry was synced")
    restored = replaced = None
    try:
        if previous_data is not None:
            restored = registry_from_bundle(previous_data, str(previous)).version
        if current_data is not None:
            replaced = registry_from_bundle(current_data, str(current)).version
    except RegistryError as error:
        raise SyncError(f"cannot roll back: {error.problems[0]}") from None
    try:
        # Both are in memory: each step leaves a valid bundle in place, whatever stops it.
        if current_data is not None:
            write_atomic(previous, current_data)
        if previous_data is not None:
            write_atomic(current, previous_data)
        else:
            current.unlink()
        if current_data is None:
            previous.unlink()
    except OSError as error:
        raise SyncError(f"cannot write {error.filename}: {error.strerror or error}") from None
    return RollbackResult(restored, replaced)
