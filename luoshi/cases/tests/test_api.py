"""The internal cases API: scope (404), permission (403), state and version (409), query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.cases.tests.factories import report, to_state

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


def client_for(client, user):
    client.force_login(user)
    return client


def test_intake_through_the_api(client, w):
    c = client_for(client, w.grid)
    body = {
        "category": "01001",
        "unit_id": w.grid_unit.pk,
        "title": "东门垃圾",
        "description": "垃圾桶满溢",
        "channel": "grid",
        "kind": "event",
        "lat": 27.99,
        "lng": 120.69,
        "reporter_phone": "13900000000",
    }
    response = c.post(BASE, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["tracking_no"].endswith("-TA-00001")
    assert data["status"] == "reported"
    assert data["light"] == "green"
    assert data["days_left"] is not None


def test_intake_errors_are_clear(client, w):
    c = client_for(client, w.grid)
    bad_category = c.post(BASE, {"category": "nope", "unit_id": w.grid_unit.pk}, content_type="application/json")
    assert bad_category.status_code == 400
    assert bad_category.json()["code"] == "category_unknown"
    outside = c.post(BASE, {"category": "01001", "unit_id": w.units["b"].pk}, content_type="application/json")
    assert outside.status_code == 404
    empty = c.post(BASE, {"category": "01001", "unit_id": w.grid_unit.pk}, content_type="application/json")
    assert empty.status_code == 400
    assert empty.json()["message"]


def test_list_is_scoped_and_its_query_count_does_not_grow(client, w):
    for _ in range(3):
        to_state(w, "dispatched")
    report(w, actor=w.outsider, unit=w.units["b_community"])
    c = client_for(client, w.supervisor)
    with CaptureQueriesContext(connection) as few:
        response = c.get(BASE)
    assert response.json()["count"] == 3
    for _ in range(5):
        to_state(w, "handling")
    with CaptureQueriesContext(connection) as many:
        response = c.get(BASE)
    assert response.json()["count"] == 8
    assert len(many) == len(few)
    other = client_for(client, w.other_supervisor).get(BASE).json()
    assert other["count"] == 1


def test_boxes(client, w):
    to_state(w, "reported")
    to_state(w, "dispatched")
    to_state(w, "handled")
    sup = client_for(client, w.supervisor)
    assert sup.get(BASE, {"box": "accept"}).json()["count"] == 1
    assert sup.get(BASE, {"box": "verify"}).json()["count"] == 1
    staff = client_for(client, w.staff)
    assert staff.get(BASE, {"box": "handle"}).json()["count"] == 1
    counts = staff.get(f"{BASE}/counts").json()
    assert counts["handle"] == 1
    assert client.get(BASE, {"box": "bogus"}).status_code == 400


def test_detail_is_404_out_of_scope_and_shows_allowed_actions(client, w):
    case = report(w)
    assert client_for(client, w.outsider).get(f"{BASE}/{case.pk}").status_code == 404
    data = client_for(client, w.supervisor).get(f"{BASE}/{case.pk}").json()
    assert "accept" in data["allowed_actions"]
    assert data["reporter"]["phone"] == "13912345678"
    by_number = client.get(f"{BASE}/by-number/{case.tracking_no}")
    assert by_number.json()["id"] == case.pk


def test_transitions_403_409_and_stale_versions(client, w):
    case = report(w)
    url = f"{BASE}/{case.pk}/transitions"
    grid = client_for(client, w.grid)
    assert grid.post(url, {"action": "accept"}, content_type="application/json").status_code == 403
    sup = client_for(client, w.supervisor)
    accepted = sup.post(url, {"action": "accept", "version": case.version}, content_type="application/json")
    assert accepted.status_code == 200
    stale = sup.post(
        url,
        {"action": "dispatch", "version": case.version, "handling_unit_id": w.dept.pk},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    wrong_state = sup.post(url, {"action": "verify"}, content_type="application/json")
    assert wrong_state.status_code == 409
    assert wrong_state.json()["code"] == "wrong_state"
    dispatched = sup.post(
        url,
        {
            "action": "dispatch",
            "version": accepted.json()["version"],
            "handling_unit_id": w.dept.pk,
            "co_unit_ids": [w.dept2.pk],
        },
        content_type="application/json",
    )
    assert dispatched.status_code == 200
    assert dispatched.json()["handling_unit"]["id"] == w.dept.pk
    assert [u["id"] for u in dispatched.json()["co_units"]] == [w.dept2.pk]
    no_reason = client_for(client, w.staff).post(url, {"action": "return"}, content_type="application/json")
    assert no_reason.status_code == 400
    unknown = client.post(url, {"action": "explode"}, content_type="application/json")
    assert unknown.status_code == 422


def test_merge_and_mediation_through_the_api(client, w):
    original, dup = report(w), report(w)
    sup = client_for(client, w.supervisor)
    missing = sup.post(f"{BASE}/{dup.pk}/transitions", {"action": "merge"}, content_type="application/json")
    assert missing.status_code == 400
    merged = sup.post(
        f"{BASE}/{dup.pk}/transitions",
        {"action": "merge", "original": original.tracking_no},
        content_type="application/json",
    )
    assert merged.json()["duplicate_of"] == original.tracking_no
    dispute = to_state(w, "handling", code="07002")
    staff = client_for(client, w.staff)
    response = staff.post(
        f"{BASE}/{dispute.pk}/transitions",
        {
            "action": "mediate",
            "held_on": timezone.localdate().isoformat(),
            "mediators": "老王",
            "parties": "甲、乙",
            "outcome": "failed",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["mediation_result"] == "failed"


def test_similar_and_categories_and_stats(client, w):
    report(w, lat=28.0, lng=120.7)
    c = client_for(client, w.supervisor)
    near = c.get(f"{BASE}/similar", {"category": "01001", "lat": 28.0005, "lng": 120.7005}).json()
    assert len(near) == 1
    far = c.get(f"{BASE}/similar", {"category": "01001", "lat": 28.1, "lng": 120.7}).json()
    assert far == []
    tree = c.get(f"{BASE}/categories").json()
    assert any(m["code"] == "07" and any(s["code"] == "07002" for s in m["children"]) for m in tree)
    # Which sub-categories a grid worker may close on the spot (the catalogue's list, issue 14).
    spot = sorted(s["code"] for m in tree for s in m["children"] if s["on_the_spot"])
    assert spot == ["01001", "01003", "01006", "02001", "05001", "05002", "05003", "05005"]
    to_state(w, "rated")
    today = timezone.localdate()
    rows = c.get(f"{BASE}/stats", {"start": today - dt.timedelta(days=7), "end": today}).json()
    dept_row = next(r for r in rows if r["key"] == w.dept.pk)
    assert dept_row["closed"] == 1
    assert dept_row["satisfaction_rate"] == 1.0
    assert c.get(f"{BASE}/stats", {"start": today, "end": today - dt.timedelta(days=1)}).status_code == 400


def test_intake_through_the_api_takes_a_fixed_small_number_of_queries(client, w):
    c = client_for(client, w.grid)
    body = {"category": "01001", "unit_id": w.grid_unit.pk, "description": "垃圾", "channel": "grid"}
    c.post(BASE, body, content_type="application/json")  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = c.post(BASE, body, content_type="application/json")
    assert response.status_code == 201
    # session, user and scope (3); unit and category (2); sequence, case, timeline, audit (4); session save
    assert len(queries) <= 14, [q["sql"][:80] for q in queries]


def test_token_intake_is_one_check_and_the_four_writes(client, w):
    from luoshi.accounts.services import api_token_create

    _token, raw = api_token_create(user=w.grid, name="对接")
    body = {"category": "01001", "unit_id": w.grid_unit.pk, "description": "垃圾", "channel": "grid"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.post(BASE, body, content_type="application/json", **headers)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post(BASE, body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    writes = [q["sql"] for q in queries if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    # the token check; then the sequence, the case, its timeline entry and its audit entry (on
    # PostgreSQL these four are one statement with data-modifying CTEs)
    assert len(writes) == (2 if connection.vendor == "postgresql" else 5), writes
