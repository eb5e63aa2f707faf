"""ECharts options as plain JSON, written into the page as data (CSP: no inline script).

The templates write them with ``{% chart %}`` (luoshi/core/templatetags/charts.py) and
``static/luoshi/js/charts.js`` draws them, with ECharts' aria option and the table that carries
the figures (docs/frontend.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from luoshi.indicators.selectors import History, Leaderboard, Scorecard, TrendSeries

BRAND = "#b91c1c"
COLOURS = {"green": "#15803d", "yellow": "#eab308", "red": "#b91c1c", "": "#94a3b8"}
#: Bars that rank without judging (a composite score): neither the brand red nor a light.
NEUTRAL = "#475569"


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def scorecard_chart(card: Scorecard) -> dict[str, Any] | None:
    """Completion of the annual target per indicator, with a line at time progress."""
    rows = [r for r in card.rows if r.figures.completion is not None]
    if not rows:
        return None
    names = [r.indicator.name for r in rows]
    return {
        "grid": {"left": 8, "right": 48, "top": 24, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {
                "name": _("Completion"),
                "type": "bar",
                "data": [
                    {"value": _f(r.figures.completion), "itemStyle": {"color": COLOURS.get(r.figures.light, BRAND)}}
                    for r in rows
                ],
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#1d4ed8"},
                    "label": {"formatter": _("Time progress") + " {c}%"},
                    "data": [{"xAxis": _f(card.time_progress)}],
                },
            }
        ],
    }


def leaderboard_bars(board: Leaderboard) -> dict[str, Any]:
    """Every peer's figure as a horizontal bar, best first; long lists scroll (the page's chart box)."""
    rows = [r for r in board.rows if r.metric is not None]
    # A composite score runs from 0 to 100; it is not a percentage.
    percent = board.metric in ("completion", "yoy")
    unit = "" if board.indicator is None else "%" if percent else board.indicator.unit
    option: dict[str, Any] = {
        "grid": {"left": 8, "right": 56, "top": 16, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [r.unit_name for r in rows]},
        "series": [
            {
                "type": "bar",
                "name": board.indicator.name if board.indicator else _("Composite score"),
                "data": [
                    {
                        "value": _f(r.metric),
                        "itemStyle": {"color": COLOURS.get(r.figures.light, NEUTRAL) if board.indicator else NEUTRAL},
                    }
                    for r in rows
                ],
                "label": {"show": True, "position": "right", "formatter": "{c}" + unit},
            }
        ],
    }
    if board.metric == "completion" and board.indicator is not None and rows and rows[0].figures.time_progress:
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": "#1d4ed8"},
            "label": {"formatter": _("Time progress") + " {c}%"},
            "data": [{"xAxis": _f(rows[0].figures.time_progress)}],
        }
    return option


def trend_lines(board: Leaderboard, trend: list[TrendSeries]) -> dict[str, Any]:
    """The leaders' monthly values this year, and the peers' average."""
    months = [f"{m}月" for m in range(1, board.month + 1)]
    return {
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": months, "boundaryGap": False},
        "yAxis": {"type": "value", "scale": True},
        "series": [
            {
                "name": s.name,
                "type": "line",
                "data": [_f(p) for p in s.points],
                "connectNulls": True,
                "lineStyle": {"type": "dashed"} if i == len(trend) - 1 else {},
            }
            for i, s in enumerate(trend)
        ],
    }


def history_lines(history: History) -> dict[str, Any] | None:
    """One line per year over the twelve months (oldest year faint), so years compare month by month."""
    years = [y for y in reversed(history.years) if y.reported]
    if not years:
        return None
    last = len(years) - 1
    return {
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in range(1, 13)], "boundaryGap": False},
        "yAxis": {"type": "value", "scale": True, "name": history.indicator.unit},
        "series": [
            {
                "name": str(y.year),
                "type": "line",
                "data": [_f(f.value) for f in y.months],
                "connectNulls": False,
                "lineStyle": {"width": 3 if i == last else 1.5},
                "itemStyle": {"color": BRAND} if i == last else {},
            }
            for i, y in enumerate(years)
        ],
    }
