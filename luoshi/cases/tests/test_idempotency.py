"""Idempotent POSTs: the same Idempotency-Key (API) or form token (pages) never does the work twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.services import api_token_create
from luoshi.cases.models import Case
from luoshi.cases.tests.factories import category
from luoshi.core import idempotency
from luoshi.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _intake(w, **extra):
    return {"category": "01001", "unit_id": w.grid_unit.pk, "description": "路灯不亮", **extra}


@pytest.fixture
def api(client, w):
    _token, raw = api_token_create(user=w.supervisor, name="脚本")

    def post(body, key=None, token=raw):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return client.post("/api/v1/cases", body, content_type="application/json", **headers)

    return post


def test_the_same_key_twice_creates_one_case_and_answers_the_same(api, w):
    first = api(_intake(w), key="intake-0001")
    second = api(_intake(w), key="intake-0001")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Case.objects.filter(description="路灯不亮").count() == 1


def test_without_a_key_every_post_is_new(api, w):
    api(_intake(w))
    api(_intake(w))
    assert Case.objects.filter(description="路灯不亮").count() == 2


def test_a_key_reused_for_another_body_is_refused(api, w):
    assert api(_intake(w), key="k-1").status_code == 201
    response = api(_intake(w, description="另一件事"), key="k-1")
    assert response.status_code == 422
    assert response.json() == {"code": "idempotency_key_reused", "message": "此幂等键已用于另一个不同的请求。"}
    assert not Case.objects.filter(description="另一件事").exists()


def test_keys_belong_to_their_caller(api, w):
    _token, other = api_token_create(user=w.leader, name="另一个脚本")
    assert api(_intake(w), key="shared-name").status_code == 201
    response = api(_intake(w), key="shared-name", token=other)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Case.objects.filter(description="路灯不亮").count() == 2


def test_a_refused_request_keeps_nothing_so_the_corrected_one_goes_through(api, w):
    refused = api(_intake(w, category="99999"), key="fix-me")
    assert refused.status_code in {400, 404, 422}
    assert api(_intake(w), key="fix-me").status_code == 201


def test_a_key_longer_than_100_characters_is_refused(api, w):
    response = api(_intake(w), key="x" * 101)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_too_long"
    assert api(_intake(w), key="x" * 100).status_code == 201


def test_a_request_still_in_progress_is_not_run_twice(client, w):
    import json

    from django.test import RequestFactory

    _token, raw = api_token_create(user=w.supervisor, name="并发")
    body = _intake(w)
    # The first request has claimed the key and is still running (its answer is not stored yet).
    scope = idempotency.caller_scope(RequestFactory().post("/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    fingerprint = idempotency._digest("/api/v1/cases", json.dumps(body).encode())
    IdempotencyRecord.objects.create(scope=scope, key="busy", fingerprint=fingerprint)
    response = client.post(
        "/api/v1/cases",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY="busy",
    )
    assert response.status_code == 409
    assert response.json() == {"code": "idempotency_in_progress", "message": "相同的请求仍在处理中，请等待其结果。"}
    assert not Case.objects.filter(description="路灯不亮").exists()


def test_answers_are_kept_for_24_hours(api, w):
    assert api(_intake(w), key="day-old").status_code == 201
    IdempotencyRecord.objects.filter(key="day-old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotency.purge() == 1
    assert api(_intake(w), key="day-old").status_code == 201
    assert Case.objects.filter(description="路灯不亮").count() == 2


def test_a_double_submitted_public_form_files_one_case(client, w):
    page = client.get(reverse("cases:public_new"))
    token = page.content.decode().split('name="idempotency_key" value="')[1].split('"')[0]
    body = {
        "category": category("01001").pk,
        "unit": w.community_unit.pk,
        "description": "双击提交",
        "reporter_phone": "13900001234",
        "idempotency_key": token,
    }
    first = client.post(reverse("cases:public_new"), body)
    second = client.post(reverse("cases:public_new"), body)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Case.objects.filter(description="双击提交").count() == 1
    # The form shown again has a new token: a second, deliberate report goes through.
    again = client.get(reverse("cases:public_new")).content.decode()
    assert token not in again
