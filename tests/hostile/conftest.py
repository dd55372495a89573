from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile.server import Hostile, serving

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
                   "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment unless a test sets one (always a loopback server)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    with serving() as server:
        yield server


@pytest.fixture
def proxy() -> Iterator[Hostile]:
    """A second server standing for a proxy: every request it sees is one that leaked."""
    with serving() as server:
        yield server
