from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from luoshi.core import registry


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = registry.nav_items(user) if user is not None and user.is_authenticated else []
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    url_name = match.view_name if match else ""
    entries: list[dict[str, Any]] = [
        {"item": i, "active": i.url_name == url_name or (i.url_name.split(":")[0] == namespace and namespace != "core")}
        for i in items
    ]
    return {
        "nav_entries": entries,
        "nav_mobile": [e for e in entries if e["item"].mobile][:3],
        "nav_home_active": namespace == "core",
        "luoshi_production": settings.PRODUCTION,
    }
