"""A refused form on the task page comes back as typed, each error under its field (issue 14, finding 7)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from luoshi.tasks.models import Status
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def _accepted_task(client, s):
    task = make_task(s)
    client.force_login(s.staff)
    client.post(reverse("tasks:transition", args=[task.pk]), {"action": Action.ACCEPT, "version": fresh(task).version})
    assert fresh(task).status == Status.IN_PROGRESS
    return task


def _field(html: str, name: str) -> str:
    """The ``<div class="field …" data-field=name>`` block of the page."""
    match = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def test_a_refused_progress_report_keeps_the_text_and_says_what_is_wrong_under_the_field(client, s, fixed_today):
    task = _accepted_task(client, s)
    posted = {"percent": "150", "text": "已清理三条巷道，第四条在做", "reported_on": ""}
    response = client.post(reverse("tasks:progress", args=[task.pk]), posted)
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:detail", args=[task.pk]) + "#report"
    assert fresh(task).reported_progress == 0  # nothing saved
    html = client.get(response["Location"]).content.decode()
    percent = _field(html, "percent")
    assert 'value="150"' in percent
    assert "has-error" in percent
    assert "确保该值小于或等于100。" in percent
    text = _field(html, "text")
    assert "已清理三条巷道，第四条在做" in text
    assert "errorlist" not in text
    assert 'data-testid="form-errors"' in html
    # Shown once: the next visit has the usual empty form again.
    again = client.get(response["Location"]).content.decode()
    assert "已清理三条巷道，第四条在做" not in again
    assert 'data-testid="form-errors"' not in again


def test_a_missing_text_is_marked_under_its_field_and_the_percent_stays(client, s, fixed_today):
    task = _accepted_task(client, s)
    client.post(reverse("tasks:progress", args=[task.pk]), {"percent": "60", "text": ""})
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'value="60"' in _field(html, "percent")
    assert "此项为必填。" in _field(html, "text")


def test_a_refused_milestone_keeps_its_title(client, s, fixed_today):
    task = make_task(s)
    client.force_login(s.supervisor)
    posted = {"title": "完成清表", "due_date": "2026-13-01"}
    response = client.post(reverse("tasks:milestone_add", args=[task.pk]), posted)
    assert response["Location"].endswith("#milestones")
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'value="完成清表"' in _field(html, "title")
    due = _field(html, "due_date")
    assert 'value="2026-13-01"' in due
    assert "errorlist" in due
    assert not task.milestones.exists()


def test_a_category_without_a_name_keeps_its_code_and_weight(client, s):
    from luoshi.tasks import services

    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="三大攻坚行动")
    client.force_login(s.supervisor)
    posted = {"name": "", "code": "A-1", "weight": "15"}
    response = client.post(reverse("tasks:category_add", args=[goal.pk]), posted)
    assert response["Location"] == reverse("tasks:goal", args=[goal.pk]) + "#add-category"
    html = client.get(response["Location"]).content.decode()
    assert "此项为必填。" in _field(html, "name")
    assert 'value="A-1"' in _field(html, "code")
    assert 'value="15"' in _field(html, "weight")
    assert '<details class="panel" id="add-category" open>' in html
    assert not goal.categories.exists()
