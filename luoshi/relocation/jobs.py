"""Scheduled jobs of the relocation app; ``luoshi worker`` runs them (thin: they call services)."""

from __future__ import annotations

from typing import Any

from luoshi.relocation import services


def daily_watch() -> dict[str, Any]:
    """Warn task forces and commanders about lagging signing and near or missed deadlines (once a day)."""
    return {"campaigns_warned": services.deadline_watch()}
