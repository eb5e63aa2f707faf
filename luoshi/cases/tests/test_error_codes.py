"""The status and ``code`` of real refusals, written out (docs/cases.md, "Error codes").

Each row asks the API (or the service, for what only pages send) for something it refuses and
pins what the client sees. The codes are spelt out here, not taken from ``CaseErrorCode``, so a
renamed code fails a test; issue 15's renames are among the rows (``transition_forbidden`` was
``forbidden_action``, ``no_extension_pending`` was ``no_extension``, ``unit_required`` was
``handler_required`` / ``units_required``, ``not_found`` was ``case_not_found``, ``invalid`` was
``invalid_text``).
"""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.cases import services
from luoshi.cases.tests.factories import World, to_state
from luoshi.core.errors import LuoshiError

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"
EXTENSION = {"action": "request_extension", "days": 2, "comment": "材料未到"}

# state | done first (who, body) | who | body ("SELF": the case's own tracking number) | status | code
TRANSITIONS: list[tuple[str, tuple[str, dict[str, Any]] | None, str, dict[str, Any], int, str]] = [
    ("handling", None, "outsider", {"action": "note", "comment": "看看"}, 404, "not_found"),
    ("handling", None, "grid", {"action": "reply", "comment": "已处理"}, 403, "transition_forbidden"),
    ("handling", None, "viewer", {"action": "note", "comment": "看看"}, 403, "transition_forbidden"),
    ("handling", None, "supervisor", {"action": "verify"}, 409, "wrong_state"),
    ("handling", None, "staff", {"action": "reply", "comment": "  "}, 400, "comment_required"),
    ("handling", None, "staff", {"action": "reply", "comment": "已清理", "version": 0}, 409, "stale"),
    ("handling", None, "supervisor", {"action": "decide_extension", "approve": True}, 409, "no_extension_pending"),
    ("handling", ("staff", EXTENSION), "staff", EXTENSION, 409, "extension_pending"),
    ("handling", None, "staff", {**EXTENSION, "days": 31}, 400, "bad_days"),
    ("handling", None, "supervisor", {"action": "add_co_unit", "co_unit_ids": []}, 400, "unit_required"),
    (
        "handling",
        None,
        "supervisor",
        {"action": "reassign", "handling_unit_id": 999_999, "comment": "换单位"},
        400,
        "unit_required",
    ),
    ("handling", None, "supervisor", {"action": "supervise", "level": "purple"}, 400, "bad_level"),
    (
        "handling",
        None,
        "supervisor",
        {"action": "mediate", "held_on": "2026-01-05", "mediators": "甲", "parties": "乙", "outcome": "agreed"},
        409,
        "not_dispute",
    ),
    ("reported", None, "supervisor", {"action": "merge", "original": "SELF"}, 400, "merge_self"),
    ("reported", None, "supervisor", {"action": "merge", "original": ""}, 400, "original_required"),
    ("reported", None, "supervisor", {"action": "merge", "original": "2026-XX-99999"}, 400, "original_unknown"),
    ("closed", None, "supervisor", {"action": "rate", "rating": "great"}, 400, "bad_rating"),
]


@pytest.mark.parametrize(("state", "first", "who", "body", "status", "code"), TRANSITIONS)
def test_workflow_refusals_through_the_api(client, w: World, state, first, who, body, status, code):
    case = to_state(w, state)
    url = f"{BASE}/{case.pk}/transitions"
    if first is not None:
        client.force_login(getattr(w, first[0]))
        assert client.post(url, first[1], content_type="application/json").status_code == 200
    if body.get("original") == "SELF":
        body = {**body, "original": case.tracking_no}
    client.force_login(getattr(w, who))
    response = client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert response.json()["message"]


INTAKE = {"category": "01001", "title": "东门垃圾", "description": "垃圾桶满溢", "channel": "grid", "kind": "event"}

# method | address | who | body (None: a GET; posts are at the grid) | status | code
REQUESTS: list[tuple[str, str, str, dict[str, Any] | None, int, str]] = [
    ("get", f"{BASE}/999999", "supervisor", None, 404, "not_found"),
    ("get", f"{BASE}?box=nowhere", "supervisor", None, 400, "invalid_box"),
    ("get", f"{BASE}/stats?start=2026-03-01&end=2026-02-01", "supervisor", None, 400, "invalid_period"),
    ("post", BASE, "viewer", INTAKE, 403, "read_only"),
    ("post", BASE, "grid", {**INTAKE, "category": "99999"}, 400, "category_unknown"),
    ("post", BASE, "grid", {**INTAKE, "category": "01"}, 400, "category_major"),
    ("post", BASE, "grid", {**INTAKE, "lat": 27.99}, 400, "bad_location"),
    ("post", BASE, "grid", {**INTAKE, "description": "", "title": ""}, 400, "required"),
]


@pytest.mark.parametrize(("method", "url", "who", "body", "status", "code"), REQUESTS)
def test_other_refusals_through_the_api(client, w: World, method, url, who, body, status, code):
    client.force_login(getattr(w, who))
    if body is None:
        response = client.get(url)
    else:
        body = {**body, "unit_id": w.grid_unit.pk}
        response = getattr(client, method)(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert response.json()["message"]


# What only pages send: the API's schema refuses these before the service sees them.
SERVICE: list[tuple[str, dict[str, Any], int, str]] = [
    ("staff", {"action": "reply", "comment": "长" * 10_001}, 400, "invalid"),
    ("staff", {"action": "fly", "comment": "起飞"}, 400, "unknown_action"),
    ("staff", {"action": "request_extension", "days": "two", "comment": "材料未到"}, 400, "invalid"),
]


@pytest.mark.parametrize(("who", "params", "status", "code"), SERVICE)
def test_refusals_of_the_service(w: World, who, params, status, code):
    case = to_state(w, "handling")
    with pytest.raises(LuoshiError) as refused:
        services.case_act(actor=getattr(w, who), case=case, **params)
    assert (refused.value.status, refused.value.code) == (status, code)
