"""The client's address, as seen through the configured number of trusted reverse proxies.

Behind nginx (docs/deployment.md) every request comes from the proxy's address; the client's
is in ``X-Forwarded-For``. That header is written by whoever sent the request, so only the
entries our own proxies appended can be believed: with ``LUOSHI_TRUSTED_PROXIES=N`` the client
is the N-th address from the right of ``X-Forwarded-For`` (the address the outermost trusted
proxy was reached from — never an address the client wrote). With ``N=0`` (the default:
serving directly) the header is ignored and ``REMOTE_ADDR`` is the client.

Login lockout (django-axes) and the public form's and Open311's rate limits use this address.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _address(text: str) -> str | None:
    """The address in one hop of the header, normalised; ``None`` when it is not an address."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51000
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "LUOSHI_TRUSTED_PROXIES", 0) or 0))


def client_address(request: Any) -> str | None:
    """The address of the client that sent ``request`` (see the module's docstring); ``None`` when
    the request carries none (a request built in code, as Django's test client's login does)."""
    remote = _address(str(request.META.get("REMOTE_ADDR", "") or ""))
    count = trusted_proxies()
    if count == 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    # The nearest hop is REMOTE_ADDR; each trusted proxy appended the address it was reached from.
    chain = [*(hop for hop in header.split(",") if hop.strip()), remote or ""]
    position = len(chain) - 1 - count
    if position < 0:
        # Fewer hops than trusted proxies: the request did not come through all of them (or a proxy
        # dropped the header). The leftmost hop is then the farthest address we know of.
        position = 0
    return _address(chain[position]) or remote


def client_ip(request: Any) -> str:
    """:func:`client_address`, or ``"unknown"`` (a key for rate limits)."""
    return client_address(request) or "unknown"
