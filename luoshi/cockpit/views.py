"""The cockpit page, its big-screen mode for the command centre, and (by CSS) its phone layout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.cockpit import selectors
from luoshi.core.panels import Panel

#: Seconds between reloads of the big screen.
SCREEN_REFRESH_SECONDS = 300


def chart_option(panel: Panel, *, dark: bool = False) -> dict[str, Any] | None:
    """The ECharts option of a panel's chart, drawn by the shared chart helper (``{% chart %}``,
    docs/frontend.md) beside the table of its figures."""
    if panel.chart is None or not panel.chart.x:
        return None
    c = panel.chart
    colour = "#93c5fd" if dark else "#1d4ed8"
    return {
        "backgroundColor": "transparent",
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 28},
        "xAxis": {"type": "category", "data": list(c.x)},
        "yAxis": {"type": "value", "name": str(c.unit)},
        "series": [
            {
                "name": str(s["name"]),
                "type": "bar" if c.kind == "bar" else "line",
                "data": list(s["data"]),
                "symbol": "circle",
                "itemStyle": {"color": colour},
            }
            for s in c.series
        ],
    }


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
        "panels": [(p, chart_option(p, dark=big_screen), _chart_rows(p)) for p in cockpit.panels],
        "chart_theme": "dark" if big_screen else "",
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/cockpit.html", _context(request, big_screen=False))


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/screen.html", _context(request, big_screen=True))
