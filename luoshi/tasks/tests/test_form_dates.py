"""Dates a form fills in for the user show in the browser's date box (ISO values, issue 14)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from luoshi.core.timeutil import today

pytestmark = pytest.mark.django_db


def date_values(html: str) -> dict[str, str]:
    """name → value of every ``<input type="date">`` (empty when it has no value)."""
    found = {}
    for tag in re.findall(r'<input[^>]*type="date"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        found[name.group(1) if name else ""] = value.group(1) if value else ""
    return found


def test_a_new_task_starts_today_in_the_date_box(client, s):
    client.force_login(s.supervisor)
    values = date_values(client.get(reverse("tasks:create")).content.decode())
    assert values == {"start_date": today().isoformat(), "deadline": ""}


def test_a_new_inspection_is_dated_today(client, s):
    client.force_login(s.supervisor)
    values = date_values(client.get(reverse("tasks:inspection_create")).content.decode())
    assert values == {"date": today().isoformat()}


def test_a_refused_task_form_keeps_the_dates_typed(client, s):
    client.force_login(s.supervisor)
    html = client.post(reverse("tasks:create"), {"title": "", "start_date": "2026-03-02", "deadline": "2026-02-30"})
    values = date_values(html.content.decode())
    assert values["start_date"] == "2026-03-02"
    assert values["deadline"] == "2026-02-30"
