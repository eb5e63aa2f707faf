"""The authorisation matrix of org, tasks, cases and indicators (API writes and page actions).

Columns (tests/authz/harness.py ROLES): anon, admin, leader, resp_leader, supervisor, staff,
community, grid, district (read-only district viewer), tongtai (supervisor of another township).
Every target object lies in 城东 (CD) or one of its communities; ``tongtai`` therefore stands for
"another township" and must get 404 (not even told the object exists) wherever the object is
not shared. 401: no login (API); 302: the login page (pages). 200/201: done. 400/409/422: allowed to
ask, refused for the content or the state — never a permission question. Nothing a refused
caller sends may write anything (the harness checks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.core import timeutil
from tests.authz.harness import Call, Demo, demo_loaded, row_fingerprint, run, uncovered_api_writes

pytestmark = pytest.mark.django_db

#: The API path prefixes whose every write operation must have a row below.
COVERED_PREFIXES = ("/api/v1/units", "/api/v1/tasks", "/api/v1/goals", "/api/v1/inspections", "/api/v1/cases",
                    "/api/v1/indicators")  # fmt: skip
NEXT_YEAR = timeutil.today().year + 1


def _task(d: Any) -> dict[str, Any]:
    return {"title": "矩阵测试任务", "lead_unit_id": d.ids["dept_id"], "start_date": f"{NEXT_YEAR}-01-05",
            "deadline": f"{NEXT_YEAR}-03-31"}  # fmt: skip


CALLS: dict[str, Call] = {
    # org
    "POST /api/v1/units": Call("POST", "/api/v1/units", lambda d: {
        "parent_id": d.ids["community_id"], "name": "矩阵网格", "kind": "grid", "code": "MXG1"}),
    "PATCH /api/v1/units/{unit_id}": Call("PATCH", "/api/v1/units/{community_id}", lambda d: {
        "version": d.ids["community_version"], "description": "矩阵"}),
    # tasks
    "POST /api/v1/tasks": Call("POST", "/api/v1/tasks", _task),
    "PATCH /api/v1/tasks/{task_id}": Call("PATCH", "/api/v1/tasks/{task_id}", lambda d: {
        "version": d.ids["task_version"], "description": "矩阵"}),
    "POST /api/v1/tasks/{task_id}/transitions": Call("POST", "/api/v1/tasks/{task_id}/transitions", lambda d: {
        "action": "suspend", "comment": "矩阵", "version": d.ids["task_version"]}),
    "POST /api/v1/tasks/{task_id}/progress": Call("POST", "/api/v1/tasks/{task_id}/progress", {
        "percent": 50, "text": "矩阵进度"}),
    "POST /api/v1/tasks/{task_id}/attachments": Call("POST", "/api/v1/tasks/{task_id}/attachments", lambda d: {
        "files": d.ids["text_file"]()}, multipart=True),
    "POST /api/v1/tasks/{task_id}/reminders": Call("POST", "/api/v1/tasks/{task_id}/reminders", {"comment": "请加快"}),
    "POST /api/v1/tasks/{task_id}/milestones": Call("POST", "/api/v1/tasks/{task_id}/milestones", {
        "title": "矩阵节点", "due_date": f"{NEXT_YEAR}-02-01"}),
    "POST /api/v1/goals": Call("POST", "/api/v1/goals", lambda d: {
        "owner_unit_id": d.ids["township_id"], "year": NEXT_YEAR, "title": "矩阵目标"}),
    "POST /api/v1/goals/{goal_id}/categories": Call("POST", "/api/v1/goals/{goal_id}/categories", {"name": "矩阵类"}),
    "POST /api/v1/inspections": Call("POST", "/api/v1/inspections", lambda d: {
        "unit_id": d.ids["community_id"], "date": d.ids["yesterday"], "place": "东星路"}),
    "POST /api/v1/inspections/{inspection_id}/findings": Call(
        "POST", "/api/v1/inspections/{inspection_id}/findings", {"description": "井盖缺失"}),
    "POST /api/v1/inspections/findings/{finding_id}/task": Call(
        "POST", "/api/v1/inspections/findings/{finding_id}/task", lambda d: {
            "lead_unit_id": d.ids["dept_id"], "deadline": f"{NEXT_YEAR}-03-31",
            "responsible_leader_id": d.ids["leader_person_id"]}),
    # cases
    "POST /api/v1/cases": Call("POST", "/api/v1/cases", lambda d: {
        "category": d.ids["category_code"], "unit_id": d.ids["grid_id"], "description": "矩阵：井盖缺失"}),
    "POST /api/v1/cases/{case_id}/transitions": Call("POST", "/api/v1/cases/{case_id}/transitions", {
        "action": "note", "comment": "矩阵备注"}),
    "POST /api/v1/cases/evidence": Call("POST", "/api/v1/cases/evidence", lambda d: {
        "files": d.ids["photo_file"]()}, multipart=True),
    "POST /api/v1/cases/patrols": Call("POST", "/api/v1/cases/patrols", lambda d: {
        "grid_id": d.ids["grid_id"], "patrol_date": d.ids["yesterday"], "started_at": "08:00", "places": "矩阵巡查"}),
    "POST /api/v1/cases/patrols/{patrol_id}/report": Call(
        "POST", "/api/v1/cases/patrols/{patrol_id}/report", lambda d: {
            "category": d.ids["category_code"], "description": "矩阵：巡查发现井盖缺失"}),
    # indicators
    "POST /api/v1/indicators/values/bulk": Call("POST", "/api/v1/indicators/values/bulk", lambda d: {
        "values": [{"unit": d.ids["community_id"], "indicator": d.ids["indicator"], "year": 2026, "month": 1,
                    "value": 1}]}),
    "PUT /api/v1/indicators/targets": Call("PUT", "/api/v1/indicators/targets", lambda d: {
        "targets": [{"unit": d.ids["community_id"], "indicator": d.ids["indicator"], "year": NEXT_YEAR,
                     "value": 10}]}),
    "POST /api/v1/indicators/parse": Call("POST", "/api/v1/indicators/parse", {"text": "地区生产总值 100 亿元"}),
    # pages (session login, form posts)
    "page POST /org/units/{unit_id}/edit/": Call("POST", "/org/units/{community_id}/edit/", lambda d: {
        "name": "东星社区", "kind": "community", "code": d.ids["community_code"], "sort_order": 0,
        "version": d.ids["community_version"]}, page=True),
    "page POST /org/roles/{grant_id}/revoke/": Call("POST", "/org/roles/{grant_id}/revoke/", page=True),
    "page POST /org/positions/{position_id}/delete/": Call("POST", "/org/positions/{position_id}/delete/", page=True),
    "page POST /tasks/{task_id}/transition/": Call("POST", "/tasks/{task_id}/transition/", lambda d: {
        "action": "suspend", "comment": "矩阵", "version": d.ids["task_version"]}, page=True),
    "page POST /cases/report/": Call("POST", "/cases/report/", lambda d: {
        "category": d.ids["category_id"], "unit": d.ids["grid_id"], "description": "矩阵：井盖缺失"}, page=True),
    "page GET /cases/stats/": Call("GET", "/cases/stats/", page=True),
    "page POST /cases/{case_id}/act/": Call("POST", "/cases/{case_id}/act/", lambda d: {
        "action": "note", "comment": "矩阵备注", "version": d.ids["case_version"]}, page=True),
    "page GET /cases/keypersons/": Call("GET", "/cases/keypersons/", page=True),
    "page POST /cases/keypersons/{keyperson_id}/visit/": Call(
        "POST", "/cases/keypersons/{keyperson_id}/visit/", lambda d: {
            "visited_on": d.ids["yesterday"], "method": "visit", "content": "矩阵走访"}, page=True),
    "page GET /org/units/{unit_id}/edit/": Call("GET", "/org/units/{community_id}/edit/", page=True),
    "page GET /tasks/{task_id}/edit/": Call("GET", "/tasks/{task_id}/edit/", page=True),
    "page GET /indicators/units/{unit_id}/entry/": Call("GET", "/indicators/units/{community_id}/entry/", page=True),
    "page GET /cases/report/": Call("GET", "/cases/report/", page=True),
    "page GET /cases/patrols/new/": Call("GET", "/cases/patrols/new/", page=True),
    "page POST /cases/patrols/new/": Call("POST", "/cases/patrols/new/", lambda d: {
        "kind": "patrol", "grid": d.ids["grid_id"], "patrol_date": d.ids["yesterday"], "started_at": "08:00",
        "places": "矩阵巡查", "outcome": "nothing"}, page=True),
    "page GET /tasks/new/": Call("GET", "/tasks/new/", page=True),
    "GET /api/v1/cases/stats": Call("GET", "/api/v1/cases/stats?start=2026-01-01&end=2026-01-31"),
}  # fmt: skip

# fmt: off
TABLE: dict[str, str] = {
    #                                                      anon adm lead resp sup staff comm grid dist tong
    # API: 401 = no token; 404 = outside the caller's scope; 403 = seen but not theirs to do.
    "POST /api/v1/units":                                   "401 201 403 403 403 404 403 404 403 404",
    "PATCH /api/v1/units/{unit_id}":                        "401 200 403 403 403 404 403 404 403 404",
    "POST /api/v1/tasks":                                   "401 201 201 403 201 403 404 404 403 404",
    "PATCH /api/v1/tasks/{task_id}":                        "401 200 200 403 200 403 403 404 403 404",
    "POST /api/v1/tasks/{task_id}/transitions":             "401 200 200 403 200 403 403 404 403 404",
    "POST /api/v1/tasks/{task_id}/progress":                "401 201 403 403 403 201 403 404 403 404",
    "POST /api/v1/tasks/{task_id}/attachments":             "401 201 201 201 201 201 403 404 403 404",
    "POST /api/v1/tasks/{task_id}/reminders":               "401 200 200 200 200 403 403 404 403 404",
    "POST /api/v1/tasks/{task_id}/milestones":              "401 201 201 403 201 201 403 404 403 404",
    "POST /api/v1/goals":                                   "401 201 201 403 201 404 404 404 403 404",
    "POST /api/v1/goals/{goal_id}/categories":              "401 201 201 403 201 404 404 404 403 404",
    "POST /api/v1/inspections":                             "401 201 201 403 201 404 403 404 403 404",
    "POST /api/v1/inspections/{inspection_id}/findings":    "401 201 201 403 201 404 404 404 403 404",
    "POST /api/v1/inspections/findings/{finding_id}/task":  "401 201 201 403 201 404 404 404 403 404",
    "POST /api/v1/cases":                                   "401 201 201 201 201 404 201 201 403 404",
    "POST /api/v1/cases/{case_id}/transitions":             "401 200 200 200 200 404 404 404 403 404",
    # Photos for a step still to come: anybody who acts somewhere; the read-only viewer is told why (issue 14).
    "POST /api/v1/cases/evidence":                          "401 201 201 201 201 201 201 201 403 201",
    # 走访巡查: grid workers and community staff record in their grids; those who oversee read (403 with the reason).
    "POST /api/v1/cases/patrols":                           "401 201 403 403 403 404 201 201 403 404",
    "POST /api/v1/cases/patrols/{patrol_id}/report":        "401 201 403 403 403 404 201 201 403 404",
    "POST /api/v1/indicators/values/bulk":                  "401 200 200 403 200 404 403 404 403 404",
    "PUT /api/v1/indicators/targets":                       "401 200 403 403 200 404 403 404 403 404",
    "POST /api/v1/indicators/parse":                        "401 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/cases/stats":                              "401 200 200 200 200 403 403 403 200 200",
    # Pages: 302 for anon = the login page; for the others = done; 302x = sent back to the page with a
    # refusal and nothing written. 200 = the form again with the error on it.
    "page POST /org/units/{unit_id}/edit/":                 "302 302 403 403 403 404 403 404 403 404",
    "page POST /org/roles/{grant_id}/revoke/":              "302 302 403 403 403 404 403 404 403 404",
    "page POST /org/positions/{position_id}/delete/":       "302 302 403 403 403 404 403 404 403 404",
    # A task step that is not the user's to do says why on a 403 page (issue 14), as the API does.
    "page POST /tasks/{task_id}/transition/":               "302 302 302 403 302 403 403 404 403 404",
    # The read-only district viewer is refused intake with the reason (403), not shown the form (issue 14).
    "page POST /cases/report/":                             "302 302 302 302 302 404 302 302 403 200",
    "page GET /cases/stats/":                               "302 200 200 200 200 403 403 403 200 200",
    "page POST /cases/{case_id}/act/":                      "302 302 302 302 302 404 404 404 403 404",
    # The key-person registry: the roles in cases.permissions.KEYPERSON_ROLES, each at their own places;
    # a visit is recorded by the same roles (the 包联领导 too: they visit, they do not edit entries).
    "page GET /cases/keypersons/":                          "302 200 200 200 200 404 200 404 404 200",
    "page POST /cases/keypersons/{keyperson_id}/visit/":    "302 302 302 302 302 404 302 404 404 404",
    # Edit forms open only for those whose save the service accepts (the task's opened for everyone).
    "page GET /org/units/{unit_id}/edit/":                  "302 200 403 403 403 404 403 404 403 404",
    "page GET /tasks/{task_id}/edit/":                      "302 200 200 403 200 403 403 404 403 404",
    "page GET /indicators/units/{unit_id}/entry/":          "302 200 200 403 200 404 403 404 403 404",
    # Intake and create forms open only for those who may file them (issue 14, finding 3); the relocation
    # team member has no place in scope to report at.
    "page GET /cases/report/":                              "302 200 200 200 200 404 200 200 403 200",
    # The patrol form: for whoever records somewhere; a role that only reads patrols (also another
    # township's supervisor) is told why; a department's staff, who reads none, is not found.
    "page GET /cases/patrols/new/":                         "302 200 403 403 403 404 200 200 403 403",
    "page POST /cases/patrols/new/":                        "302 302 403 403 403 404 302 302 403 403",
    "page GET /tasks/new/":                                 "302 200 200 403 200 403 403 403 403 200",
}
# fmt: on


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo (smaller), loaded once for the module and rolled back at its end."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.cases.models import OPEN_STATUSES, Case, KeyPerson, Patrol
    from luoshi.cases.models import Attachment as CaseAttachment
    from luoshi.cases.models import Category as CaseCategory
    from luoshi.core.models import ActivityLog
    from luoshi.core.testing import picture
    from luoshi.indicators.models import Indicator, IndicatorValue, Target
    from luoshi.org.models import Person, Position, RoleGrant, Unit
    from luoshi.tasks.models import Finding, Goal, Inspection, Milestone, ProgressReport, Task

    with demo_loaded(django_db_blocker) as (users, tokens):
        township = Unit.objects.get(code="CD")
        community = Unit.objects.get(code="CD01")
        grid = Unit.objects.get(code="CD01G1")
        dept = Unit.objects.get(code="CDD03")
        task = Task.objects.filter(status="in_progress", lead_unit=dept).order_by("pk").first()
        goal = Goal.objects.filter(owner_unit=township).order_by("pk").first()
        inspection = Inspection.objects.filter(unit__path__startswith=township.path).order_by("pk").first()
        finding = Finding.objects.filter(inspection=inspection, rectification_tasks__isnull=True).order_by("pk").first()
        if finding is None:
            finding = Finding.objects.create(inspection=inspection, unit=inspection.unit, description="矩阵：井盖缺失")
        case = Case.objects.filter(township=township, status__in=list(OPEN_STATUSES)).order_by("pk").first()
        category = CaseCategory.objects.filter(parent__isnull=False, is_active=True).order_by("pk").first()
        grant = RoleGrant.objects.filter(unit=community).order_by("pk").first()
        position = Position.objects.filter(unit=community).order_by("pk").first()
        key_person = KeyPerson.objects.filter(unit__path__startswith=community.path).order_by("pk").first()
        indicator = next(i for i in Indicator.objects.filter(is_active=True).order_by("pk") if i.reported_by(community))
        leader_person = Person.objects.get(name="蒋一诺")
        patrol = Patrol.objects.filter(grid=grid).order_by("pk").first()
        assert all([task, goal, inspection, finding, case, category, grant, position, indicator, patrol])
        models = (ActivityLog, Unit, RoleGrant, Position, Task, Goal, Milestone, ProgressReport, Inspection, Finding,
                  Case, CaseAttachment, IndicatorValue, Target, Patrol)  # fmt: skip

        fingerprint = row_fingerprint(models)

        ids = {
            "township_id": township.pk, "community_id": community.pk, "community_code": community.code,
            "community_version": community.version, "grid_id": grid.pk, "dept_id": dept.pk,
            "task_id": task.pk, "task_version": task.version, "goal_id": goal.pk,
            "inspection_id": inspection.pk, "finding_id": finding.pk, "case_id": case.pk,
            "category_code": category.code, "category_id": category.pk, "grant_id": grant.pk,
            "position_id": position.pk, "indicator": indicator.code, "leader_person_id": leader_person.pk,
            "case_version": case.version, "keyperson_id": key_person.pk, "patrol_id": patrol.pk,
            "yesterday": (timeutil.today() - dt.timedelta(days=1)).isoformat(),
            "text_file": lambda: SimpleUploadedFile("说明.txt", "矩阵附件".encode(), content_type="text/plain"),
            "photo_file": lambda: SimpleUploadedFile("现场.jpg", picture("JPEG"), content_type="image/jpeg"),
        }  # fmt: skip
        yield Demo(ids=ids, tokens=tokens, users=users, fingerprint=fingerprint)


def test_every_role_gets_the_tabled_answer_and_refusals_write_nothing(demo):
    assert set(TABLE) == set(CALLS)
    problems = run(TABLE, CALLS, demo)
    assert problems == []


def test_every_api_write_operation_of_these_apps_has_a_row():
    assert uncovered_api_writes(COVERED_PREFIXES, [TABLE]) == []
