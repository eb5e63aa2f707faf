from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from luoshi.core import registry


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = registry.nav_items(user) if user is not None and user.is_authenticated else []
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    urls = [reverse(i.url_name) for i in items]
    # The entry whose address is the longest prefix of this page's is the one highlighted,
    # so /cases/map/ lights "Case map" and not "Cases" as well.
    best = max(
        (n for n, url in enumerate(urls) if url != "/" and request.path.startswith(url)),
        key=lambda n: len(urls[n]),
        default=None,
    )
    entries: list[dict[str, Any]] = [{"item": i, "active": n == best} for n, i in enumerate(items)]
    return {
        "nav_entries": entries,
        "nav_mobile": [e for e in entries if e["item"].mobile][:3],
        "nav_home_active": namespace == "core",
        "luoshi_production": settings.PRODUCTION,
    }
