"""Home-page sections: the tasks this person must act on today."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeChart, HomeCount, HomeItem, HomeSection
from luoshi.org.labels import unit_labels
from luoshi.org.permissions import oversees, works_the_grid
from luoshi.tasks import selectors
from luoshi.tasks.models import OPEN_STATUSES, Light, Status
from luoshi.tasks.permissions import can_dispatch_somewhere

HOME_LIMIT = 8
SEVERITY = {"red": 0, "yellow": 1, "green": 2, "": 3}


def _item(task: Any) -> HomeItem:
    return HomeItem(
        title=f"{task.title}",
        url=reverse("tasks:detail", args=[task.pk]),
        meta=_("%(status)s · due %(date)s") % {"status": task.get_status_display(), "date": task.deadline.isoformat()},
        light=task.light,
    )


def my_tasks_section(request: Any, user: Actor) -> HomeSection | None:
    qs = selectors.my_tasks(user).filter(status__in=OPEN_STATUSES)
    count = qs.count()
    if not count and (oversees(user) or works_the_grid(user)):
        return None  # an empty "my tasks" is not their day's work
    tasks = sorted(qs[:50], key=lambda t: (SEVERITY.get(t.light, 3), t.deadline))[:HOME_LIMIT]
    return HomeSection(
        key="my_tasks",
        title=gettext_lazy("My open tasks"),
        items=[_item(t) for t in tasks],
        empty_text=gettext_lazy("No open task is waiting for you."),
        more_url=reverse("tasks:mine"),
        count=count,
        order=20,
    )


def review_section(request: Any, user: Actor) -> HomeSection | None:
    """For supervisors and leaders: tasks to review and red tasks to chase."""
    if not can_dispatch_somewhere(user):
        return None
    review = selectors.task_list(user, selectors.TaskFilters(status=Status.PENDING_REVIEW))
    red = selectors.task_list(user, selectors.TaskFilters(status="open", light="red"))
    review_count, red_count = review.count(), red.count()
    items = [_item(t) for t in review[:5]] + [_item(t) for t in red[:5]]
    return HomeSection(
        key="task_review",
        title=gettext_lazy("To review and to chase"),
        items=items,
        empty_text=gettext_lazy("Nothing waits for review and no task is red."),
        more_url=reverse("tasks:overview") + "?status=open&light=red",
        count=review_count + red_count,
        order=25,
    )


# --- The overseer's strip and chart (docs/homes.md) ---------------------------------------------

#: Lead units in the home chart (the most red, then yellow, first).
CHART_UNITS = 8


def oversight_counts(request: Any, user: Actor) -> list[HomeCount]:
    """Red and yellow open tasks and tasks with progress reports missed, each a filtered list."""
    if not oversees(user):
        return []
    figures = selectors.task_list(user, selectors.TaskFilters(status="open")).aggregate(
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        missed=Count("pk", filter=Q(missed_reports__gt=0)),
    )
    base = reverse("tasks:overview") + "?status=open"
    return [
        HomeCount(
            "tasks_red", gettext_lazy("Red tasks"), figures["red"], f"{base}&light=red",
            light="red" if figures["red"] else "green", order=10,
        ),
        HomeCount(
            "tasks_yellow", gettext_lazy("Yellow tasks"), figures["yellow"], f"{base}&light=yellow",
            light="yellow" if figures["yellow"] else "green", order=20,
        ),
        HomeCount(
            "tasks_missed", gettext_lazy("Progress reports missed"), figures["missed"], f"{base}&missed=1",
            light="yellow" if figures["missed"] else "green", note=gettext_lazy("open tasks"), order=40,
        ),
    ]  # fmt: skip


def lights_by_unit_chart(request: Any, user: Actor) -> HomeChart | None:
    """Open tasks by lead unit and light: where the red and yellow tasks sit."""
    if not oversees(user):
        return None
    data = list(
        selectors.task_list(user, selectors.TaskFilters(status="open"))
        .order_by()
        .values("lead_unit_id")
        .annotate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            green=Count("pk", filter=Q(light=Light.GREEN)),
            total=Count("pk"),
        )
        .order_by("-red", "-yellow", "-total", "lead_unit_id")[:CHART_UNITS]
    )
    if not data:
        return None
    names = unit_labels(d["lead_unit_id"] for d in data)
    units = [names.get(d["lead_unit_id"], "") for d in data]
    series = [
        (_("Red"), "red", "#b91c1c"),
        (_("Yellow"), "yellow", "#ca8a04"),
        (_("Green"), "green", "#15803d"),
    ]
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": [str(label) for label, _key, _colour in series]},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": units},
        "series": [
            {"name": str(label), "type": "bar", "stack": "lights", "data": [d[key] for d in data], "color": colour}
            for label, key, colour in series
        ],
    }
    return HomeChart(
        key="tasks_lights",
        title=gettext_lazy("Open tasks by lead unit and light"),
        option=option,
        head=[_("Lead unit"), _("Red"), _("Yellow"), _("Green")],
        rows=[[unit, str(d["red"]), str(d["yellow"]), str(d["green"])] for unit, d in zip(units, data, strict=True)],
        url=reverse("tasks:overview") + "?status=open",
        order=10,
    )
