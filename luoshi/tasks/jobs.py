"""Scheduled jobs of the tasks app; ``luoshi worker`` runs them (thin: they call services)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings

from luoshi.tasks import services

IMPORT_FILE_HOURS = 24


def remove_stale_imports(*, now: float | None = None) -> int:
    """Delete uploaded task lists that were previewed but never confirmed (older than a day)."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - IMPORT_FILE_HOURS * 3600
    removed = 0
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def daily_checks() -> dict[str, Any]:
    """Refresh lights, mark overdue tasks, flag missed reports, warn about near deadlines."""
    result = services.run_daily_checks()
    return {
        "stale_imports_removed": remove_stale_imports(),
        "lights_changed": result.lights_changed,
        "became_overdue": result.became_overdue,
        "reports_missed": result.reports_missed,
        "due_soon_notified": result.due_soon_notified,
    }
