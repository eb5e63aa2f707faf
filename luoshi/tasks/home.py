"""Home-page sections: the tasks this person must act on today."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.registry import HomeItem, HomeSection
from luoshi.tasks import selectors
from luoshi.tasks.models import OPEN_STATUSES, Status
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


def my_tasks_section(request: Any, user: Any) -> HomeSection | None:
    qs = selectors.my_tasks(user).filter(status__in=OPEN_STATUSES)
    count = qs.count()
    if not count and can_dispatch_somewhere(user):
        return None
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


def review_section(request: Any, user: Any) -> HomeSection | None:
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
