"""API: scope (404), forbidden transitions (403), wrong state and stale versions (409), fixed query counts."""

from __future__ import annotations

import pytest

from luoshi.core.testing import picture
from luoshi.tasks.models import Status
from luoshi.tasks.tests.helpers import fresh, make_task

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_list_is_scoped_and_filtered(client, s):
    mine = make_task(s, title="甲街道任务")
    other = make_task(
        s, title="乙街道任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None, assign=False
    )
    client.force_login(s.supervisor)
    body = client.get(f"{API}/tasks").json()
    ids = [r["id"] for r in body["results"]]
    assert mine.pk in ids and other.pk not in ids
    assert client.get(f"{API}/tasks?status=draft").json()["count"] == 0
    assert client.get(f"{API}/tasks?status=assigned&q=甲街道").json()["count"] == 1
    assert client.get(f"{API}/tasks/{other.pk}").status_code == 404


def test_co_unit_and_responsible_leader_see_the_task(client, s):
    task = make_task(s, lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=s.leader_person,
                     co_units=[])  # fmt: skip
    client.force_login(s.resp_leader)
    assert client.get(f"{API}/tasks/{task.pk}").status_code == 200
    client.force_login(s.community)
    assert client.get(f"{API}/tasks/{task.pk}").status_code == 404
    task.co_units.add(s.tree["community"])
    assert client.get(f"{API}/tasks/{task.pk}").status_code == 200


def test_create_then_transitions_and_progress(client, s, fixed_today):
    client.force_login(s.supervisor)
    response = post(client, f"{API}/tasks", {
        "title": "老旧小区改造", "lead_unit_id": s.tree["dept"].pk, "start_date": "2026-04-01",
        "deadline": "2026-06-30", "assign": True, "responsible_leader_id": s.leader_person.pk,
        "co_unit_ids": [s.tree["community"].pk], "target": "改造12个小区", "acceptance": "住建部门验收合格",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["status"] == "assigned" and task["timeline"][0]["kind"] == "create"
    url = f"{API}/tasks/{task['id']}/transitions"
    # The supervisor may not accept for the unit: 403.
    assert post(client, url, {"action": "accept"}).status_code == 403
    client.force_login(s.staff)
    # Submitting before accepting is the wrong state: 409.
    r = post(client, url, {"action": "submit"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    r = post(client, url, {"action": "accept", "version": task["version"]})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    # The old version is stale now: 409.
    assert post(client, url, {"action": "submit", "version": task["version"]}).status_code == 409
    r = post(client, f"{API}/tasks/{task['id']}/progress", {"percent": 60, "text": "完成两栋楼外立面"})
    assert r.status_code == 201 and r.json()["task"]["progress"] == "60.00"
    assert post(client, f"{API}/tasks/{task['id']}/progress", {"percent": 160, "text": "x"}).status_code == 422


def test_create_with_bad_dates_is_a_400_with_a_chinese_message(client, s):
    client.force_login(s.supervisor)
    r = post(client, f"{API}/tasks", {
        "title": "x", "lead_unit_id": s.tree["dept"].pk, "start_date": "2026-04-01", "deadline": "2026-03-01",
    })  # fmt: skip
    assert r.status_code == 400
    assert r.json()["message"] == "完成时限不能早于开始日期。"


def test_staff_cannot_create_tasks(client, s):
    client.force_login(s.staff)
    r = post(client, f"{API}/tasks", {
        "title": "x", "lead_unit_id": s.tree["dept"].pk, "start_date": "2026-04-01", "deadline": "2026-05-01",
    })  # fmt: skip
    assert r.status_code == 403


def test_out_of_scope_transition_is_404(client, s):
    task = make_task(s)
    client.force_login(s.outsider)
    assert post(client, f"{API}/tasks/{task.pk}/transitions", {"action": "cancel", "comment": "x"}).status_code == 404
    assert fresh(task).status == Status.ASSIGNED


def test_list_query_count_is_fixed_whatever_the_page_size(client, s, django_assert_num_queries):
    for i in range(25):
        make_task(s, title=f"任务{i}")
    client.force_login(s.supervisor)
    client.get(f"{API}/tasks?page_size=1")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 10, 25):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{API}/tasks?page_size={size}").status_code == 200
        counts.append(len(ctx.captured_queries))
    # session, user, session save (savepoint, update, release); grants, units in scope, extra task ids; count, rows
    assert counts == [API_LIST_QUERIES] * 3


API_LIST_QUERIES = 10


def test_list_rows_match_the_schema(client, s):
    from luoshi.api.schemas import PageOut
    from luoshi.tasks.api import TaskListItem

    sub = make_task(s, title="子任务", parent=make_task(s, title="父任务"))
    client.force_login(s.supervisor)
    body = client.get(f"{API}/tasks?page_size=10").json()
    assert {r["id"] for r in body["results"]} >= {sub.pk, sub.parent_id}
    checked = PageOut[TaskListItem].model_validate(body).model_dump(mode="json")
    assert checked == body


def test_goals_and_inspections_api(client, s, fixed_today):
    client.force_login(s.supervisor)
    r = post(
        client, f"{API}/goals", {"owner_unit_id": s.tree["a"].pk, "year": 2026, "title": "三大攻坚行动", "weight": "30"}
    )
    assert r.status_code == 201
    goal = r.json()
    r = post(client, f"{API}/goals/{goal['id']}/categories", {"name": "项目攻坚", "code": "A"})
    assert r.status_code == 201
    assert client.get(f"{API}/goals/{goal['id']}").json()["categories"][0]["name"] == "项目攻坚"
    r = post(client, f"{API}/inspections", {
        "unit_id": s.tree["a"].pk, "date": "2026-04-10", "place": "建设工地", "findings": ["未设围挡"],
    })  # fmt: skip
    assert r.status_code == 201
    finding = r.json()["findings"][0]
    r = post(client, f"{API}/inspections/findings/{finding['id']}/task", {
        "lead_unit_id": s.tree["dept"].pk, "deadline": "2026-05-10", "responsible_leader_id": s.leader_person.pk,
    })  # fmt: skip
    assert r.status_code == 201 and r.json()["source"] == "inspection"
    client.force_login(s.outsider)
    assert client.get(f"{API}/goals/{goal['id']}").status_code == 404
    assert client.get(f"{API}/inspections").json()["count"] == 0


def test_openapi_schema_of_the_task_routers_builds():
    from ninja import NinjaAPI

    from luoshi.tasks import api

    site = NinjaAPI(urls_namespace="tasks-openapi-check")
    site.add_router("/tasks", api.tasks_router)
    site.add_router("/goals", api.goals_router)
    site.add_router("/inspections", api.inspections_router)
    paths = site.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert "/api/v1/tasks/{task_id}/transitions" in paths and "/api/v1/goals/{goal_id}/categories" in paths


@pytest.mark.parametrize("limits", [(5000, 2000), (0, 0)])
def test_visibility_through_co_unit_task_force_and_leader_in_both_query_shapes(client, s, monkeypatch, limits):
    from luoshi.tasks import permissions
    from luoshi.tasks.tests.factories import task_force

    monkeypatch.setattr(permissions, "UNIT_IDS_LIMIT", limits[0])
    monkeypatch.setattr(permissions, "EXTRA_IDS_LIMIT", limits[1])
    force = task_force(s.tree["b"], code="TBZ1")
    own = make_task(s, title="本街道任务")
    co = make_task(
        s, title="配合任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None, assign=False
    )
    co.co_units.add(s.tree["community"])
    other = make_task(
        s, title="他街道任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None, assign=False
    )
    led = make_task(s, title="我任领导", lead_unit=s.tree["b_community"], actor=s.outsider,
                    responsible_leader=s.leader_person)  # fmt: skip
    forced = make_task(s, title="专班任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None,
                       task_force=force, assign=False)  # fmt: skip
    client.force_login(s.supervisor)
    ids = {r["id"] for r in client.get(f"{API}/tasks?page_size=100").json()["results"]}
    assert own.pk in ids and co.pk in ids and other.pk not in ids and led.pk not in ids and forced.pk not in ids
    client.force_login(s.resp_leader)
    ids = {r["id"] for r in client.get(f"{API}/tasks?page_size=100").json()["results"]}
    assert led.pk in ids and other.pk not in ids
    from luoshi.org.models import Role
    from luoshi.org.tests.factories import UserFactory, grant

    force_member = UserFactory(username="force_member")
    grant(force_member, Role.UNIT_STAFF, force)
    client.force_login(force_member)
    ids = {r["id"] for r in client.get(f"{API}/tasks?page_size=100").json()["results"]}
    assert ids == {forced.pk}


def test_upload_attachments_checks_type_and_scope(client, s, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = make_task(s)
    client.force_login(s.staff)
    url = f"{API}/tasks/{task.pk}/attachments"
    ok = client.post(url, {"files": [SimpleUploadedFile("照片.jpg", picture("JPEG"))]})
    assert ok.status_code == 201 and ok.json()[0]["name"] == "照片.jpg"
    bad = client.post(url, {"files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert bad.status_code == 400 and "a.exe" in bad.json()["message"]
    renamed = client.post(url, {"files": [SimpleUploadedFile("b.jpg", b"MZ" + b"x" * 100)]})
    assert renamed.status_code == 400 and renamed.json()["code"] == "file_content"
    client.force_login(s.outsider)
    assert client.post(url, {"files": [SimpleUploadedFile("b.jpg", b"x")]}).status_code == 404


def test_files_can_go_with_a_progress_report(client, s, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.tasks.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    task = make_task(s)
    client.force_login(s.staff)
    assert post(client, f"{API}/tasks/{task.pk}/transitions", {"action": "accept"}).status_code == 200
    report = post(client, f"{API}/tasks/{task.pk}/progress", {"percent": 30, "text": "完成摸底"}).json()
    photo = SimpleUploadedFile("现场.png", picture("PNG"))
    r = client.post(f"{API}/tasks/{task.pk}/attachments", {"files": [photo], "report_id": report["id"]})
    assert r.status_code == 201 and r.json()[0]["report_id"] == report["id"]
    assert Attachment.objects.get(report_id=report["id"]).name == "现场.png"
    other = make_task(s, title="另一任务")
    wrong = client.post(f"{API}/tasks/{other.pk}/attachments", {"files": [photo], "report_id": report["id"]})
    assert wrong.status_code == 404
