"""The cockpit: who may open it, what each role sees, every figure's link, and query counts
that do not grow with the number of units.

The cockpit's code imports no domain app; its tests make records through the domain apps'
own factories and services, as a user's day would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.cases import services as case_services
from luoshi.cases.tests.factories import World, report, to_state, world
from luoshi.core import aggregates
from luoshi.core.registry import nav_items
from luoshi.org.models import UnitKind
from luoshi.org.tests.factories import UnitFactory
from luoshi.tasks.models import Status as TaskStatus
from luoshi.tasks.tests.factories import TaskFactory


@pytest.fixture
def w(db) -> World:
    return world()


def login(client, user):
    client.force_login(user)
    return client


def _task(unit, light: str, *, overdue: bool = False, title: str = ""):
    today = timezone.localdate()
    return TaskFactory(
        lead_unit=unit,
        status=TaskStatus.IN_PROGRESS,
        light=light,
        is_overdue=overdue,
        start_date=today - dt.timedelta(days=60),
        deadline=today - dt.timedelta(days=5) if overdue else today + dt.timedelta(days=30),
        **({"title": title} if title else {}),
    )


@pytest.fixture
def records(w):
    _task(w.a, "red", overdue=True, title="背街小巷整治")
    _task(w.dept, "yellow")
    _task(w.dept, "green")
    _task(w.units["b"], "red", title="乙街道的任务")
    report(w)
    to_state(w, "rated")
    case_services.keyperson_create(actor=w.community, name="甲某", unit=w.community_unit, classification="dispute")
    aggregates.refresh()
    return w


# Who may open the cockpit (page, big screen, API) — written out per role.
ROLES = [
    ("leader", 200),
    ("supervisor", 200),
    ("viewer", 200),
    ("staff", 403),
    ("community", 403),
    ("grid", 403),
    ("outsider", 403),
]


@pytest.mark.parametrize(("who", "status"), ROLES)
def test_who_may_open_the_cockpit_the_big_screen_and_its_api(client, records, who, status):
    c = login(client, getattr(records, who))
    assert c.get(reverse("cockpit:index")).status_code == status
    assert c.get(reverse("cockpit:screen")).status_code == status
    assert c.get("/api/v1/cockpit/").status_code == status
    shown = any(i.key == "cockpit" for i in nav_items(getattr(records, who)))
    assert shown == (status == 200)


def test_anonymous_visitors_are_sent_to_log_in(client, records):
    response = client.get(reverse("cockpit:index"))
    assert response.status_code == 302
    assert client.get("/api/v1/cockpit/").status_code == 401


@pytest.mark.parametrize(
    ("who", "panels"),
    [
        ("leader", ["tasks", "cases", "case_map", "daily", "keypersons", "indicators"]),
        ("supervisor", ["tasks", "cases", "case_map", "daily", "keypersons", "indicators"]),
        # The district viewer sees figures but may not open the key-person registry.
        ("viewer", ["tasks", "cases", "case_map", "daily", "indicators"]),
    ],
)
def test_each_role_sees_the_panels_it_may_see(client, records, who, panels):
    data = login(client, getattr(records, who)).get("/api/v1/cockpit/").json()
    assert [p["key"] for p in data["panels"]] == panels


def _figure(data, key):
    return next(f for p in data["panels"] for f in p["figures"] if f["key"] == key)


def test_the_leaders_red_figure_leads_to_the_red_tasks_of_the_township_only(client, records):
    c = login(client, records.leader)
    data = c.get("/api/v1/cockpit/").json()
    red = _figure(data, "tasks_red")
    assert (red["value"], red["light"]) == ("1", "red")  # 乙街道's red task is not the leader's
    page = c.get(red["url"]).content.decode()
    assert "背街小巷整治" in page
    assert "乙街道的任务" not in page
    oldest = _figure(data, "tasks_oldest_overdue")
    assert oldest["value"] == "5天"
    assert "背街小巷整治" in c.get(oldest["url"]).content.decode()


def test_the_case_figures_of_today_and_this_month_and_their_links(client, records):
    c = login(client, records.supervisor)
    data = c.get("/api/v1/cockpit/").json()
    assert _figure(data, "cases_today")["value"] == "2"
    assert _figure(data, "cases_month")["value"] == "2"
    assert _figure(data, "cases_on_time")["value"] == "100.0%"
    assert _figure(data, "cases_satisfied")["value"] == "100.0%"
    cases = next(p for p in data["panels"] if p["key"] == "cases")
    assert [r["cells"][:2] for r in cases["rows"]] == [["甲街道", "2"]]
    today_list = c.get(_figure(data, "cases_today")["url"])
    assert today_list.status_code == 200
    assert today_list.content.decode().count("路边有垃圾") == 2
    assert cases["as_of"] is not None
    assert c.get(reverse("cases:stats") + "?group=township").status_code == 200


def test_the_trend_chart_goes_through_the_shared_chart_helper_with_its_table(client, records):
    c = login(client, records.supervisor)
    trend = next(p for p in c.get("/api/v1/cockpit/").json()["panels"] if p["key"] == "cases")["chart"]
    for url, theme in ((reverse("cockpit:index"), None), (reverse("cockpit:screen"), "dark")):
        html = c.get(url).content.decode()
        # {% chart %}: the element names its table and points at the option's JSON block
        assert (
            '<div class="cockpit-chart" data-echarts="chart-cases" role="img" aria-label="近30日每日上报量"'
            ' aria-describedby="chart-table-cases" data-chart-table="chart-table-cases"'
            ' data-testid="chart-cases"' + (' data-chart-theme="dark"' if theme else "") + "></div>"
        ) in html
        option = json.loads(html.split('<script id="chart-cases" type="application/json">')[1].split("</script>")[0])
        assert option["xAxis"]["data"] == trend["x"]
        assert [s["data"] for s in option["series"]] == [s["data"] for s in trend["series"]]
        assert '<table class="list" id="chart-table-cases">' in html
        # drawn by the helper from the small build, never the page's own ECharts code or the full bundle
        assert "/static/luoshi/js/charts.js" in html and "vendor/charts/echarts-core" in html
        assert "vendor/echarts/" not in html


def test_key_person_figures_are_counted_by_risk(client, records):
    data = login(client, records.supervisor).get("/api/v1/cockpit/").json()
    assert _figure(data, "keypersons_medium")["value"] == "1"
    assert _figure(data, "keypersons_high")["value"] == "0"


def test_early_warnings_new_red_lights_and_missed_reports(client, records):
    from luoshi.core.models import DailyFigure

    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    # Yesterday's picture had no red light at 甲街道; today it has one.
    DailyFigure.objects.create(family="tasks.lights", day=yesterday, unit=records.a.pk, measure="green", value=1)
    data = login(client, records.leader).get("/api/v1/cockpit/").json()
    kinds = {w["kind"]: w for w in data["warnings"]}
    assert kinds["tasks.red"]["text"] == "红灯任务比昨天多 1 项"
    assert "light=red" in kinds["tasks.red"]["url"]


def test_the_big_screen_refreshes_itself_and_has_no_sidebar(client, records):
    html = login(client, records.leader).get(reverse("cockpit:screen")).content.decode()
    # It reloads itself from its script (data-refresh-seconds), which a button pauses: no <meta refresh>
    # (WCAG 2.2.1: a timed change the person can turn off).
    assert 'data-refresh-seconds="300"' in html and 'http-equiv="refresh"' not in html
    assert 'data-refresh-toggle aria-pressed="true"' in html
    assert 'data-testid="big-screen"' in html
    assert 'class="sidebar' not in html


def test_the_home_page_links_to_the_cockpit_for_a_leader_only(client, records):
    url = reverse("cockpit:index")
    assert f'href="{url}"' in login(client, records.leader).get(reverse("core:home")).content.decode()
    client.logout()
    assert f'href="{url}"' not in login(client, records.grid).get(reverse("core:home")).content.decode()


def test_the_openapi_names_the_cockpit_components_uniquely(client, records):
    schema = json.loads(login(client, records.leader).get("/api/v1/openapi.json").content)
    names = set(schema["components"]["schemas"])
    assert {"CockpitOut", "CockpitPanelOut", "CockpitFigureOut", "CockpitWarningOut"} <= names


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the scope and the calendar are remembered
    with CaptureQueriesContext(connection) as q:
        assert client.get(url).status_code == 200
    return len(q)


@pytest.mark.parametrize("who", ["viewer", "supervisor"])
def test_the_cockpit_takes_the_same_queries_with_more_units_tasks_and_cases(client, records, who):
    c = login(client, getattr(records, who))
    urls = [reverse("cockpit:index"), "/api/v1/cockpit/"]
    before = [_queries(c, u) for u in urls]
    district = records.units["district"]
    for i in range(3):
        town = UnitFactory(name=f"新街道{i}", kind=UnitKind.SUBDISTRICT, code=f"TN{i}", parent=district)
        UnitFactory(name=f"新社区{i}", kind=UnitKind.COMMUNITY, code=f"TN{i}C", parent=town)
        _task(town, "red", overdue=True)
        _task(records.a, "yellow")
        to_state(records, "closed")
    aggregates.refresh()
    after = [_queries(c, u) for u in urls]
    assert after == before


def test_the_demo_builds_the_aggregates_so_the_trend_shows_at_once(client, w):
    from luoshi.cockpit import demo
    from luoshi.core.models import AggregateState

    report(w)
    c = login(client, w.supervisor)
    assert next(p for p in c.get("/api/v1/cockpit/").json()["panels"] if p["key"] == "cases")["chart"] is None
    assert demo.load()["aggregate_days"] >= 400  # the first refresh backfills
    assert AggregateState.objects.filter(first_day__isnull=False).exists()
    trend = next(p for p in c.get("/api/v1/cockpit/").json()["panels"] if p["key"] == "cases")["chart"]
    assert trend is not None and len(trend["x"]) == 30 and trend["series"][0]["data"][-1] == 1
    assert demo.load()["aggregate_days"] < 400  # again: only what changed, yesterday and today


def test_large_figures_are_grouped_by_thousands_on_the_cockpit_and_the_home_page(client, w, monkeypatch):
    """zh-Hans ``intcomma`` writes 12345; the cockpit and the home page write 12,345 as the other pages do
    (figures and table cells; a percentage, a text or an empty cell is left as it is)."""
    from luoshi.core import panels, registry
    from luoshi.core.panels import Panel, PanelFigure, PanelRow
    from luoshi.core.registry import HomeCount

    big = Panel(
        key="big", title="大数", figures=[PanelFigure("big_cases", "本年诉求", "123456", "/cases/")],
        head=["乡镇", "诉求", "按时率"], rows=[PanelRow(["甲街道", "23456", "98.5%"], "/cases/")],
    )  # fmt: skip
    monkeypatch.setitem(panels._panels, "big", (1, lambda user, today: big))
    counts = [HomeCount("big", "本年诉求", 54321, "/")]
    monkeypatch.setattr(registry, "_home_counts", [(1, lambda request, user: counts)])
    c = login(client, w.leader)
    page = c.get("/cockpit/").content.decode()
    assert '<span class="cockpit-value">123,456</span>' in page
    assert "<td>23,456</td>" in page and "<td>98.5%</td>" in page
    assert "54,321" in c.get("/").content.decode()
