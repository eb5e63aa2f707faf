"""What the tasks app shows on the cockpit: tasks by light, the oldest overdue, key goals'
progress, and the warning of new red lights since yesterday (registered with
:mod:`luoshi.core.panels`; every figure links to the task overview filtered to it)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core import aggregates
from luoshi.core.panels import Panel, PanelFigure, PanelRow, Warning, register_panel, register_warnings
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for
from luoshi.tasks import selectors
from luoshi.tasks.aggregates import LIGHTS_FAMILY
from luoshi.tasks.permissions import goals_visible_to

#: Goals shown (the heaviest first).
GOALS_SHOWN = 6


def _overview(**params: Any) -> str:
    return reverse("tasks:overview") + "?" + urlencode({k: v for k, v in params.items() if v})


def tasks_panel(user: Actor, today: dt.date) -> Panel | None:
    scope = scope_for(user)
    if scope.is_empty and not scope.is_all:
        return None
    yesterday = today - dt.timedelta(days=1)
    open_tasks = selectors.task_list(user, selectors.TaskFilters(status="open")).order_by()
    # One index-only scan (status, light, deadline) for the lights and the tasks past their
    # deadline; the figure links to exactly that list (open, due on or before yesterday).
    counts = {"red": 0, "yellow": 0, "green": 0}
    overdue_count = 0
    for light, n, late in (
        open_tasks.values_list("light")
        .annotate(n=Count("*"), late=Count("deadline", filter=Q(deadline__lte=yesterday)))
        .values_list("light", "n", "late")
    ):
        if light in counts:
            counts[light] += n
        overdue_count += late
    labels = {"red": _("Red light"), "yellow": _("Yellow light"), "green": _("Green light")}
    figures = [
        PanelFigure(f"tasks_{light}", labels[light], str(counts[light]), _overview(status="open", light=light),
                    light=light)
        for light in ("red", "yellow", "green")
    ]  # fmt: skip
    overdue = open_tasks.filter(deadline__lte=yesterday)  # the scope is resolved once
    overdue_url = _overview(status="open", due_before=yesterday.isoformat())
    figures.append(
        PanelFigure(
            "tasks_overdue",
            _("Past their deadline"),
            str(overdue_count),
            overdue_url,
            light="red" if overdue_count else "green",
        )
    )
    oldest = overdue.order_by("deadline", "pk").values("pk", "title", "deadline", "lead_unit_id").first()
    if oldest:
        days = (today - oldest["deadline"]).days
        figures.append(
            PanelFigure(
                "tasks_oldest_overdue",
                _("Oldest overdue task"),
                _("%(n)s days") % {"n": days},
                reverse("tasks:detail", args=[oldest["pk"]]),
                light="red",
                note=f"{oldest['title']} · {unit_labels([oldest['lead_unit_id']]).get(oldest['lead_unit_id'], '')}",
            )
        )
    goals = list(
        goals_visible_to(user)
        .filter(year=today.year, is_active=True)
        .order_by("-weight", "title", "pk")
        .values("pk", "title", "progress", "owner_unit_id")[:GOALS_SHOWN]
    )
    owners = unit_labels(g["owner_unit_id"] for g in goals)
    rows = [
        PanelRow(
            [g["title"], owners.get(g["owner_unit_id"], ""), f"{g['progress']:.0f}%"],
            url=reverse("tasks:goal", args=[g["pk"]]),
        )
        for g in goals
    ]
    return Panel(
        key="tasks",
        title=gettext_lazy("Tasks by light · key goals"),
        figures=figures,
        head=[_("Key goal"), _("Owner unit"), _("Progress")],
        rows=rows,
        more_url=_overview(status="open"),
        empty_text=gettext_lazy("No key goals this year."),
    )


def warnings(user: Actor, today: dt.date) -> list[Warning]:
    """New red lights: more red tasks per lead unit today than in yesterday's picture."""
    scope = scope_for(user)
    if scope.is_empty and not scope.is_all:
        return []
    units = None if scope.is_all else list(Unit.objects.filter(scope.unit_q()).values_list("pk", flat=True))
    yesterday = today - dt.timedelta(days=1)
    # No picture taken yesterday (the worker was not running): nothing to compare with.
    before = aggregates.sum_figures(LIGHTS_FAMILY, first=yesterday, last=yesterday, units=units)
    if not before:
        return []
    now = aggregates.sum_figures(LIGHTS_FAMILY, first=today, last=today, units=units, measures=["red"])
    grown = sum(max(v.get("red", 0) - before.get(u, {}).get("red", 0), 0) for u, v in now.items())
    if not grown:
        return []
    return [
        Warning(
            "tasks.red",
            "red",
            _("%(n)s more tasks show a red light than yesterday") % {"n": grown},
            _overview(status="open", light="red"),
        )
    ]


def register() -> None:
    register_panel("tasks", 10, tasks_panel)
    register_warnings("tasks", warnings)
