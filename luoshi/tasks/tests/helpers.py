from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.tasks.tests.factories import Scene


def make_task(s: Scene, *, assign: bool = True, actor: Any = None, **overrides: Any) -> Task:
    data = services.TaskData(
        title=overrides.pop("title", "整治背街小巷环境"),
        lead_unit=overrides.pop("lead_unit", s.tree["dept"]),
        start_date=overrides.pop("start_date", dt.date(2026, 4, 1)),
        deadline=overrides.pop("deadline", dt.date(2026, 5, 29)),
        responsible_leader=overrides.pop("responsible_leader", s.leader_person),
        target=overrides.pop("target", "背街小巷无乱堆乱放"),
        acceptance=overrides.pop("acceptance", "督查室现场抽查合格"),
        **overrides,
    )
    # Dispatched on its start date, as it would have been: dispatch refuses a deadline already past.
    with mock.patch.object(services, "local_today", return_value=data.start_date):
        return services.task_create(actor=actor or s.supervisor, data=data, assign=assign)


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)
