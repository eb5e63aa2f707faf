from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.core import registry


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    login = user if isinstance(user, User) else None
    items = registry.nav_items(login) if login is not None else []
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    urls = [reverse(i.url_name) for i in items]

    def fits(n: int) -> bool:
        if urls[n] == "/" or not request.path.startswith(urls[n]):
            return False
        wanted = QueryDict(items[n].query)
        return all(request.GET.get(k) == wanted.get(k) for k in wanted)

    # The entry whose address is the longest prefix of this page's is the one highlighted,
    # so /cases/map/ lights "Case map" and not "Cases" as well; an entry with a query
    # (?box=mine) wins over the plain one when the page was opened with it.
    best = max(
        (n for n in range(len(items)) if fits(n)),
        key=lambda n: (len(urls[n]), len(items[n].query)),
        default=None,
    )
    entries: list[dict[str, Any]] = [
        {"item": i, "url": urls[n] + (f"?{i.query}" if i.query else ""), "active": n == best}
        for n, i in enumerate(items)
    ]
    bar_home, bar = registry.bar_items(login, items) if login is not None and items else (True, [])
    by_key = {e["item"].key: e for e in entries}
    return {
        "nav_entries": entries,
        "nav_mobile": [by_key[i.key] for i in bar],
        "nav_bar_home": bar_home,
        "nav_home_active": namespace == "core",
        "luoshi_production": settings.PRODUCTION,
    }
