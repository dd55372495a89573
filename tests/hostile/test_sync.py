"""`registry sync` against a hostile server: redirect targets are checked before anything is
sent to them, and a trickled answer ends at the run's deadline."""

from __future__ import annotations

import time

import pytest

from modelguard.registry.sync import SyncError, sync, synced_path
from tests.hostile.server import Hostile


def test_a_redirect_to_plain_http_elsewhere_is_refused_before_any_request(
    hostile: Hostile, proxy: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy on loopback stands for the remote host: a request that reaches it would have
    # left the machine in clear text.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    with pytest.raises(SyncError, match=r"refusing 'http://registry\.example\.invalid/r\.json'"):
        sync(hostile.url + "/redirect.json", timeout=2)
    assert (hostile.seen, proxy.seen) == (["/redirect.json"], [])
    assert not synced_path().exists()


@pytest.mark.parametrize("path", [
    pytest.param("/trickle.json", id="body"),
    pytest.param("/trickle-headers.json", id="headers"),
])
def test_a_trickled_bundle_ends_at_the_deadline(hostile: Hostile, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(SyncError, match="timed out"):
        sync(hostile.url + path, timeout=0.3)
    assert time.monotonic() - started < 1.5  # the server would take 4 s
