from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def frontend_assets(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the npm assets (ECharts, Leaflet) have not been installed or the chart build not made."""
    prefixes = {d[0] for d in settings.STATICFILES_DIRS if isinstance(d, tuple)}
    missing = {"vendor/leaflet", "vendor/charts"} - prefixes
    if missing:
        return [
            Warning(
                "Front-end assets are missing: " + ", ".join(sorted(missing)),
                hint="Run `make install` (npm ci, then npm run build for the charts' ECharts build).",
                id="luoshi.W001",
            )
        ]
    return []


@register(deploy=True)
def demo_password_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The demo password is printed in the README; in production it must not open any account."""
    from django.db import DatabaseError

    from luoshi.accounts.models import User

    password = getattr(settings, "LUOSHI_DEMO_PASSWORD", "")
    if not password:
        return []
    try:
        # Only accounts that can log in, and at most a few hundred hashes (each costs Argon2's time).
        candidates = list(User.objects.filter(is_active=True).exclude(password="").order_by("pk")[:500])
    except DatabaseError:
        return []
    opened = [user.username for user in candidates if user.has_usable_password() and user.check_password(password)]
    if not opened:
        return []
    return [
        Warning(
            "These accounts log in with the demo password (LUOSHI_DEMO_PASSWORD): " + ", ".join(opened[:20]),
            hint="Set a password of their own for each (luoshi changepassword NAME) or deactivate them.",
            id="luoshi.W011",
        )
    ]


@register(deploy=True)
def activity_log_owner(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """PostgreSQL: the role Luoshi serves as should not own the activity log (it could drop its trigger)."""
    from django.db import DatabaseError

    from luoshi.core.dbguard import activity_log_is_protected

    try:
        protected = activity_log_is_protected()
    except DatabaseError:
        return []
    if protected is False:
        return [
            Warning(
                "Luoshi connects to PostgreSQL as the owner of core_activitylog (or a superuser), "
                "so it could switch off the trigger that keeps the activity log append-only.",
                hint="Serve as a separate role: see docs/operations.md (LUOSHI_DB_APP_ROLE, luoshi dbgrants).",
                id="luoshi.W012",
            )
        ]
    return []
