"""API: scope (404), who may act (403), states (409), bounded input (422), the run's life through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.assessment.tests.factories import scheme_world
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role
from luoshi.tasks.models import Status
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"


def send(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def w(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    TaskFactory(lead_unit=tree["a"], deadline=dt.date(2026, 3, 20), status=Status.IN_PROGRESS)
    world = scheme_world(tree)
    return {
        **tree, **world,
        "viewer": user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="viewer"),
        "a_leader": user_with_role(Role.LEADER, tree["a"], username="a_leader"),
        "b_sup": user_with_role(Role.SUPERVISOR, tree["b"], username="b_sup"),
    }  # fmt: skip


def test_a_run_through_the_api_from_compute_to_an_upheld_appeal(client: Any, w: dict[str, Any]) -> None:
    client.force_login(w["organiser"])
    scheme_id, a, b = w["scheme"].pk, w["a"].pk, w["b"].pk
    body = client.get(f"{API}/schemes/{scheme_id}").json()
    assert [s["name"] for s in body["versions"][0]["sections"]] == ["重点工作", "扣分"]
    response = send(client, f"{API}/schemes/{scheme_id}/runs", {"period": "2026-03"})
    assert response.status_code == 201
    run = response.json()
    assert (run["state"], run["missing_manual_scores"], run["allowed_actions"]) == ("review", 2, ["recompute"])
    url = f"{API}/runs/{run['id']}"
    for subject in (a, b):
        response = send(client, f"{url}/results/{subject}/manual-scores",
                        {"item_id": w["manual"].pk, "points": "8", "reason": "走访评定"})  # fmt: skip
        assert response.status_code == 200, response.json()
    assert client.get(url).json()["allowed_actions"] == ["recompute", "freeze"]
    assert send(client, f"{url}/transitions", {"action": "publish"}).status_code == 409
    assert send(client, f"{url}/transitions", {"action": "freeze"}).json()["state"] == "frozen"
    assert send(client, f"{url}/transitions", {"action": "publish"}).json()["state"] == "published"
    table = client.get(f"{url}/results").json()
    assert [r["name"] for r in table["results"]] == ["乙街道", "甲街道"]
    records = client.get(f"{url}/results/{a}/items/{w['overdue'].pk}/records").json()
    assert records["snapshot"] is True and records["count"] == 1
    assert records["records"][0]["url"].startswith("/tasks/")

    client.force_login(w["a_leader"])
    breakdown = client.get(f"{url}/results/{a}").json()
    assert breakdown["allowed_actions"] == ["appeal"]
    assert client.get(f"{url}/results/{b}").status_code == 404
    response = send(client, f"{url}/results/{a}/appeals", {"item_id": w["manual"].pk, "reason": "评议偏低"})
    assert response.status_code == 201
    appeal = response.json()
    decision = {"action": "uphold", "reply": "x", "corrected_points": "10"}
    assert send(client, f"{API}/appeals/{appeal['id']}/decision", decision).status_code == 403
    client.force_login(w["organiser"])
    decided = send(client, f"{API}/appeals/{appeal['id']}/decision",
                   {"action": "uphold", "reply": "属实", "corrected_points": "10"}).json()  # fmt: skip
    assert (decided["state"], decided["revision"], decided["old_points"]) == ("upheld", 2, "8.00")
    assert client.get(url).json()["revision"] == 2


def test_scope_and_roles(client: Any, w: dict[str, Any]) -> None:
    client.force_login(w["b_sup"])
    assert client.get(f"{API}/schemes/{w['scheme'].pk}").status_code == 404
    assert send(client, f"{API}/schemes/{w['scheme'].pk}/runs", {"period": "2026-03"}).status_code == 404
    client.force_login(w["viewer"])
    assert client.get(f"{API}/schemes").json()[0]["name"] == "测试考核方案"
    assert send(client, f"{API}/schemes/{w['scheme'].pk}/runs", {"period": "2026-03"}).status_code == 403
    client.force_login(w["organiser"])
    run = send(client, f"{API}/schemes/{w['scheme'].pk}/runs", {"period": "2026-03"}).json()
    client.force_login(w["a_leader"])  # not published: a scored unit does not see the run yet
    assert client.get(f"{API}/runs/{run['id']}").status_code == 404
    client.force_login(w["viewer"])
    assert send(client, f"{API}/runs/{run['id']}/transitions", {"action": "freeze"}).status_code == 403


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("runs", {"period": "2026-13"}),
        ("runs", {"period": "x" * 20}),
        ("runs", {"period": "2026-Q1"}),
    ],
)
def test_bad_input_is_refused_with_a_message(
    client: Any, w: dict[str, Any], path: str, payload: dict[str, Any]
) -> None:
    client.force_login(w["organiser"])
    response = send(client, f"{API}/schemes/{w['scheme'].pk}/{path}", payload)
    assert response.status_code in (400, 422)
    assert response.json()["message"]


def test_bad_transition_and_score_input(client: Any, w: dict[str, Any]) -> None:
    client.force_login(w["organiser"])
    run = send(client, f"{API}/schemes/{w['scheme'].pk}/runs", {"period": "2026-03"}).json()
    url = f"{API}/runs/{run['id']}"
    assert send(client, f"{url}/transitions", {"action": "explode"}).status_code == 422
    response = send(client, f"{url}/results/{w['a'].pk}/manual-scores",
                    {"item_id": w["manual"].pk, "points": "11", "reason": "x"})  # fmt: skip
    assert response.status_code == 400
    response = send(client, f"{url}/results/{w['a'].pk}/manual-scores",
                    {"item_id": w["manual"].pk, "points": "5", "reason": ""})  # fmt: skip
    assert response.status_code in (400, 422)
    assert client.get(f"{url}/results?sort=sideways").status_code == 422
