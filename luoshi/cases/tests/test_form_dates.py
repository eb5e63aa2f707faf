"""The key-person visit form is dated today in the browser's date box (an ISO value, issue 14)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.cases import services

pytestmark = pytest.mark.django_db


def test_a_visit_is_dated_today(client, w):
    kp = services.keyperson_create(
        actor=w.community, name="孙某", unit=w.community_unit, classification="petitioner", risk_level="medium"
    )
    client.force_login(w.community)
    html = client.get(reverse("cases:keyperson", args=[kp.pk])).content.decode()
    tags = re.findall(r'<input[^>]*type="date"[^>]*name="visited_on"[^>]*>', html)
    assert len(tags) == 1
    assert f'value="{timezone.localdate().isoformat()}"' in tags[0]


def test_a_refused_visit_keeps_what_was_written_under_the_person(client, w):
    kp = services.keyperson_create(
        actor=w.community, name="孙某", unit=w.community_unit, classification="petitioner", risk_level="medium"
    )
    client.force_login(w.community)
    posted = {"visited_on": "2026-02-30", "method": "visit", "content": "当面了解诉求，情绪平稳", "risk_level": "low"}
    response = client.post(reverse("cases:keyperson_visit", args=[kp.pk]), posted)
    assert response["Location"] == reverse("cases:keyperson", args=[kp.pk]) + "#visit"
    html = client.get(response["Location"]).content.decode()
    assert "当面了解诉求，情绪平稳" in html
    date_box = re.search(r'<div class="field[^"]*" data-field="visited_on">.*?</div>', html, re.S)
    assert date_box
    assert 'value="2026-02-30"' in date_box.group(0)
    assert "errorlist" in date_box.group(0)
    assert '<details id="visit" open>' in html
    kp.refresh_from_db()
    assert kp.risk_level == "medium"  # nothing saved
