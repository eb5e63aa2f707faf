"""Pages: scorecard, export, leaderboards, overview, entry, targets, catalogue; scope and query counts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from luoshi.core.testing import saved_name
from luoshi.indicators.models import IndicatorValue, Target
from luoshi.indicators.tests.factories import put_target, put_value
from luoshi.org.tests.factories import UnitFactory


@pytest.fixture
def filled(tree, ind, c_town):
    for unit, now, before in ((tree["a"], "149976", "100000"), (tree["b"], "120000", None), (c_town, "60000", "70000")):
        put_value(unit, ind["gdp"], 2026, 8, now)
        put_value(unit, ind["gdp"], 2026, 7, Decimal(now) * Decimal("0.9"))
        if before:
            put_value(unit, ind["gdp"], 2025, 8, before)
        put_target(unit, ind["gdp"], 2026, "200000")
    return tree


def test_scorecard_page(client, people, filled, django_assert_max_num_queries):
    client.force_login(people["leader_a"])
    with django_assert_max_num_queries(16):
        response = client.get(f"/indicators/units/{filled['a'].pk}/", {"year": 2026, "month": 8})
    assert response.status_code == 200
    html = response.content.decode()
    assert "149,976" in html
    assert "+50.0%" in html
    assert 'data-echarts="scorecard-chart"' in html
    assert 'id="scorecard-chart" type="application/json"' in html
    assert 'aria-describedby="scorecard-table"' in html and 'id="scorecard-table"' in html
    assert "<script>" not in html  # CSP: no inline scripts
    # Each sparkline speaks its own indicator and its months' values (not one label for all).
    labels = [part.split('aria-label="')[1].split('"')[0] for part in html.split('<svg class="sparkline"')[1:]]
    assert labels and len(set(labels)) == len(labels)
    assert all("今年各月" in label and "8月 " in label for label in labels)
    assert client.get(f"/indicators/units/{filled['b'].pk}/").status_code == 404


def test_scorecard_defaults_to_the_latest_month(client, people, filled):
    client.force_login(people["leader_a"])
    response = client.get(f"/indicators/units/{filled['a'].pk}/")
    assert response.context["year"] == 2026 and response.context["month"] == 8


def test_scorecard_export(client, people, filled):
    client.force_login(people["leader_a"])
    response = client.get(f"/indicators/units/{filled['a'].pk}/scorecard.xlsx", {"year": 2026, "month": 8})
    assert response.status_code == 200
    assert saved_name(response) == "成绩单-甲街道-2026-08.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    gdp = next(r for r in rows if r and r[0] == "规上工业产值")
    assert gdp[2] == 149976 and gdp[4] == pytest.approx(49.98)


def test_leaderboard_page(client, people, filled, django_assert_max_num_queries):
    client.force_login(people["district"])
    for n in range(30):
        unit = UnitFactory(name=f"新镇{n}", kind="township", code=f"NZ{n:02d}", parent=filled["district"])
        put_value(unit, IndicatorValue.objects.first().indicator, 2026, 8, 1000 + n)
    url = "/indicators/leaderboard/"
    params = {"parent": filled["district"].pk, "indicator": "t_output", "year": 2026, "month": 8, "metric": "value"}
    with django_assert_max_num_queries(18):
        response = client.get(url, params)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.rows[0].unit_name == "甲街道" and len(board.rows) == 33
    html = response.content.decode()
    assert 'data-echarts="bar-chart"' in html and 'data-echarts="trend-chart"' in html
    assert 'data-rows="33"' in html  # 33 units: the bar chart grows, and its box scrolls
    assert 'aria-describedby="leaderboard-table"' in html and 'aria-describedby="trend-table"' in html
    assert 'id="trend-table"' in html  # the trend chart's figures as a table
    composite = client.get(url, {"parent": filled["district"].pk, "composite": "1", "w_t_output": "2", "w_t_tax": "1"})
    assert composite.status_code == 200
    assert composite.context["board"].indicator is None
    # A composite score is 0–100, not a percentage; there is no trend of one indicator to draw.
    assert composite.context["bar_chart"]["series"][0]["label"]["formatter"] == "{c}"
    assert composite.context["trend_chart"] is None


def test_leaderboard_out_of_scope(client, people, filled):
    client.force_login(people["leader_a"])
    response = client.get("/indicators/leaderboard/", {"parent": filled["district"].pk})
    assert response.status_code == 404


def test_overview_page(client, people, filled, django_assert_max_num_queries):
    client.force_login(people["district"])
    with django_assert_max_num_queries(14):
        response = client.get("/indicators/overview/", {"parent": filled["district"].pk, "year": 2026, "month": 8})
    assert response.status_code == 200
    assert "规上工业产值" in response.content.decode()


def test_home_redirects(client, people, filled):
    client.force_login(people["district"])
    assert "/indicators/overview/" in client.get("/indicators/").url
    client.force_login(people["leader_a"])
    assert client.get("/indicators/").url == f"/indicators/units/{filled['a'].pk}/"


def test_entry_form(client, people, filled, ind):
    client.force_login(people["sup_a"])
    url = f"/indicators/units/{filled['a'].pk}/entry/?year=2026&month=9"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {f"v_{ind['gdp'].pk}": "16.5亿", f"v_{ind['tax'].pk}": "12,000万元", f"y_{ind['tax'].pk}": "3.5"}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(unit=filled["a"], indicator=ind["gdp"], month=9).value == Decimal(165000)
    tax = IndicatorValue.objects.get(unit=filled["a"], indicator=ind["tax"], month=9)
    assert (tax.value, tax.yoy_reported) == (Decimal("1.2"), Decimal("3.5"))
    bad = client.post(url, {f"v_{ind['gdp'].pk}": "很多"})
    assert bad.status_code == 200 and "不是数字" in bad.content.decode()
    client.force_login(people["staff_a"])
    assert client.get(url).status_code == 403


def test_entry_form_has_no_input_for_a_computed_indicator_and_refuses_a_forged_one(client, people, filled, ind):
    from luoshi.core import metrics
    from luoshi.core.metrics import Direction, Metric, SubjectKind

    metrics.register_metric(
        Metric("fake.count", "假的台账", "个", Direction.HIGHER, frozenset({SubjectKind.UNIT}), lambda s, p, q: {})
    )
    try:
        ind["gdp"].metric = "fake.count"
        ind["gdp"].save()
        client.force_login(people["sup_a"])
        url = f"/indicators/units/{filled['a'].pk}/entry/?year=2026&month=9"
        page = client.get(url).content.decode()
        assert f'name="v_{ind["gdp"].pk}"' not in page and f'name="v_{ind["tax"].pk}"' in page
        assert "假的台账" in page
        forged = client.post(url, {f"v_{ind['gdp'].pk}": "16.5亿"})
        assert forged.status_code == 200 and "一数一源" in forged.content.decode()
        assert not IndicatorValue.objects.filter(unit=filled["a"], indicator=ind["gdp"], month=9).exists()
    finally:
        metrics.unregister_metric("fake.count")


def test_targets_form(client, people, filled, ind):
    client.force_login(people["dsup"])
    url = f"/indicators/units/{filled['district'].pk}/targets/?year=2027"
    assert client.get(url).status_code == 200
    response = client.post(url, {f"t_{filled['a'].pk}_{ind['gdp'].pk}": "30亿"})
    assert response.status_code == 302
    assert Target.objects.get(unit=filled["a"], indicator=ind["gdp"], year=2027).value == Decimal(300000)


def test_catalogue_page(client, people, ind):
    client.force_login(people["staff_a"])
    response = client.get("/indicators/catalogue/")
    assert response.status_code == 200 and "规上工业产值" in response.content.decode()
    html = response.content.decode()
    # People read the catalogue by name: the name is the first column and heads each row, the code comes last.
    heads = re.findall(r'<th scope="col">([^<]*)</th>', html.split('data-testid="catalogue"')[1])
    assert heads[0] == "名称" and heads[-1] == "编码"
    row = re.search(r'<tr id="ind-t_output"[^>]*>\s*<th scope="row">([^<]*)</th>', html)
    assert row and row.group(1) == "规上工业产值"


def test_home_section(client, people, filled, ind):
    from luoshi.indicators.home import behind_time_progress

    put_target(filled["a"], ind["tax"], 2026, "10")
    put_value(filled["a"], ind["tax"], 2026, 8, "1")  # 10% against 66.67% time progress: red
    section = behind_time_progress(None, people["leader_a"])
    assert [i.title for i in section.items] == ["甲街道 · 税收收入"]
    assert section.items[0].light == "red"
    district = behind_time_progress(None, people["district"])
    assert {i.title for i in district.items} == {"甲街道", "丙镇"}  # 丙 is at 30% of its target
    assert behind_time_progress(None, people["staff_a"]) is None


def test_template_downloads(client, people, filled, ind):
    client.force_login(people["dsup"])
    below = client.get("/indicators/import/template.xlsx", {"parent": filled["district"].pk, "year": 2026, "month": 9})
    assert saved_name(below) == "指标填报模板-测试区-2026-09.xlsx"
    sheet = load_workbook(io.BytesIO(below.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:2] == ("单位编码", "单位名称")
    assert {"规上工业产值(万元)", "税收收入(亿元)", "安全生产事故(起)"} == set(rows[2][2:])  # not the community one
    assert {r[0] for r in rows[3:]} == {"TA", "TB", "TC"}
    client.force_login(people["sup_a"])
    own = client.get("/indicators/import/template.xlsx", {"parent": filled["a"].pk, "for": "self"})
    rows = list(load_workbook(io.BytesIO(own.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[3:]] == ["TA"]


def test_history_page_shows_every_month_and_year(client, people, filled, ind, django_assert_max_num_queries):
    from luoshi.indicators import services

    services.value_set(
        actor=people["sup_a"], unit=filled["a"], indicator=ind["gdp"], year=2026, month=8, value=Decimal("150000")
    )
    client.force_login(people["leader_a"])
    url = f"/indicators/units/{filled['a'].pk}/indicators/t_output/"
    with django_assert_max_num_queries(14):
        response = client.get(url, {"year": 2026, "month": 8})
    assert response.status_code == 200
    history = response.context["history"]
    assert [y.year for y in history.years] == [2026, 2025]
    august = history.years[0].months[7]
    assert august.value == Decimal("150000") and august.yoy == Decimal("50.00")
    assert history.years[0].months[6].value == Decimal("134978.4")
    assert history.years[0].target == Decimal("200000")
    assert [(c.before, c.after) for c in history.changes][:1] == [(Decimal("149976"), Decimal("150000"))]
    html = response.content.decode()
    assert 'data-echarts="history-chart"' in html and "<script>" not in html
    assert 'aria-describedby="history-2026 history-2025"' in html and 'id="history-2025"' in html
    # The scorecard links each indicator to its history.
    card = client.get(f"/indicators/units/{filled['a'].pk}/", {"year": 2026, "month": 8}).content.decode()
    assert f"/indicators/units/{filled['a'].pk}/indicators/t_output/" in card


def test_history_page_scope(client, people, filled):
    client.force_login(people["leader_a"])
    assert client.get(f"/indicators/units/{filled['b'].pk}/indicators/t_output/").status_code == 404
    assert client.get(f"/indicators/units/{filled['a'].pk}/indicators/nope/").status_code == 404


def test_catalogue_is_managed_on_a_page(client, people, ind, tree):
    from luoshi.core.models import ActivityLog
    from luoshi.indicators.models import Indicator
    from luoshi.org.models import Role
    from luoshi.org.tests.factories import user_with_role

    client.force_login(people["admin"])  # administrator of the district, the top unit
    page = client.get("/indicators/catalogue/").content.decode()
    assert "/indicators/catalogue/new/" in page and "/indicators/catalogue/t_tax/" in page
    data = {
        "code": "t_invest",
        "name": "固定资产投资",
        "aliases_text": "固投、 全社会固定资产投资",
        "unit": "万元",
        "kind": "cumulative",
        "direction": "higher",
        "category": "projects",
        "unit_kinds": ["township", "subdistrict"],
        "aggregation": "none",
        "decimals": "0",
        "sort_order": "5",
        "description": "",
        "is_active": "on",
    }
    response = client.post("/indicators/catalogue/new/", data)
    assert response.status_code == 302
    created = Indicator.objects.get(code="t_invest")
    assert created.aliases == ["固投", "全社会固定资产投资"] and created.category == "projects"
    # Change who reports it; the code stays as created.
    response = client.post(
        "/indicators/catalogue/t_invest/", {**data, "code": "other", "unit_kinds": ["community"], "unit": "亿元"}
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.code, created.unit_kinds, created.unit) == ("t_invest", ["community"], "亿元")
    entry = ActivityLog.objects.for_object(created).order_by("-id").first()
    assert entry is not None and entry.verb == "update" and "unit" in entry.changes
    # A name that is already another indicator's other name is refused with a message.
    clash = client.post("/indicators/catalogue/new/", {**data, "code": "t_x", "name": "规上工业总产值"})
    assert clash.status_code == 200 and "规上工业产值" in clash.content.decode()
    # Administrators of a township and other roles may not change the catalogue.
    township_admin = user_with_role(Role.ADMIN, tree["a"], username="t_admin_a")
    for user in (township_admin, people["dsup"]):
        client.force_login(user)
        assert client.get("/indicators/catalogue/new/").status_code == 404
        assert client.post("/indicators/catalogue/t_invest/", data).status_code == 404
        assert "/indicators/catalogue/new/" not in client.get("/indicators/catalogue/").content.decode()


def test_composite_leaderboards_are_saved_by_name(client, people, filled, django_assert_max_num_queries):
    from luoshi.core.models import ActivityLog
    from luoshi.indicators.models import SavedComposite

    district = filled["district"]
    client.force_login(people["dsup"])
    page = client.get("/indicators/leaderboard/", {"parent": district.pk, "composite": "1", "w_t_output": "2"})
    assert 'data-testid="save-composite"' in page.content.decode()
    post = {"name": " 经济  擂台 ", "w_t_output": "2", "w_t_tax": "1", "metric": "yoy", "year": "2026", "month": "8"}
    response = client.post(f"/indicators/leaderboard/saved/?parent={district.pk}", post)
    saved = SavedComposite.objects.get()
    assert response.status_code == 302 and f"saved={saved.pk}" in response["Location"]
    assert (saved.name, saved.weights, saved.metric) == ("经济 擂台", {"t_output": "2", "t_tax": "1"}, "yoy")
    # Saving again under the same name replaces the weights.
    client.post(f"/indicators/leaderboard/saved/?parent={district.pk}", {**post, "name": "经济 擂台", "w_t_tax": "3"})
    saved.refresh_from_db()
    assert saved.weights == {"t_output": "2", "t_tax": "3"} and SavedComposite.objects.count() == 1
    assert [e.verb for e in ActivityLog.objects.for_object(saved).order_by("id")] == ["create", "update"]
    # Anyone who sees the district opens it by name; weights and metric come back.
    client.force_login(people["district"])
    with django_assert_max_num_queries(20):
        response = client.get("/indicators/leaderboard/", {"parent": district.pk, "saved": saved.pk})
    assert response.status_code == 200
    assert response.context["board"].indicator is None and response.context["board"].metric == "yoy"
    assert response.context["weights"] == {"t_output": Decimal(2), "t_tax": Decimal(3)}
    assert "经济 擂台" in response.content.decode() and 'data-testid="save-composite"' not in response.content.decode()
    # A viewer may not save or delete; a unit outside the scope does not exist.
    assert client.post(f"/indicators/leaderboard/saved/?parent={district.pk}", post).status_code == 403
    assert client.post(f"/indicators/leaderboard/saved/{saved.pk}/delete/").status_code == 404
    client.force_login(people["leader_a"])
    assert client.get("/indicators/leaderboard/", {"parent": filled["a"].pk, "saved": saved.pk}).status_code == 404
    # No weight, no name: a message, nothing saved.
    client.force_login(people["dsup"])
    response = client.post(f"/indicators/leaderboard/saved/?parent={district.pk}", {"name": "空"}, follow=True)
    assert SavedComposite.objects.count() == 1 and response.context["messages"]
    client.post(f"/indicators/leaderboard/saved/{saved.pk}/delete/")
    assert not SavedComposite.objects.exists()


def test_paste_page_shows_plan_change_and_rank_columns_and_saves_the_rank(client, tree, ind, people):
    from luoshi.indicators.tests.factories import IndicatorFactory

    rank = IndicatorFactory(code="t_output_rank", name="规上工业产值排名", unit="位", direction="lower")
    client.force_login(people["sup_a"])
    text = "1-8月，規上工業產值14.9億元，完成年初預算數20億元的74.5%，同比減少1.2億元，列全區第2位，較上年後移1位。"
    response = client.post(
        "/indicators/parse/", {"unit": tree["a"].pk, "year": 2026, "month": "", "text": text}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    for header in ('<th class="num">计划数</th>', '<th class="num">比上年增减</th>', "<th>名次</th>"):
        assert header in page
    assert '<td class="num">14.9 亿元</td>' in page  # as written, not 14.9000
    assert '<td class="num" data-testid="mention-plan">20 亿元</td>' in page
    assert '<td class="num" data-testid="mention-change">−1.2 亿元</td>' in page
    assert '<td data-testid="mention-rank">全区第2位 <span class="small">下降1位</span></td>' in page
    assert "规上工业产值排名：第2位" in page
    batch = response.context["batch"]
    assert [rank.pk, 2026, 8, "2"] == batch.rows[1][1:5]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (14.9, "14.9"),
        (16915.0, "16915"),
        (0.48, "0.48"),
        (1e-05, "0.00001"),
        (Decimal("2.50"), "2.5"),
        (3, "3"),
        (None, ""),
    ],
)
def test_parsed_figures_are_shown_as_written(value, shown):
    from luoshi.indicators.templatetags.indicator_tags import abs_value, as_written

    assert as_written(value) == shown
    assert as_written(abs_value(-value if value is not None else None)) == shown
