"""A closed task's milestones stay as they were: the page offers no toggle and the service refuses
one (issue 14, finding 3: nothing is offered that will be refused, nothing accepted that is not)."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import LuoshiError
from luoshi.tasks import services
from luoshi.tasks.models import Milestone, Status, Task, TaskEvent
from luoshi.tasks.tests.helpers import fresh, make_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offered", "refused"),
    [
        (Status.IN_PROGRESS, True, None),
        (Status.PENDING_REVIEW, True, None),
        (Status.DONE, False, "wrong_state"),
        (Status.CANCELLED, False, "wrong_state"),
    ],
)
def test_a_milestone_is_ticked_only_on_an_open_task(client, s, status, offered, refused):
    task = make_task(s)
    milestone = services.milestone_add(actor=s.staff, task=task, title="完成签约", due_date=dt.date(2026, 5, 1))
    Task.objects.filter(pk=task.pk).update(status=status)
    client.force_login(s.staff)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert (f'action="/tasks/milestones/{milestone.pk}/toggle/"' in page) is offered
    if refused is None:
        services.milestone_set_done(actor=s.staff, milestone=milestone, done=True)
        assert Milestone.objects.get(pk=milestone.pk).done
        return
    with pytest.raises(LuoshiError) as error:
        services.milestone_set_done(actor=s.staff, milestone=milestone, done=True)
    assert (error.value.status, error.value.code) == (409, refused)
    assert str(error.value.message) == "已办结的任务不能修改，请先重新办理。"
    # The page's own post (a stale page, a hand-made request) comes back with the reason.
    response = client.post(f"/tasks/milestones/{milestone.pk}/toggle/", {"done": "1"}, follow=True)
    assert "已办结的任务不能修改，请先重新办理。" in response.content.decode()
    assert not Milestone.objects.get(pk=milestone.pk).done
    assert not TaskEvent.objects.filter(task=fresh(task), action="done").exists()
