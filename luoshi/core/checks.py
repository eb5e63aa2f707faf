from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def frontend_assets(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the npm assets (ECharts, Leaflet) have not been installed."""
    prefixes = {d[0] for d in settings.STATICFILES_DIRS if isinstance(d, tuple)}
    missing = {"vendor/echarts", "vendor/leaflet"} - prefixes
    if missing:
        return [
            Warning(
                "Front-end assets are missing: " + ", ".join(sorted(missing)),
                hint="Run `npm ci` (make does this for you).",
                id="luoshi.W001",
            )
        ]
    return []
