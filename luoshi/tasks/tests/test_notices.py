"""Task notices stay quiet: the party secretary is not told of every 签收 (notifications.rules)."""

from __future__ import annotations

import pytest

from luoshi.notifications.models import Notification
from luoshi.tasks import services
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def test_three_acceptances_tell_the_supervisor_once_and_the_leader_not_at_all(s):
    tasks = [make_task(s, title=f"整治任务{i}") for i in range(3)]
    for task in tasks:
        services.task_transition(actor=s.staff, task=fresh(task), action=Action.ACCEPT)
    accepted = Notification.objects.filter(kind="task.accept")
    assert list(accepted.values_list("recipient__username", "count", "title")) == [("sup", 3, "今天已有 3 项任务签收")]


def test_a_declined_task_still_reaches_the_leader(s):
    task = make_task(s)
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.DECLINE, comment="不属于本单位职责")
    told = set(Notification.objects.filter(kind="task.decline").values_list("recipient__username", flat=True))
    assert told == {"sup", "lead"}
