"""The project edit page refuses as the API does (issue 14, finding 3): those who see a project
but may not edit it get the 403 page (无权操作: 您无权执行此操作), not a quiet redirect; who may not see it, 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from luoshi.projects.models import Project
from luoshi.projects.tests.factories import Scene
from luoshi.projects.tests.test_views import make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("leader", 200),
        ("supervisor", 200),
        ("staff", 403),  # sees the project (its unit's), manages none
        ("viewer", 403),  # the district viewer reads everything, edits nothing
        ("outsider", 404),  # 乙街道's supervisor does not see 甲's project
    ],
)
def test_the_edit_page_answers_as_the_api(s: Scene, fixed_today: dt.date, who: str, page: int) -> None:
    (project,) = make(s, 1)
    c = Client()
    c.force_login(getattr(s, who))
    response = c.get(f"/projects/{project.pk}/edit/")
    assert response.status_code == page
    if page == 403:
        assert "您无权执行此操作" in response.content.decode()  # the 403 page, as for every refused page
        posted = c.post(f"/projects/{project.pk}/edit/", {"name": "改名", "version": project.version})
        assert posted.status_code == 403
        assert Project.objects.get(pk=project.pk).name == project.name
    # The API answers the same for the same person.
    body = {
        "name": project.name, "unit_id": project.unit_id, "total_investment": "1000", "plan_year": 2026,
        "annual_plan": "500", "version": Project.objects.get(pk=project.pk).version,
    }  # fmt: skip
    api = c.put(f"/api/v1/projects/{project.pk}", body, content_type="application/json")
    assert api.status_code == page, api.content.decode()[:500]
