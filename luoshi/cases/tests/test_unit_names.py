"""Lists and exports of cases name the units with their township (org.labels, docs/homes.md)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from luoshi.cases.tests.factories import report, to_state
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_the_case_list_and_its_export_name_the_township(client, w):
    case = to_state(w, "dispatched")
    assert case.handling_unit == w.dept
    report(w)
    client.force_login(w.supervisor)
    html = client.get("/cases/?box=all").content.decode()
    assert "甲街道·甲党政办" in html
    book = load_workbook(io.BytesIO(client.get("/cases/export.xlsx").content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    head = rows[0]
    handling = head.index("承办单位")
    assert sorted({r[handling] or "" for r in rows[1:]}) == ["", "甲街道·甲党政办"]


def test_the_task_export_names_the_lead_units_township(client, w):
    TaskFactory(lead_unit=w.dept, title="整治占道经营")
    client.force_login(w.supervisor)
    response = client.get("/tasks/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    lead = rows[0].index("牵头单位")
    assert [r[lead] for r in rows[1:] if r[0] and r[0].startswith("DB")] == ["甲街道·甲党政办"]


def test_the_case_page_names_every_unit_with_its_township(client, w):
    case = to_state(w, "dispatched")
    client.force_login(w.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="handling-unit">甲街道·甲党政办</dd>' in page
    facts = page.split('<dl class="kv"')[1].split("</dl>")[0]
    # The place (a grid under 甲一社区) and the command unit (the subdistrict itself, named alone).
    assert "甲街道·甲一社区第1网格" in facts
    assert "<dd>甲街道</dd>" in facts
