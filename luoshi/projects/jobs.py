"""Scheduled jobs of the projects app; ``luoshi worker`` runs them (thin: they call services)."""

from __future__ import annotations

from typing import Any

from luoshi.projects import services


def daily_refresh() -> dict[str, Any]:
    """Pull problems' task states back and recompute every project's status and light."""
    return services.refresh_all()


def sync_problems() -> dict[str, Any]:
    """Pull the states of problems' tasks back (a task signed off settles its problem)."""
    return {"problems_synced": services.sync_problem_tasks()}
