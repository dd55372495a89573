from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.conftest import QuietHTTPServer
from tests.smoke.fake_provider import FakeProvider, make_handler


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must reach the test server, never a proxy from the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = QuietHTTPServer(("127.0.0.1", 0), lambda *a: None)  # type: ignore[arg-type]
    provider = FakeProvider(server)
    server.RequestHandlerClass = make_handler(provider)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield provider
    provider.release.set()
    server.shutdown()
    server.server_close()
    thread.join()
