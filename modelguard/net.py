"""Which connections may carry modelguard's requests: an API key or registry data crosses the
network only over https; plain http is for loopback servers (tests, local proxies)."""

from __future__ import annotations

import ipaddress


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
