"""Scheduled jobs of the bulletins app (thin: they call services)."""

from __future__ import annotations

from typing import Any

from luoshi.bulletins import services


def run_schedules() -> dict[str, Any]:
    """Make the scheduled drafts that are due; they wait for the supervisor to review and issue."""
    return {"drafts_made": services.run_schedules()}


def render_pending_pdfs() -> dict[str, Any]:
    """Render the PDFs that could not be rendered when their bulletin was issued."""
    return {"pdfs_rendered": services.render_pending_pdfs()}
