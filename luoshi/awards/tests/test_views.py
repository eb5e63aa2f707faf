"""Award pages and exports, and the API: scoped, bounded, queries that do not grow with rows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from luoshi.awards import services
from luoshi.awards.models import AwardRound, RoundStatus
from luoshi.awards.workflow import Action
from luoshi.core.testing import saved_name

API = "/api/v1/awards"


def published(w: dict[str, Any], award: str = "star", period: str = "2026-Q3", unit: str = "c1") -> AwardRound:
    rnd = services.round_create(actor=w["supervisor"], award_type=w[award], unit=w["a"], period=period)
    n = services.nominate(actor=w["supervisor"], rnd=rnd, unit=w[unit], reason="事迹突出")
    services.add_member(actor=w["supervisor"], rnd=rnd, user=w["district"])
    services.transition(actor=w["supervisor"], rnd=rnd, action=Action.START_VOTE)
    services.vote(actor=w["district"], rnd=rnd, nomination=n)
    services.transition(actor=w["supervisor"], rnd=rnd, action=Action.DECIDE)
    services.cite(actor=w["supervisor"], nomination=n, citation="用心用情，群众点赞。")
    return services.transition(actor=w["supervisor"], rnd=rnd, action=Action.PUBLISH)


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_board_shows_the_published_stars_and_exports_them(client: Any, org: dict[str, Any]) -> None:
    w = org
    published(w)
    client.force_login(w["district"])
    page = client.get("/awards/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "惠民之星" in html and "甲一社区" in html and "用心用情，群众点赞。" in html
    published(w, "champion", "2026-08", "c3")  # a monthly title shows on its quarter's board
    html = client.get("/awards/?period=2026-Q3").content.decode()
    assert 'data-testid="champions"' in html and "甲三社区" in html
    response = client.get("/awards/board.xlsx?period=2026-Q3")
    assert saved_name(response) == "评先争优获奖名单-2026-Q3.xlsx"
    rows = sheet_rows(response.content)
    assert rows[1] == ("比情怀", "惠民之星", "甲街道", "2026-Q3", "甲一社区", "用心用情，群众点赞。")
    client.force_login(w["tongtai"])  # another township sees none of a's awards
    assert "甲一社区" not in client.get("/awards/").content.decode()
    assert client.get("/awards/?period=nonsense").status_code == 200


@pytest.mark.django_db
def test_round_page_offers_what_the_role_may_do(client: Any, org: dict[str, Any]) -> None:
    w = org
    rnd = services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-Q3")
    client.force_login(w["supervisor"])
    html = client.get(f"/awards/rounds/{rnd.pk}/").content.decode()
    assert 'data-testid="nominate-form"' in html and 'data-testid="do-start_vote"' in html
    assert 'data-testid="suggestions"' in html
    client.force_login(w["district"])
    html = client.get(f"/awards/rounds/{rnd.pk}/").content.decode()
    assert "nominate-form" not in html and "do-start_vote" not in html
    client.force_login(w["tongtai"])
    assert client.get(f"/awards/rounds/{rnd.pk}/").status_code == 404
    # A refused step comes back as a message, never a 500.
    client.force_login(w["supervisor"])
    response = client.post(f"/awards/rounds/{rnd.pk}/transition/", {"action": "start_vote"}, follow=True)
    assert response.status_code == 200
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.NOMINATING
    response = client.post(f"/awards/rounds/{rnd.pk}/nominate/", {"nominee": w["c2"].pk, "reason": "x" * 3000})
    assert response.status_code == 302 and not rnd.nominations.exists()
    response = client.post(f"/awards/rounds/{rnd.pk}/nominate/", {"nominee": w["c2"].pk, "reason": "服务好"})
    assert rnd.nominations.get().nominee_name == "甲二社区"
    response = client.get(f"/awards/rounds/{rnd.pk}.xlsx")
    assert saved_name(response) == "评选-惠民之星-2026-Q3.xlsx"
    rows = sheet_rows(response.content)
    assert rows[1][:2] == ("甲二社区", "甲街道")


@pytest.mark.django_db
def test_lists_page_build_publish_and_export(client: Any, org: dict[str, Any]) -> None:
    w = org
    client.force_login(w["supervisor"])
    response = client.post("/awards/lists/build/", {"unit": w["a"].pk, "period": "2026-11"})
    assert response.status_code == 302
    issue_url = response["Location"]
    html = client.get(issue_url).content.decode()
    assert "甲一社区" in html and 'data-testid="publish-list"' in html
    pk = int(issue_url.rstrip("/").rsplit("/", 1)[-1])
    client.force_login(w["district"])
    assert client.get(issue_url).status_code == 404  # a draft: organisers only
    client.force_login(w["supervisor"])
    client.post(f"/awards/lists/{pk}/action/", {"action": "publish"})
    client.force_login(w["district"])
    assert client.get("/awards/lists/")["Location"] == issue_url
    html = client.get(issue_url).content.decode()
    assert 'data-testid="red-list"' in html and "publish-list" not in html
    response = client.get(f"/awards/lists/{pk}.xlsx")
    assert saved_name(response) == "红黑榜-甲街道-2026-11.xlsx"
    rows = sheet_rows(response.content)
    assert [r[:3] for r in rows[1:]] == [("红榜", 1, "甲一社区"), ("红榜", 2, "甲三社区"), ("黑榜", 1, "甲二社区"),
                                         ("黑榜", 2, "甲二社区")]  # fmt: skip
    response = client.post("/awards/lists/build/", {"unit": w["a"].pk, "period": "not-a-period"}, follow=True)
    assert response.status_code == 200


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_pages_do_not_grow_with_rounds(client: Any, org: dict[str, Any]) -> None:
    w = org
    first = published(w)
    client.force_login(w["district"])
    urls = ["/awards/", "/awards/rounds/", f"/awards/rounds/{first.pk}/", "/api/v1/awards/rounds"]
    for url in urls:
        client.get(url)  # warm the caches
    before = [_count(client, url) for url in urls]
    published(w, "star", "2026-Q2", "c2")
    published(w, "star", "2026-Q1", "c3")
    assert [_count(client, url) for url in urls] == before


@pytest.mark.django_db
def test_api_rounds_lists_and_votes(client: Any, org: dict[str, Any]) -> None:
    w = org
    rnd = published(w)
    client.force_login(w["district"])
    body = client.get(f"{API}/rounds").json()
    assert body["count"] == 1 and body["results"][0]["period"] == "2026-Q3"
    detail = client.get(f"{API}/rounds/{rnd.pk}").json()
    assert [(n["nominee_name"], n["votes"], n["is_winner"]) for n in detail["nominations"]] == [("甲一社区", 1, True)]
    assert detail["allowed_actions"] == []
    other = services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-Q4")
    n = services.nominate(actor=w["supervisor"], rnd=other, unit=w["c2"], reason="好")
    services.add_member(actor=w["supervisor"], rnd=other, user=w["district"])
    services.transition(actor=w["supervisor"], rnd=other, action=Action.START_VOTE)
    url = f"{API}/rounds/{other.pk}/votes"
    ok = client.post(url, {"nomination_id": n.pk}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["nominations"][0]["votes"] == 1
    again = client.post(url, {"nomination_id": n.pk}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "voted"
    assert client.post(url, {"nomination_id": 0}, content_type="application/json").status_code == 422
    client.force_login(w["tongtai"])
    assert client.get(f"{API}/rounds/{rnd.pk}").status_code == 404
    assert client.get(f"{API}/lists").json()["count"] == 0


@pytest.mark.django_db
def test_openapi_component_names_are_prefixed(client: Any, org: dict[str, Any]) -> None:
    client.force_login(org["admin"])
    schema = client.get("/api/v1/openapi.json").json()
    awards = {
        ref.rsplit("/", 1)[-1]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/awards/")
        for op in item.values()
        for ref in _refs(op)
    }
    odd = sorted(n for n in awards if not n.startswith(("Award", "PageOut_Award", "ErrorOut")))
    assert awards and not odd, odd


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.django_db
def test_types_page_names_the_metric_and_its_parameter_in_words(client: Any, org: dict[str, Any]) -> None:
    """The walk of 2026-12-05 found "cases.on_time_rate (handle)" on the page an office user reads."""
    from luoshi.awards.models import AwardType
    from luoshi.core import metrics
    from luoshi.core.metrics import Choice, Direction, Metric, MetricParam, SubjectKind

    staged = Metric("fake.staged", "环节按时率", "%", Direction.HIGHER, frozenset({SubjectKind.PERSON}),
                    lambda s, p, q: {}, lambda s, p, q, n: [],
                    param=MetricParam("环节", lambda: [Choice("handle", "处置")]))  # fmt: skip
    metrics.register_metric(staged)
    try:
        AwardType.objects.create(code="t_staged", name="环节之星", contest="比本领", metric="fake.staged",
                                 metric_param="handle", subject_kind="person", unit_kinds=[])  # fmt: skip
        client.force_login(org["district"])
        page = client.get("/awards/types/").content.decode()
    finally:
        metrics.unregister_metric("fake.staged")
    assert "环节按时率（%） · 处置" in page
    assert "Score（pts）" in page
    assert "fake.staged" not in page and "handle" not in page and "fake.score" not in page
