"""Scheduled jobs of the tasks app; ``luoshi worker`` runs them (thin: they call services)."""

from __future__ import annotations

from typing import Any

from luoshi.tasks import services


def daily_checks() -> dict[str, Any]:
    """Refresh lights, mark overdue tasks, flag missed reports, warn about near deadlines."""
    result = services.run_daily_checks()
    return {
        "lights_changed": result.lights_changed,
        "became_overdue": result.became_overdue,
        "reports_missed": result.reports_missed,
        "due_soon_notified": result.due_soon_notified,
    }
