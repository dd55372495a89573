"""A hostile provider on 127.0.0.1: it echoes the key it receives in every place it can
(redirects, headers, error messages, encoded), trickles, oversizes and nests its answers.

The model named in a POST body (smoke) or the path of a GET (sync) picks the behaviour; every
request is counted, so a test can tell what reached the server.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import quote

from tests.conftest import QuietHTTPServer

KEY = "sk-hostile-0123456789-SECRET-abcdef"
# A key that URL-encoding changes (a provider's key may hold any printable ASCII)
SLASHED_KEY = "sk-hostile/0123456789+SECRET=abcdef"

# How slowly a trickled answer comes: far past the test deadlines (0.3 s), short enough that
# the old code's per-read timeouts would let it finish (proving the deadline is what ends it).
TRICKLE_BYTES, TRICKLE_PAUSE = 40, 0.1


@dataclass
class Hostile:
    server: QuietHTTPServer
    seen: list[str] = field(default_factory=list)  # paths, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def _key_of(headers: Any) -> str:
    sent = headers.get("x-api-key") or headers.get("api-key") or headers.get("authorization", "")
    return str(sent).removeprefix("Bearer ")


def _error(message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error",
                                 "code": "hostile"}}).encode()


def _handler(hostile: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def answer(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def trickle(self) -> None:
            self.send_response(200)
            self.send_header("content-length", str(TRICKLE_BYTES))
            self.end_headers()
            for _ in range(TRICKLE_BYTES):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(TRICKLE_PAUSE)

        def trickle_headers(self) -> None:
            head = b"HTTP/1.1 200 OK\r\n" + b"x-pad: " + b"a" * TRICKLE_BYTES + b"\r\n"
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(TRICKLE_PAUSE)
            self.wfile.write(b"content-length: 2\r\n\r\n{}")

        def do_GET(self) -> None:
            with hostile.lock:
                hostile.seen.append(self.path)
            try:
                if self.path == "/trickle.json":
                    self.trickle()
                elif self.path == "/trickle-headers.json":
                    self.trickle_headers()
                elif self.path == "/redirect.json":
                    self.answer(302, b"", location="http://registry.example.invalid/r.json")
                else:
                    self.answer(404, b"not here")
            except OSError:  # the client gave up: what a deadline is for
                pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
            with hostile.lock:
                hostile.seen.append(self.path)
            key, model = _key_of(self.headers), body.get("model", "")
            quick = {"retry_after_ms": "1"}
            try:
                if model == "location-exact":
                    self.answer(307, b"", location=f"https://{key}.example/v1")
                elif model == "location-upper":
                    self.answer(307, b"", location=f"https://{key.upper()}.example/v1")
                elif model == "location-invalid":
                    self.answer(307, b"", location=f"http://[{key}/v1")
                elif model == "echo-upper":
                    self.answer(500, _error(f"bad key {key.upper()}"), **quick)
                elif model == "echo-url-encoded":
                    self.answer(500, _error(f"bad key {quote(key, safe='')}"), **quick)
                elif model == "echo-base64":
                    self.answer(500, _error(f"bad key {base64.b64encode(key.encode()).decode()}"),
                                **quick)
                elif model == "echo-auth-headers":  # a gateway's own credentials, not the key
                    self.answer(500, _error("upstream refused Authorization: Bearer "
                                            "sk-upstream-0123456789; x-api-key: 0123456789-other; "
                                            '"api-key": "0123456789-azure"'), **quick)
                elif model == "echo-terminal":
                    self.answer(400, _error("\x1b]0;owned\x07\x1b[2J\nok      forged: HTTP 200"))
                elif model == "oversized":
                    self.answer(400, _error("A" * 2_000_000))
                elif model == "nested":
                    self.answer(400, b"[" * 5000 + b"]" * 5000)
                elif model == "trickle":
                    self.trickle()
                elif model == "trickle-headers":
                    self.trickle_headers()
                else:
                    self.answer(200, json.dumps({"model": model}).encode())
            except OSError:
                pass

    return Handler


@contextmanager
def serving() -> Iterator[Hostile]:
    server = QuietHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    hostile = Hostile(server)
    server.RequestHandlerClass = _handler(hostile)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield hostile
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
