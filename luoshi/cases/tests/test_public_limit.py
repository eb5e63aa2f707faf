"""The public form's limit counts accepted reports; a refusal keeps what the resident typed and
names the township's hotline (issue 14, finding 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.cases.hotline import hotline_for
from luoshi.cases.models import Case
from luoshi.cases.tests.factories import category

pytestmark = pytest.mark.django_db


def report(w, text):
    return {"category": category("01001").pk, "unit": w.community_unit.pk, "description": text,
            "reporter_phone": "13900001234"}  # fmt: skip


def test_failed_validation_does_not_use_up_the_allowance(client, w, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (2, 600)
    for _ in range(5):  # five refused attempts (no phone number): each answered with the form, not 429
        bad = client.post(reverse("cases:public_new"), {**report(w, "楼道灯坏了"), "reporter_phone": ""})
        assert bad.status_code == 200
        assert "reporter_phone" in bad.context["form"].errors
    assert client.post(reverse("cases:public_new"), report(w, "第一件")).status_code == 302
    assert client.post(reverse("cases:public_new"), report(w, "第二件")).status_code == 302
    assert Case.objects.filter(description__in=["第一件", "第二件"]).count() == 2


def test_the_refusal_keeps_the_text_and_names_the_townships_hotline(client, w, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (1, 600)
    settings.LUOSHI_PUBLIC_HOTLINES = {w.a.code: "0599-6301234"}
    assert client.post(reverse("cases:public_new"), report(w, "第一件")).status_code == 302
    refused = client.post(reverse("cases:public_new"), {**report(w, "小区门口积水严重"), "address": "东星路 8 号"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "小区门口积水严重" in html  # the description as typed
    assert 'value="东星路 8 号"' in html
    assert 'value="13900001234"' in html
    assert f"或拨打{w.a.name}热线 0599-6301234" in html
    assert "请 10 分钟后再试" in html
    assert not Case.objects.filter(description="小区门口积水严重").exists()


def test_a_flood_of_bad_posts_is_stopped(client, w, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (1, 600)
    codes = [client.post(reverse("cases:public_new"), {"description": "x"}).status_code for _ in range(7)]
    assert codes == [200, 200, 200, 200, 200, 200, 429]  # six attempts per accepted report


@pytest.mark.parametrize(
    ("configured", "where", "number", "township"),
    [
        ({"T1": "0599-1111111"}, "community", "0599-1111111", "township"),
        ({"T1": "0599-1111111"}, "township", "0599-1111111", "township"),
        ({"T1": "0599-1111111"}, None, "12345", ""),
        ({}, "community", "12345", ""),
        ({"OTHER": "0599-2222222"}, "community", "12345", ""),
    ],
)
def test_hotline_for(w, settings, configured, where, number, township):
    w.a.code = "T1"
    w.a.save(update_fields=["code"])
    settings.LUOSHI_PUBLIC_HOTLINES = configured
    settings.LUOSHI_PUBLIC_HOTLINE = "12345"
    unit = {"community": w.community_unit, "township": w.a, None: None}[where]
    found = hotline_for(unit)
    assert found.number == number
    assert found.township == (w.a.name if township else "")
