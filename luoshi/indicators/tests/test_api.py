"""The indicators API: catalogue, values, targets, scorecard, leaderboard, parse."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from luoshi.indicators.models import IndicatorValue
from luoshi.indicators.tests.factories import put_target, put_value
from luoshi.indicators.tests.test_parser import SEED_004_TAIL


def _client(client, user):
    client.force_login(user)
    return client


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_parse_endpoint(client, people):
    c = _client(client, people["staff_a"])
    response = _post(c, "/api/v1/indicators/parse", {"text": SEED_004_TAIL})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 7
    assert body[4] == {
        "name": "建安投资",
        "value": 151384.0,
        "unit": "万元",
        "yoy_pct": 61.7,
        "plan_pct": None,
        "period": "1-8月",
        "plan_value": None,
        "plan_unit": None,
        "yoy_abs": None,
        "yoy_abs_unit": None,
        "rank": None,
        "rank_scope": None,
        "rank_change": None,
        "code": "construction_investment",
    }


def test_parse_endpoint_gives_ranks_plans_changes_and_codes(client, people):
    c = _client(client, people["staff_a"])
    text = (
        "1-6月，規模以上工業增加值增長8.2%，居全區第2位；稅收收入3.1億元，完成年初預算數6億元的51.7%，同比減收0.2億元。"
    )
    body = _post(c, "/api/v1/indicators/parse", {"text": text}).json()
    assert [(m["name"], m["code"], m["rank"], m["rank_scope"], m["plan_value"], m["yoy_abs"]) for m in body] == [
        ("规模以上工业增加值", "industrial_value_added", 2, "全区", None, None),
        ("税收收入", "tax_revenue", None, None, 6.0, -0.2),
    ]


def test_parse_needs_login(client, db):
    response = _post(client, "/api/v1/indicators/parse", {"text": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_catalogue(client, people, ind):
    c = _client(client, people["staff_a"])
    codes = [i["code"] for i in c.get("/api/v1/indicators").json()]
    assert "t_output" in codes
    assert c.get("/api/v1/indicators/catalogue/t_output").json()["name"] == "规上工业产值"
    assert c.get("/api/v1/indicators/catalogue/nope").status_code == 404


def test_bulk_values_and_scope(client, people, tree, ind):
    c = _client(client, people["sup_a"])
    payload = {
        "values": [
            {"unit": "TA", "indicator": "规上工业总产值", "year": 2026, "month": 8, "value": "149976"},
            {"unit": tree["a"].pk, "indicator": "t_tax", "year": 2026, "month": 8, "value": "1.69", "yoy_pct": "3.2"},
        ]
    }
    response = _post(c, "/api/v1/indicators/values/bulk", payload)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    page = c.get("/api/v1/indicators/values", {"unit": tree["a"].pk}).json()
    assert page["count"] == 2
    # Out of scope: 404, and nothing written.
    bad = {"values": [{"unit": "TB", "indicator": "t_tax", "year": 2026, "month": 8, "value": "1"}]}
    response = _post(c, "/api/v1/indicators/values/bulk", bad)
    assert response.status_code == 404
    assert not IndicatorValue.objects.filter(unit=tree["b"]).exists()
    # Bad month: 422 with the standard error body.
    bad = {"values": [{"unit": "TA", "indicator": "t_tax", "year": 2026, "month": 13, "value": "1"}]}
    response = _post(c, "/api/v1/indicators/values/bulk", bad)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_staff_cannot_write(client, people, tree, ind):
    c = _client(client, people["staff_a"])
    payload = {"values": [{"unit": "TA", "indicator": "t_tax", "year": 2026, "month": 8, "value": "1"}]}
    response = _post(c, "/api/v1/indicators/values/bulk", payload)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_targets(client, people, tree, ind):
    c = _client(client, people["dsup"])
    response = c.put(
        "/api/v1/indicators/targets",
        json.dumps({"targets": [{"unit": "TA", "indicator": "t_output", "year": 2026, "value": "200000"}]}),
        content_type="application/json",
    )
    assert response.json() == {"written": 1}
    listing = _client(client, people["leader_a"]).get("/api/v1/indicators/targets", {"year": 2026}).json()
    assert listing["count"] == 1 and Decimal(listing["results"][0]["value"]) == Decimal(200000)


def test_scorecard_and_leaderboard(client, people, tree, ind, django_assert_max_num_queries):
    put_value(tree["a"], ind["gdp"], 2026, 8, "149976")
    put_value(tree["a"], ind["gdp"], 2025, 8, "100000")
    put_target(tree["a"], ind["gdp"], 2026, "200000")
    put_value(tree["b"], ind["gdp"], 2026, 8, "120000")
    c = _client(client, people["leader_a"])
    card = c.get("/api/v1/indicators/scorecard", {"unit": tree["a"].pk}).json()
    assert (card["year"], card["month"]) == (2026, 8)
    row = next(r for r in card["rows"] if r["indicator"] == "t_output")
    assert row["yoy_pct"] == 49.98 and row["gap_points"] == 8.32 and row["value"] == 149976
    assert c.get("/api/v1/indicators/scorecard", {"unit": tree["b"].pk}).status_code == 404
    assert (
        c.get("/api/v1/indicators/leaderboard", {"parent": tree["district"].pk, "indicator": "t_output"}).status_code
        == 404
    )
    d = _client(client, people["district"])
    with django_assert_max_num_queries(12):
        board = d.get("/api/v1/indicators/leaderboard", {"parent": tree["district"].pk, "indicator": "t_output"}).json()
    assert [(r["unit_name"], r["rank"]) for r in board["rows"]] == [("甲街道", 1), ("乙街道", None)]
    assert board["metric"] == "completion"


@pytest.mark.parametrize("metric", ["value", "yoy"])
def test_leaderboard_metrics(client, people, tree, ind, metric):
    put_value(tree["a"], ind["gdp"], 2026, 8, "1")
    put_value(tree["b"], ind["gdp"], 2026, 8, "2")
    d = _client(client, people["district"])
    board = d.get(
        "/api/v1/indicators/leaderboard",
        {"parent": tree["district"].pk, "indicator": "t_output", "metric": metric, "year": 2026, "month": 8},
    ).json()
    assert board["metric"] == metric


def test_history_endpoint(client, people, tree, ind, django_assert_max_num_queries):
    put_value(tree["a"], ind["gdp"], 2025, 8, "100")
    put_value(tree["a"], ind["gdp"], 2026, 8, "120")
    put_target(tree["a"], ind["gdp"], 2026, "240")
    c = _client(client, people["leader_a"])
    with django_assert_max_num_queries(12):
        response = c.get("/api/v1/indicators/history", {"unit": tree["a"].pk, "indicator": "t_output"})
    assert response.status_code == 200
    body = response.json()
    assert [y["year"] for y in body["years"]] == [2026, 2025]
    (august,) = body["years"][0]["months"]
    assert (august["month"], august["value"], august["yoy_pct"], august["completion_pct"]) == (8, 120.0, 20.0, 50.0)
    assert body["years"][0]["target"] == 240.0
    outside = c.get("/api/v1/indicators/history", {"unit": tree["b"].pk, "indicator": "t_output"})
    assert outside.status_code == 404 and outside.json()["code"]


def test_composites_endpoint(client, people, tree, ind):
    from luoshi.indicators import services

    services.composite_save(
        actor=people["dsup"],
        parent=tree["district"],
        name="经济",
        weights=[(ind["gdp"], Decimal(2)), (ind["tax"], Decimal("0.5"))],
        metric="yoy",
    )
    body = _client(client, people["district"]).get("/api/v1/indicators/composites", {"parent": tree["district"].pk})
    assert body.json() == [
        {"id": body.json()[0]["id"], "name": "经济", "weights": {"t_output": 2.0, "t_tax": 0.5}, "metric": "yoy"}
    ]
    outside = _client(client, people["leader_a"]).get("/api/v1/indicators/composites", {"parent": tree["district"].pk})
    assert outside.status_code == 404
