"""Pages and API: scoped, paginated, a fixed number of queries, what the page offers the service accepts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.projects import services
from luoshi.projects.models import Investment, Project
from luoshi.projects.tests.factories import Scene

pytestmark = pytest.mark.django_db


def make(s: Scene, n: int, **overrides: Any) -> list[Project]:
    projects = []
    for _ in range(n):
        values: dict[str, Any] = {
            "name": f"项目{Project.objects.count()}",
            "unit": s.tree["dept"],
            "total_investment": "1000",
            "annual_plan": "500",
            "plan_year": 2026,
            "stage": "construction",
            "leaders": [s.leader_person],
        }
        values.update(overrides)
        projects.append(services.project_create(actor=s.leader, data=services.ProjectData(**values)))
    return projects


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def queries(c: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx), response


@pytest.mark.parametrize("url", ["/projects/", "/projects/board/", "/api/v1/projects", "/projects/mine/"])
def test_lists_take_the_same_queries_for_3_or_12_projects(s: Scene, fixed_today: dt.date, url: str) -> None:
    make(s, 3)
    c = client_for(s.leader)
    small, _ = queries(c, url)
    make(s, 9)
    large, response = queries(c, url)
    assert large == small
    text = str(response.json()) if url.startswith("/api/") else response.content.decode()
    assert "项目11" in text


def test_project_page_shows_money_problems_and_milestones(s: Scene, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    Investment.objects.create(project=project, month=dt.date(2026, 3, 1), amount=Decimal("80"))
    services.recompute(project)
    services.problem_add(
        actor=s.leader,
        project=project,
        kind="utilities",
        title="电杆迁移",
        unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 20),
    )
    services.milestone_add(actor=s.leader, project=project, title="主体结顶", due_date=dt.date(2026, 4, 10))
    body = client_for(s.leader).get(f"/projects/{project.pk}/").content.decode()
    assert "电杆迁移" in body and "主体结顶" in body
    assert 'data-echarts="plan-actual"' in body and 'aria-describedby="plan-actual-table"' in body
    assert "滞后" in body, body[body.find("project-status") : body.find("project-status") + 300]  # the late milestone
    # The stage steps offered are exactly the table's rows from 在建.
    assert 'data-step="advance"' in body and 'data-step="step_back"' in body


def test_outsiders_get_404_and_staff_see_no_manager_actions(s: Scene, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    assert client_for(s.outsider).get(f"/projects/{project.pk}/").status_code == 404
    assert client_for(s.outsider).get(f"/api/v1/projects/{project.pk}").status_code == 404
    body = client_for(s.staff).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="investment-form"' in body
    assert "data-step=" not in body
    response = client_for(s.staff).post(f"/projects/{project.pk}/step/", {"action": "advance"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "construction"


def test_a_stage_step_needs_the_version_it_was_read_at(s: Scene, fixed_today: dt.date) -> None:
    """Two managers press 'advance' on the same page: the second is refused (409 on the API, a
    message on the page), not a second step; a post without the version is refused too."""
    (project,) = make(s, 1)
    read = project.version
    page = client_for(s.leader)
    assert page.post(f"/projects/{project.pk}/step/", {"action": "advance", "version": read}).status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.version) == ("completed", read + 1)
    response = client_for(s.leader).post(
        f"/api/v1/projects/{project.pk}/steps", {"action": "advance", "version": read}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "stale")
    page.post(f"/projects/{project.pk}/step/", {"action": "advance"})
    messages = [str(m) for m in page.get(f"/projects/{project.pk}/").context["messages"]]
    assert any("版本" in m for m in messages), messages
    project.refresh_from_db()
    assert project.stage == "completed"


def test_phone_investment_entry_with_a_bad_amount_is_refused_in_chinese(s: Scene, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    c = client_for(s.staff)
    response = c.post(
        f"/projects/{project.pk}/investment/",
        {"month": "2026-04", "period": "0", "amount": "-5", "from": "phone"},
        follow=True,
    )
    assert "0" in response.content.decode() and Investment.objects.count() == 0
    response = c.post(
        f"/projects/{project.pk}/investment/", {"month": "2026-04", "period": "0", "amount": "120.5", "from": "phone"}
    )
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/phone/"
    project.refresh_from_db()
    assert project.completed_year == Decimal("120.50")


def test_home_shows_linked_projects_to_linked_leaders_only(s: Scene, fixed_today: dt.date) -> None:
    make(s, 2)
    assert "我挂钩的重点项目" in client_for(s.leader).get("/").content.decode()
    assert "我挂钩的重点项目" not in client_for(s.staff).get("/").content.decode()


def test_api_create_validates_and_lists(s: Scene, fixed_today: dt.date) -> None:
    c = client_for(s.leader)
    payload = {
        "name": "API项目",
        "unit_id": s.tree["dept"].pk,
        "total_investment": "500",
        "plan_year": 2026,
        "annual_plan": "600",
        "levels": ["county"],
    }
    response = c.post("/api/v1/projects", payload, content_type="application/json")
    assert response.status_code == 400
    assert "annual_plan" in response.json()["details"]
    payload["annual_plan"] = "200"
    response = c.post("/api/v1/projects", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    response = c.post(
        f"/api/v1/projects/{pid}/investments", {"month": "2026-03", "amount": "70"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["completed_year"] == "70.00"
    listed = c.get("/api/v1/projects?level=county").json()
    assert [r["id"] for r in listed["results"]] == [pid]
    assert c.get("/api/v1/projects?status=behind").json()["count"] == 0


def test_date_inputs_carry_iso_dates(s: Scene, fixed_today: dt.date) -> None:
    """A date input only takes YYYY-MM-DD; the zh-Hans format (2026/04/16) would leave it empty."""
    (project,) = make(s, 1)
    body = client_for(s.staff).get(f"/projects/{project.pk}/phone/").content.decode()
    assert 'type="date" name="date" value="2026-04-16"' in body


def test_api_lists_match_their_schemas(s: Scene, fixed_today: dt.date) -> None:
    from luoshi.projects.api import ProjectListItem, ProjectPortfolioOut

    make(s, 2)
    c = client_for(s.leader)
    for row in c.get("/api/v1/projects").json()["results"]:
        ProjectListItem.model_validate(row)
    folio = ProjectPortfolioOut.model_validate(c.get("/api/v1/projects/portfolio").json())
    assert len(folio.projects) == 2


# --- The outline (polygon) in the form, and the change history on the project page ------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("120.1, 28.0\n120.2, 28.0\n120.2 28.1", [[120.1, 28.0], [120.2, 28.0], [120.2, 28.1], [120.1, 28.0]]),
        ("120.1,28.0;120.2，28.0;[120.2, 28.1],", [[120.1, 28.0], [120.2, 28.0], [120.2, 28.1], [120.1, 28.0]]),
        (
            "120.1, 28.0\n120.2, 28.0\n120.2, 28.1\n120.1, 28.0",
            [[120.1, 28.0], [120.2, 28.0], [120.2, 28.1], [120.1, 28.0]],
        ),
    ],
)
def test_outline_text_becomes_a_closed_geojson_ring(text: str, expected: Any) -> None:
    from luoshi.projects.forms import OutlineField

    value = OutlineField(required=False).clean(text)
    assert value == (None if expected is None else {"type": "Polygon", "coordinates": [expected]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("120.1, 28.0\n东门口\n120.2, 28.1", "第 2 个点"),
        ("28.0, 120.1\n28.0, 120.2\n28.1, 120.2", "超出范围"),
        ("120.1, 28.0\n120.1, 28.0\n120.2, 28.1", "至少需要三个"),
        ("120.1, 28.0, 5\n120.2, 28.0\n120.2, 28.1", "第 1 个点"),
        ("nan, 28\n120.2, 28.0\n120.2, 28.1", "超出范围"),
        ("{not json", "GeoJSON"),
    ],
)
def test_a_bad_outline_is_refused_naming_the_point(text: str, message: str) -> None:
    from django import forms
    from django.utils import translation

    from luoshi.projects.forms import OutlineField

    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as caught:
        OutlineField(required=False).clean(text)
    assert message in " ".join(str(m) for m in caught.value.messages)


def test_the_form_saves_the_drawn_outline_and_the_page_shows_the_history(s: Scene, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    c = client_for(s.leader)
    page = c.get(f"/projects/{project.pk}/edit/").content.decode()
    assert 'data-outline="1"' in page and 'data-testid="outline-map"' in page
    data = {
        "name": "东星片区安置房", "kind": "industry", "unit": s.tree["dept"].pk, "total_investment": "1000",
        "plan_year": "2026", "annual_plan": "500", "leaders": [s.leader_person.pk], "version": project.version,
        "polygon": "120.1, 28.0\n120.2, 28.0\n120.2, 28.1",
    }  # fmt: skip
    response = c.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.polygon == {
        "type": "Polygon",
        "coordinates": [[[120.1, 28.0], [120.2, 28.0], [120.2, 28.1], [120.1, 28.0]]],
    }
    # The edit form shows it back as text, and saving without touching it keeps it.
    page = c.get(f"/projects/{project.pk}/edit/").content.decode()
    assert "120.2, 28.1" in page
    bad = c.post(f"/projects/{project.pk}/edit/", {**data, "version": project.version, "polygon": "120.1 28\n东门"})
    assert bad.status_code == 200 and "第 2 个点" in bad.content.decode()
    body = c.get(f"/projects/{project.pk}/").content.decode()
    history = body[body.index('data-testid="project-history"') :]
    assert "东星片区安置房" in history and "项目0" in history  # the renaming, before → after


def test_an_edit_without_its_version_is_refused_not_saved(s: Scene, fixed_today: dt.date) -> None:
    """Issue 15, finding 7: the edit form must send back the version it read (core.versioning.required)."""
    (project,) = make(s, 1)
    c = client_for(s.leader)
    data = {
        "name": "没有版本号", "kind": "industry", "unit": s.tree["dept"].pk, "total_investment": "1000",
        "plan_year": "2026", "annual_plan": "500", "leaders": [s.leader_person.pk],
    }  # fmt: skip
    response = c.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 200
    assert "表单没有说明您修改的是记录的哪个版本" in response.content.decode()
    project.refresh_from_db()
    assert project.name != "没有版本号"


def test_the_map_lists_its_projects_beside_it_with_stage_status_and_place(s: Scene, fixed_today: dt.date) -> None:
    """The project map is never the only way to its projects: the same projects (those with a map
    point) are listed beside it with stage, status word and place, in a fixed number of queries."""
    make(s, 2, lat="28.012345", lng="120.654321")
    make(s, 1)  # no map point: not on the map, not in its list
    c = client_for(s.leader)
    small, _ = queries(c, "/projects/map/")
    make(s, 9, lat="28.1", lng="120.7")
    large, response = queries(c, "/projects/map/")
    assert large == small
    body = response.content.decode()
    table = body[body.index('data-testid="mapped-projects"') : body.index("</table>", body.index("mapped-projects"))]
    assert table.count("<tr data-project=") == 11
    assert "项目0" in table and "项目2" not in table  # 项目2 has no map point
    assert "在建" in table  # the stage
    assert "北纬 28.0123°，东经 120.6543°" in table and s.tree["dept"].name in table  # the place
    # The map's accessible name points at the list, and a link skips the map to it.
    assert 'aria-describedby="map-legend mapped-projects-heading"' in body
    assert 'href="#mapped-projects"' in body and 'id="mapped-projects"' in body
    # The filters' tally counts the projects of the list, mapped or not.
    assert "共 12 个项目" in body


@pytest.mark.parametrize("url", ["/projects/", "/projects/board/", "/projects/map/"])
def test_the_linked_to_me_box_is_styled_as_a_filter_check_box(s: Scene, fixed_today: dt.date, url: str) -> None:
    # The filters' stylesheet (app.css) lays out `.filters .check`; a label of another class left the
    # box alone in a grid cell, far from its words.
    body = client_for(s.leader).get(url).content.decode()
    assert '<label class="check"><input type="checkbox" name="mine" value="1"> 只看我挂钩的</label>' in body


def test_a_red_card_names_the_problems_past_their_time_limit(s: Scene, fixed_today: dt.date) -> None:
    # Money ahead of the line, yet red: an open problem was due Friday 2026-04-17 and the daily
    # refresh runs on Monday 2026-04-20.
    (project,) = make(s, 1)
    Investment.objects.create(project=project, month=dt.date(2026, 3, 1), amount=Decimal("400"))
    services.problem_add(
        actor=s.leader, project=project, kind="funding", title="补助资金未到位", unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 17),
    )  # fmt: skip
    services.recompute(project, today=dt.date(2026, 4, 20))
    project.refresh_from_db()
    assert (project.schedule, project.light, project.late_problems) == ("ahead", "red", 1)
    c = client_for(s.leader)
    board = c.get("/projects/board/").content.decode()
    assert "待协调事项 1 · <strong>逾期 1</strong>" in board
    assert "逾期协调事项 1" in c.get("/projects/mine/").content.decode()
