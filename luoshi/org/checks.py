"""``luoshi check --deploy``: the demo logins must not exist on a real installation."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)
def demo_accounts(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from django.db import DatabaseError

    from luoshi.accounts.models import User
    from luoshi.org.demo import DEMO_LOGINS

    names = [login.username for login in DEMO_LOGINS]
    try:
        present = sorted(User.objects.filter(username__in=names, is_active=True).values_list("username", flat=True))
    except DatabaseError:
        return []
    if not present:
        return []
    return [
        Warning(
            "The demo logins are active: " + ", ".join(present),
            hint="Deactivate or delete them in the admin before going live; they were created by `luoshi demo`.",
            id="luoshi.W010",
        )
    ]
