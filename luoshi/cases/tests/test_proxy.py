"""The public form's rate limit counts each client behind the proxy, not the proxy (finding 5 of issue 15)."""

from __future__ import annotations

from django.urls import reverse

from luoshi.cases.models import Case
from luoshi.cases.tests.factories import category


def _submit(client, w, text, forwarded):
    return client.post(
        reverse("cases:public_new"),
        {
            "category": category("01001").pk,
            "unit": w.community_unit.pk,
            "description": text,
            "reporter_phone": "13900001234",
        },
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_each_resident_has_their_own_allowance(client, w, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (2, 600)
    assert _submit(client, w, "甲一", "203.0.113.1").status_code == 302
    assert _submit(client, w, "甲二", "203.0.113.1").status_code == 302
    assert _submit(client, w, "甲三", "203.0.113.1").status_code == 429
    # Another resident comes through the same nginx (REMOTE_ADDR 127.0.0.1) and is not limited.
    assert _submit(client, w, "乙一", "203.0.113.2").status_code == 302
    saved = Case.objects.filter(description__in=["甲一", "甲二", "甲三", "乙一"]).values_list("description", flat=True)
    assert sorted(saved) == ["乙一", "甲一", "甲二"]


def test_a_resident_cannot_escape_the_limit_by_writing_the_header(client, w, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (2, 600)
    # nginx appends the real address after whatever the resident wrote.
    assert _submit(client, w, "丙一", "10.0.0.1, 203.0.113.3").status_code == 302
    assert _submit(client, w, "丙二", "10.0.0.2, 203.0.113.3").status_code == 302
    assert _submit(client, w, "丙三", "10.0.0.3, 203.0.113.3").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, w, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 0
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (1, 600)
    assert _submit(client, w, "丁一", "203.0.113.4").status_code == 302
    assert _submit(client, w, "丁二", "203.0.113.5").status_code == 429  # both came from 127.0.0.1
