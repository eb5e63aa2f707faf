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
