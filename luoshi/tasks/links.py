"""The tasks app's side of :mod:`luoshi.core.links`: other apps spawn tasks and read their states.

Registered from ``TasksConfig.ready``. A spawned task goes through
:func:`luoshi.tasks.services.task_create` like any other (permission, validation,
audit, notifications) and is assigned at once; its state flows back by pull
(:meth:`TaskLinks.states`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.core.errors import ValidationFailed
from luoshi.core.links import TaskRef, TaskRequest
from luoshi.core.timeutil import today
from luoshi.org.models import Person, Unit
from luoshi.tasks import services
from luoshi.tasks.models import CLOSED_STATUSES, Source, Status, Task


def _ref(task: Task) -> TaskRef:
    return TaskRef(
        id=task.pk,
        number=task.number,
        status=task.status,
        status_label=str(task.get_status_display()),
        light=task.light,
        deadline=task.deadline,
        url=reverse("tasks:detail", args=[task.pk]),
        done=task.status == Status.DONE,
        closed=task.status in CLOSED_STATUSES,
    )


class TaskLinks:
    def spawn(self, *, actor: Actor, request: TaskRequest) -> TaskRef:
        lead_unit = Unit.objects.filter(pk=request.lead_unit_id, is_active=True).first()
        leader = Person.objects.filter(pk=request.responsible_leader_id, is_active=True).first()
        if lead_unit is None:
            raise ValidationFailed(_("Choose the lead unit."), details={"lead_unit": [_("Choose the lead unit.")]})
        if leader is None:
            message = _("Choose the responsible leader.")
            raise ValidationFailed(message, details={"responsible_leader": [message]})
        start = min(today(), request.deadline)
        data = services.TaskData(
            title=request.title[:200],
            lead_unit=lead_unit,
            start_date=start,
            deadline=request.deadline,
            description=request.description,
            source=Source.OTHER,
            target=request.target,
            acceptance=request.acceptance,
            responsible_leader=leader,
        )
        task = services.task_create(actor=actor, data=data, assign=True)
        return _ref(task)

    def states(self, ids: Iterable[int]) -> dict[int, TaskRef]:
        tasks = Task.objects.filter(pk__in=list(ids)).only("pk", "number", "status", "light", "deadline")
        return {t.pk: _ref(t) for t in tasks}
