"""Is a model on the user's machine? The privacy gateway (pasi.privacy) wraps every one that is not.

A model is local when it runs in this process (llama.cpp) or its server's host resolves only to
loopback addresses (``localhost``, ``127.0.0.1``, ``::1``). Anything else is remote, and so is a
host that cannot be resolved: when in doubt, data is treated as leaving the machine. A loopback
port can still lead elsewhere (``ssh -L 8000:gpu-box:8000``), so the setting ``remote_hosts``
names hosts (``HOST`` or ``HOST:PORT``) to treat as remote even when they resolve to loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost",)  # RFC 6761: always this machine, whatever DNS says


def host_is_loopback(host: str) -> bool:
    """True when every address ``host`` resolves to is a loopback address."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in found}
    return bool(addresses) and all(_loopback_address(a) for a in addresses)


def _loopback_address(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def url_is_local(url: str, remote_hosts: Iterable[str] = ()) -> bool:
    """Does a server URL point at this machine (and is not declared remote)?"""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    declared = {h.strip().lower() for h in remote_hosts if h.strip()}
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    if declared & {host, f"{host}:{port}", f"[{host}]:{port}"}:
        return False
    return host_is_loopback(host)


def is_local(model: object) -> bool:
    """A model's ``local`` attribute; a model that does not say is treated as remote."""
    return getattr(model, "local", False) is True
