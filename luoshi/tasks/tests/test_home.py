"""The overseer's strip and chart from the tasks app (docs/homes.md)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from luoshi.tasks import home
from luoshi.tasks.models import Status
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def lights(s):
    dept, community = s.tree["dept"], s.tree["community"]
    open_ = {"status": Status.IN_PROGRESS}
    TaskFactory(lead_unit=dept, light="red", missed_reports=2, **open_)
    TaskFactory(lead_unit=dept, light="red", **open_)
    TaskFactory(lead_unit=dept, light="yellow", **open_)
    TaskFactory(lead_unit=community, light="yellow", missed_reports=1, **open_)
    TaskFactory(lead_unit=community, light="green", **open_)
    TaskFactory(lead_unit=dept, light="red", status=Status.DONE)  # closed: not counted
    TaskFactory(lead_unit=s.tree["b_community"], light="red", **open_)  # another subdistrict's
    return s


def test_the_strip_counts_open_tasks_in_scope_and_links_to_them(lights):
    counts = home.oversight_counts(_request(lights.leader), lights.leader)
    assert [(c.key, c.value, c.url) for c in counts] == [
        ("tasks_red", 2, "/tasks/overview/?status=open&light=red"),
        ("tasks_yellow", 2, "/tasks/overview/?status=open&light=yellow"),
        ("tasks_missed", 2, "/tasks/overview/?status=open&missed=1"),
    ]


def test_the_missed_figure_opens_the_same_tasks(client, lights):
    client.force_login(lights.leader)
    page = client.get("/tasks/overview/?status=open&missed=1").content.decode()
    assert page.count("<tr data-task=") == 2


def test_doers_have_no_strip_and_no_chart(lights):
    assert home.oversight_counts(_request(lights.staff), lights.staff) == []
    assert home.lights_by_unit_chart(_request(lights.staff), lights.staff) is None


def test_the_chart_names_lead_units_with_their_township_most_red_first(lights):
    chart = home.lights_by_unit_chart(_request(lights.leader), lights.leader)
    assert chart is not None
    assert chart.rows == [["甲街道·甲党政办", "2", "1", "0"], ["甲街道·甲一社区", "0", "1", "1"]]
    assert chart.option["yAxis"]["data"] == ["甲街道·甲党政办", "甲街道·甲一社区"]
    assert [s["data"] for s in chart.option["series"]] == [[2, 0], [1, 1], [0, 1]]
