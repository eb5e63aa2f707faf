"""Exports that residents cannot break: every cell of every xlsx export is safe (issue 15, finding 1)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from luoshi.cases.models import Case
from luoshi.cases.tests.factories import report
from luoshi.tasks.models import Task
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _cells(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [cell for row in book.worksheets[0].iter_rows() for cell in row]


def test_a_control_character_in_stored_text_no_longer_breaks_the_case_export(w):
    case = report(w, title="井盖")
    # Text stored before input was checked (or by an old import) may hold control characters.
    Case.objects.filter(pk=case.pk).update(title="井盖\x1b缺失", description="a\x07b")
    formula = report(w, title='=HYPERLINK("http://evil.example","点我")')
    client = Client()
    client.force_login(w.supervisor)
    cells = _cells(client.get("/cases/export.xlsx"))
    titles = {c.value: c for c in cells if isinstance(c.value, str)}
    assert "井盖缺失" in titles
    live = titles[formula.title]
    assert live.data_type == "s" and live.quotePrefix  # shown as typed, never run


def test_task_titles_that_look_like_formulas_are_exported_as_text(w):
    task = TaskFactory(lead_unit=w.dept, title="@SUM(1+1)")
    Task.objects.filter(pk=task.pk).update(title="+1+1\x07")
    client = Client()
    client.force_login(w.supervisor)
    cells = _cells(client.get("/tasks/export.xlsx"))
    cell = next(c for c in cells if c.value == "+1+1")
    assert cell.data_type == "s" and cell.quotePrefix
