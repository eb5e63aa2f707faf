"""Who records a visit (走访) to a key person: what the page offers is what the service accepts.

A responsible leader (包联领导) sees the registry and visits the people of their area, so they may
record a visit, though they do not edit the registry's entries (issue 14, finding 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.cases import services
from luoshi.cases.models import KeyPersonVisit
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "detail", "visit_offered", "edit_offered", "visit_answer"),
    [
        ("community", 200, True, True, 302),
        ("leader", 200, True, True, 302),
        ("resp_leader", 200, True, False, 302),
        ("supervisor", 200, True, True, 302),
        ("staff", 404, False, False, 404),  # a department's staff do not open the registry
        ("viewer", 404, False, False, 404),
    ],
)
def test_the_visit_form_is_offered_to_exactly_those_whose_visit_is_recorded(
    w, who, detail, visit_offered, edit_offered, visit_answer
):
    kp = services.keyperson_create(
        actor=w.community, name="钱某", unit=w.community_unit, classification="petitioner", risk_level="high"
    )
    if who == "resp_leader":
        user = user_with_role(Role.RESPONSIBLE_LEADER, w.a, username="resp", full_name="包联领导")
    else:
        user = getattr(w, who)
    c = Client()
    c.force_login(user)
    page = c.get(reverse("cases:keyperson", args=[kp.pk]))
    assert page.status_code == detail
    html = page.content.decode()
    assert ('data-testid="save-visit"' in html) is visit_offered
    assert (reverse("cases:keyperson_edit", args=[kp.pk]) in html) is edit_offered
    response = c.post(
        reverse("cases:keyperson_visit", args=[kp.pk]),
        {"visited_on": dt.date(2026, 12, 1).isoformat(), "method": "visit", "content": "上门走访，情绪稳定"},
    )
    assert response.status_code == visit_answer
    assert KeyPersonVisit.objects.filter(key_person=kp, visited_by=user).exists() is (visit_answer == 302)
