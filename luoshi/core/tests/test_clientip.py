"""The client's address through a configured number of trusted proxies (rightmost-untrusted)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from luoshi.core.clientip import client_ip


def ask(settings, proxies: int, remote: str, forwarded: str | None) -> str:
    settings.LUOSHI_TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # Serving directly: the header is the client's own words and is ignored.
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # One nginx in front: nginx appends the address it was reached from.
        (1, "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # ... so whatever the client wrote itself stands to the left and is not believed.
        (1, "127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "1.1.1.1, 2.2.2.2, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "not-an-address, 203.0.113.7", "203.0.113.7"),
        # A CDN and nginx: two appended entries, the client is the second from the right.
        (2, "10.0.0.2", "198.51.100.1, 203.0.113.7, 192.0.2.10", "203.0.113.7"),
        # IPv6 and ports are normalised.
        (1, "127.0.0.1", "2001:DB8::1", "2001:db8::1"),
        (1, "127.0.0.1", "[2001:db8::1]:51000", "2001:db8::1"),
        (1, "127.0.0.1", "203.0.113.7:51000", "203.0.113.7"),
        # Fewer hops than proxies (the request bypassed the proxy): the farthest known address.
        (1, "203.0.113.9", None, "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.7", "203.0.113.7"),
        # Our proxy's entry is not an address: fall back to the connection's address.
        (1, "127.0.0.1", "garbage", "127.0.0.1"),
    ],
)
def test_the_client_is_the_nth_forwarded_address_from_the_right(settings, proxies, remote, forwarded, expected):
    assert ask(settings, proxies, remote, forwarded) == expected
