"""Each demo role's home: what it opens with, written out per role (docs/homes.md).

Those who oversee (leader, responsible leader, supervisor, district viewer, administrator)
open on the strip of figures; everyone then sees their day's work; positions and roles come
last. The organisation demo alone (no tasks, cases or figures yet) keeps the table short:
the chart and the district's ranking appear only with records, tested where they are made.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from luoshi.accounts.models import User
from luoshi.core import registry

pytestmark = pytest.mark.django_db

STRIP = ["tasks_red", "tasks_yellow", "cases_overdue", "tasks_missed", "indicators_lagging"]

#: role → (the strip's figures, the sections in their order)
HOMES: dict[str, tuple[list[str], list[str]]] = {
    "admin": (
        STRIP, ["notifications", "cockpit", "task_review", "cases", "indicators_behind", "org_quality", "my_positions"],
    ),
    "leader": (STRIP, ["notifications", "cockpit", "task_review", "cases", "indicators_behind", "my_positions"]),
    "resp_leader": (STRIP, ["notifications", "cockpit", "cases", "indicators_behind", "my_positions"]),
    "supervisor": (STRIP, ["notifications", "cockpit", "task_review", "cases", "indicators_behind", "my_positions"]),
    "staff": ([], ["notifications", "my_tasks", "cases", "my_positions"]),
    "community": ([], ["notifications", "my_tasks", "cases", "daily", "my_positions"]),
    "grid": ([], ["notifications", "cases", "patrols", "my_positions"]),
    "district": (STRIP, ["notifications", "cockpit", "indicators_behind", "my_positions"]),
    "tongtai": (STRIP, ["notifications", "cockpit", "task_review", "cases", "indicators_behind", "my_positions"]),
}  # fmt: skip


@pytest.mark.parametrize("role", list(HOMES))
def test_what_each_role_finds_on_its_home(demo_org, role):
    user = User.objects.get(username=role)
    request = RequestFactory().get("/")
    request.user = user
    strip, sections = HOMES[role]
    assert [c.key for c in registry.home_counts(request, user)] == strip
    assert [s.key for s in registry.home_sections(request, user)] == sections


def test_the_district_viewer_lands_on_an_overview_not_an_empty_my_tasks(demo_org, client):
    client.force_login(User.objects.get(username="district"))
    html = client.get("/").content.decode()
    assert 'data-testid="home-strip"' in html
    assert 'data-section="my_tasks"' not in html
    assert 'data-count="cases_overdue"' in html
    assert 'href="/cases/?box=overdue"' in html


def test_the_strip_comes_first_and_positions_last(demo_org, client):
    client.force_login(User.objects.get(username="leader"))
    html = client.get("/").content.decode()
    strip, todo, positions = (
        html.index('data-testid="home-strip"'),
        html.index('data-section="task_review"'),
        html.index('data-section="my_positions"'),
    )
    assert strip < todo < positions
    for url in ("/tasks/overview/?status=open&amp;light=red", "/tasks/overview/?status=open&amp;missed=1"):
        assert f'href="{url}"' in html


def test_a_grid_worker_home_has_no_strip(demo_org, client):
    client.force_login(User.objects.get(username="grid"))
    html = client.get("/").content.decode()
    assert 'data-testid="home-strip"' not in html
    # the phone bar is the grid's: no "Today" in it, the five entries instead
    bar = html[html.index('class="bottom-nav"') :]
    assert 'data-nav="case_report"' in bar and 'data-nav="case_visits"' in bar
