"""Regression: a key-person visit that changes the risk level answered 500.

The change was logged with the new level's lazy label, which JSON cannot store.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.cases import services
from luoshi.cases.models import KeyPerson
from luoshi.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_a_visit_that_lowers_the_risk_is_saved_and_logged_with_both_levels_in_words(client, w):
    kp = services.keyperson_create(
        actor=w.community, name="钱某", unit=w.community_unit, classification="petitioner", risk_level="high"
    )
    client.force_login(w.community)
    c = client
    response = c.post(
        reverse("cases:keyperson_visit", args=[kp.pk]),
        {"visited_on": dt.date(2026, 12, 1).isoformat(), "method": "visit", "content": "情绪稳定，诉求已化解",
         "risk_level": "low"},
    )  # fmt: skip
    assert response.status_code == 302
    assert KeyPerson.objects.get(pk=kp.pk).risk_level == "low"
    entry = ActivityLog.objects.get(verb="keyperson_visit", object_id=str(kp.pk))
    assert entry.changes == {"risk_level": {"before": "高", "after": "低"}}
