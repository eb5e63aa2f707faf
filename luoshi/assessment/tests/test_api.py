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


def test_evidence_files_on_manual_scores_and_appeals_through_the_api(client: Any, w: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.assessment import services
    from luoshi.assessment.models import Evidence
    from luoshi.assessment.workflow import Action

    def pdf(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.4 x\n%%EOF", content_type="application/pdf")

    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    a = w["a"].pk
    url = f"{API}/runs/{run.pk}/results/{a}"
    client.force_login(w["organiser"])
    evidence = f"{url}/manual-scores/{w['manual'].pk}/evidence"
    assert client.post(evidence, {"files": [pdf("走访记录.pdf")]}).status_code == 404  # no score yet
    assert send(client, f"{url}/manual-scores", {"item_id": w["manual"].pk, "points": "7", "reason": "走访评定"}
                ).status_code == 200  # fmt: skip
    response = client.post(evidence, {"files": [pdf("走访记录.pdf"), pdf("民意调查.pdf")]})
    assert response.status_code == 201, response.json()
    assert [e["name"] for e in response.json()] == ["走访记录.pdf", "民意调查.pdf"]
    response = client.post(evidence, {"files": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00")]})
    assert response.status_code == 400 and response.json()["message"]
    response = client.post(evidence, {"files": [pdf(f"{i}.pdf") for i in range(4)]})  # 2 + 4 > 5
    assert response.status_code == 400 and Evidence.objects.count() == 2
    item = next(i for i in client.get(url).json()["items"] if i["item_id"] == w["manual"].pk)
    assert (item["reason"], [e["name"] for e in item["evidence"]]) == ("走访评定", ["走访记录.pdf", "民意调查.pdf"])
    assert client.get(item["evidence"][0]["url"]).status_code == 200
    client.force_login(w["b_sup"])  # a supervisor of another township: not an organiser of this run
    assert client.post(evidence, {"files": [pdf("x.pdf")]}).status_code == 404

    services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["b"].pk, points="7",
                                reason="走访评定")  # fmt: skip
    run = services.run_transition(actor=w["organiser"], run=run, action=Action.FREEZE)
    services.run_transition(actor=w["organiser"], run=run, action=Action.PUBLISH)
    client.force_login(w["a_leader"])
    appeal = send(client, f"{url}/appeals", {"item_id": w["manual"].pk, "reason": "评议偏低，请复核"}).json()
    response = client.post(f"{API}/appeals/{appeal['id']}/evidence", {"files": [pdf("回访记录.pdf")]})
    assert response.status_code == 201
    listed = client.get(f"{API}/runs/{run.pk}/appeals").json()
    assert [e["name"] for e in listed[0]["evidence"]] == ["回访记录.pdf"]
    client.force_login(w["organiser"])
    send(client, f"{API}/appeals/{appeal['id']}/decision", {"action": "reject", "reply": "不予采纳"})
    client.force_login(w["a_leader"])
    response = client.post(f"{API}/appeals/{appeal['id']}/evidence", {"files": [pdf("补充.pdf")]})
    assert response.status_code == 409  # decided: no more evidence
