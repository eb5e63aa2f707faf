"""``luoshi check --deploy``: the Open311 demo key (published in docs/open311.md) must be revoked."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)
def demo_open311_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from django.db import DatabaseError

    from luoshi.cases import open311
    from luoshi.cases.demo import DEMO_OPEN311_KEY
    from luoshi.cases.models import Open311Key

    try:
        active = Open311Key.objects.filter(key_hash=open311.hash_key(DEMO_OPEN311_KEY), is_active=True).exists()
    except DatabaseError:
        return []
    if not active:
        return []
    return [
        Warning(
            f"The demo Open311 key ({DEMO_OPEN311_KEY[:12]}…, published in docs/open311.md) is active.",
            hint="Deactivate it in the admin (Open311 keys) and give each client its own key.",
            id="luoshi.W013",
        )
    ]
