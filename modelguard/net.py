"""Which connections may carry modelguard's requests: an API key or registry data crosses the
network only over https; plain http is for loopback servers (tests, local proxies)."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:  # httpx takes a tenth of a second to import: only network code pays
    import httpx


def is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def transport_allowed(scheme: str, host: str) -> bool:
    """https to any host, or plain http to a loopback host."""
    return bool(host) and (scheme == "https" or (scheme == "http" and is_loopback(host)))


# What a server may send back at most: smoke answers are a few hundred bytes; a larger body is
# read no further (a hostile or broken server must not fill memory or the terminal).
MAX_ANSWER_BYTES = 64 * 1024

# A key is printable ASCII without whitespace: anything else (a pasted non-ASCII dash, an inner
# newline) would fail inside the HTTP library with the key quoted in the error.
_KEY_SHAPE = re.compile(r"[!-~]+\Z")

# An auth header's value wherever it is echoed: `Authorization: Bearer …`, `"x-api-key": "…"`.
_AUTH_VALUE = re.compile(
    r"""(?i)(authorization|x-api-key|api-key)(["']?\s*[:=]\s*["']?)((?:bearer|basic)\s+)?"""
    r"""[^\s"',;&}\]]+""")


def key_problem(variable: str, key: str) -> str | None:
    """Why the key read from `variable` cannot be sent (one line naming the variable, never
    the key), or None."""
    if _KEY_SHAPE.match(key):
        return None
    return (f"{variable} holds characters an API key cannot contain (only printable ASCII "
            "without spaces is sent); no request sent")


def _secret_forms(secret: str) -> set[str]:
    """`secret` as a server or library may echo it: as is, URL-encoded, base64-encoded."""
    raw = secret.encode("utf-8", "surrogateescape")
    encoded = {base64.b64encode(raw), base64.urlsafe_b64encode(raw)}
    return {secret, quote(secret, safe=""), quote_plus(secret),
            *(form.decode("ascii") for form in encoded),
            *(form.decode("ascii").rstrip("=") for form in encoded)} - {""}


@dataclass(frozen=True, slots=True)
class Redactor:
    """Hides `secrets` (in any letter case, URL- or base64-encoded) and the value of any
    Authorization / api-key / x-api-key header from a string about to be shown or stored."""

    secrets: tuple[str, ...] = ()

    def __call__(self, text: str) -> str:
        forms = sorted({f for s in self.secrets if s for f in _secret_forms(s)}, key=len,
                       reverse=True)
        if forms:
            text = re.sub("|".join(map(re.escape, forms)), "[redacted]", text,
                          flags=re.IGNORECASE)
        return _AUTH_VALUE.sub(r"\1\2\3[redacted]", text)


def http_client(timeout: float) -> httpx.Client:
    """An httpx client that follows no redirect and sends plain http (loopback only, see
    `transport_allowed`) straight to its host: HTTP_PROXY / ALL_PROXY would otherwise carry a
    key in clear text to the proxy. https honours HTTPS_PROXY / ALL_PROXY / NO_PROXY, tunnelled
    (CONNECT), so the proxy sees the host name but not the key."""
    import httpx

    # No connection is kept for reuse: each request opens its own, which `ending_by` can end.
    limits = httpx.Limits(max_keepalive_connections=0)
    # identity: a compressed answer could expand far beyond the bytes `read_bounded` counts
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, limits=limits,
                        headers={"Accept-Encoding": "identity"},
                        mounts={"http://": httpx.HTTPTransport(limits=limits)})


@contextmanager
def ending_by(deadline: float) -> Iterator[dict[str, Any]]:
    """Request extensions (for `http_client`) under which the exchange ends at `deadline`
    (time.monotonic): the client's timeouts bound each read, so a server sending a byte at a
    time, headers included, would hold a request for as long as it likes. At the deadline the
    request's socket is shut down; its reader then fails at once."""
    sockets: list[socket.socket] = []

    def trace(event: str, info: Mapping[str, Any]) -> None:
        if event == "connection.connect_tcp.complete" and info.get("return_value") is not None:
            sock = info["return_value"].get_extra_info("socket")
            if isinstance(sock, socket.socket):
                sockets.append(sock)

    def expire() -> None:
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), expire)
    timer.daemon = True
    timer.start()
    try:
        yield {"trace": trace}
    finally:
        timer.cancel()


def read_bounded(response: httpx.Response, deadline: float,
                 limit: int = MAX_ANSWER_BYTES) -> tuple[bytes, bool]:
    """At most `limit` bytes of a streamed `response` body and whether more was left unread.
    Raises httpx.ReadTimeout once `deadline` (time.monotonic) has passed."""
    import httpx

    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_raw():
        if time.monotonic() > deadline:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    if time.monotonic() > deadline:  # a body cut short by `ending_by` may end without error
        raise httpx.ReadTimeout("the answer took longer than the timeout")
    return b"".join(chunks), False


def parse_json(data: bytes) -> Any:
    """`data` as JSON, or None when it is not JSON (or nested too deeply to parse)."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None
