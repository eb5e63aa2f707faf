"""The cockpit page, its big-screen mode for the command centre, and (by CSS) its phone layout."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.cockpit import selectors
from luoshi.core.panels import Panel

#: Seconds between reloads of the big screen.
SCREEN_REFRESH_SECONDS = 300


def _chart_json(panel: Panel) -> str:
    if panel.chart is None:
        return ""
    c = panel.chart
    return json.dumps(
        {"kind": c.kind, "title": str(c.title), "x": c.x, "series": c.series, "unit": str(c.unit)},
        ensure_ascii=False,
    )


def _chart_rows(panel: Panel) -> list[tuple[str, list[Any]]]:
    """The chart's figures as table rows (its text alternative)."""
    if panel.chart is None:
        return []
    c = panel.chart
    return [(x, [s["data"][i] if i < len(s["data"]) else None for s in c.series]) for i, x in enumerate(c.x)]


def _context(request: HttpRequest, *, big_screen: bool) -> dict[str, Any]:
    cockpit = selectors.cockpit_for(request.user, big_screen=big_screen)
    return {
        "cockpit": cockpit,
        "panels": [(p, _chart_json(p), _chart_rows(p)) for p in cockpit.panels],
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/cockpit.html", _context(request, big_screen=False))


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/screen.html", _context(request, big_screen=True))
