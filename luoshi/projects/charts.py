"""ECharts options as plain JSON, written into the page as data (CSP: no inline script)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.projects.models import Project
from luoshi.projects.selectors import MonthRow


def plan_actual(project: Project, months: list[MonthRow]) -> dict[str, Any]:
    """The plan year month by month: completed per month (bars), cumulative against the plan line."""
    return {
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": [f"{m.month.month}月" for m in months]},
        "yAxis": {"type": "value", "name": _("万元")},
        "series": [
            {"name": _("Completed in the month"), "type": "bar", "data": [float(m.amount) for m in months]},
            {
                "name": _("Completed, cumulative"),
                "type": "line",
                "data": [None if m.cumulative is None else float(m.cumulative) for m in months],
            },
            {
                "name": _("Plan line (time progress)"),
                "type": "line",
                "lineStyle": {"type": "dashed"},
                "symbol": "none",
                "data": [float(m.plan_cumulative) for m in months],
            },
        ],
    }
