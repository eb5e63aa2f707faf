"""Read-only roles are offered no create or import form, and a refused write says why with a 403
(issue 14, finding 3): the pages and their buttons ask the one question the services ask."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.tasks.tests.helpers import make_task

pytestmark = pytest.mark.django_db

PAGES = ["/tasks/new/", "/tasks/goals/new/", "/tasks/inspections/new/", "/tasks/import/"]


# who → which of PAGES open (200) — the others answer 403 with the reason.
OPEN = {
    "supervisor": PAGES,
    "leader": PAGES,
    "resp_leader": [],  # reviews tasks; creating them is the supervisors' and leaders'
    "staff": [],
    "viewer": [],
}


@pytest.mark.parametrize("who", list(OPEN))
def test_create_and_import_pages_open_only_for_those_who_may_use_them(s, who):
    client = Client()
    client.force_login(getattr(s, who))
    for url in PAGES:
        response = client.get(url)
        if url in OPEN[who]:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert "无权操作" in response.content.decode(), url
    overview = client.get("/tasks/overview/").content.decode()
    assert ('data-testid="new-task"' in overview) == bool(OPEN[who])
    assert ("/tasks/import/" in overview) == bool(OPEN[who])
    goals = client.get("/tasks/goals/").content.decode()
    assert ("/tasks/goals/new/" in goals) == bool(OPEN[who])
    inspections = client.get("/tasks/inspections/").content.decode()
    assert ("/tasks/inspections/new/" in inspections) == bool(OPEN[who])


def test_a_subtask_page_opens_for_the_doing_unit(s):
    task = make_task(s)
    client = Client()
    client.force_login(s.staff)
    assert client.get(f"/tasks/new/?parent={task.pk}").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 302), ("staff", 403), ("resp_leader", 403), ("viewer", 403), ("outsider", 404)],
)
def test_a_refused_step_on_the_page_says_why(s, who, status):
    task = make_task(s)
    client = Client()
    client.force_login(getattr(s, who))
    response = client.post(f"/tasks/{task.pk}/transition/", {"action": "suspend", "comment": "暂缓", "version": 2})
    assert response.status_code == status
    if status == 403:
        assert "无权" in response.content.decode()


def test_goal_categories_and_inspection_findings_refuse_with_the_reason(s):
    import datetime as dt

    from luoshi.tasks import services

    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="人居环境提升")
    inspection = services.inspection_create(
        actor=s.supervisor, unit=s.tree["dept"], date=dt.date(2026, 4, 1), place="东门"
    )
    client = Client()
    client.force_login(s.viewer)
    for url, data in [
        (f"/tasks/goals/{goal.pk}/categories/", {"name": "背街小巷"}),
        (f"/tasks/inspections/{inspection.pk}/findings/", {"description": "井盖缺失"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "无权" in response.content.decode() or "您无权" in response.content.decode()
    client.force_login(s.supervisor)
    assert client.post(f"/tasks/goals/{goal.pk}/categories/", {"name": "背街小巷"}).status_code == 302
