"""A refused entry on the project pages comes back as typed, each error under its box (issue 14, finding 7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from luoshi.projects.models import Investment
from luoshi.projects.tests.test_views import client_for, make

pytestmark = pytest.mark.django_db


def _field_block(html: str, name: str, box_id: str = "") -> str:
    """The box named ``name`` (with id ``box_id`` when given) and what follows it in its field."""
    pattern = rf'<(?:input|textarea|select)[^>]*name="{name}"' + (rf'[^>]*id="{box_id}"' if box_id else "")
    box = re.search(pattern, html)
    assert box, f"no box {name}"
    following = html[box.start() : box.start() + 1200]
    return following.split("</div>")[0]


def test_a_refused_investment_entry_keeps_the_figures_on_the_phone_page(s, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    c = client_for(s.staff)
    response = c.post(
        f"/projects/{project.pk}/investment/",
        {"month": "2026-04", "period": "2", "amount": "-5", "note": "中旬报数", "from": "phone"},
    )
    assert response["Location"] == f"/projects/{project.pk}/phone/"
    assert Investment.objects.count() == 0
    html = c.get(response["Location"]).content.decode()
    amount = _field_block(html, "amount")
    assert 'value="-5"' in amount
    assert 'class="errorlist"' in amount  # under the box, not at the top of the page
    assert 'value="中旬报数"' in html
    assert 'value="2026-04"' in html
    assert re.search(r'<option value="2" selected>', html)


def test_a_refused_milestone_keeps_its_title_on_the_project_page(s, fixed_today: dt.date) -> None:
    (project,) = make(s, 1)
    c = client_for(s.leader)
    c.post(f"/projects/{project.pk}/milestones/", {"title": "主体结构封顶", "due_date": ""})
    html = c.get(f"/projects/{project.pk}/").content.decode()
    assert 'value="主体结构封顶"' in html
    assert "errorlist" in _field_block(html, "due_date", "id_ms_due_date")


def test_a_refused_enterprise_request_keeps_its_description_and_contact(s, fixed_today: dt.date) -> None:
    from luoshi.projects.tests.test_leads_enterprises import enterprise

    firm = enterprise(s)
    c = client_for(s.leader)
    posted = {"title": "", "description": "厂区门口道路破损，货车进出困难", "contact_name": "王经理"}
    response = c.post(f"/projects/enterprises/{firm.pk}/requests/", posted)
    assert response["Location"] == f"/projects/enterprises/{firm.pk}/"
    html = c.get(response["Location"]).content.decode()
    assert "厂区门口道路破损，货车进出困难" in html
    assert 'value="王经理"' in html
    assert "errorlist" in _field_block(html, "title")
