"""The assessment app in the bulletins (考核结果 section) and on the cockpit (standings panel).

The runs are written as rows with chosen totals and publication times, so every expected line below
is written out by hand: which run a bulletin as of a given day reports, in which revision, and how
each rank moved against the run before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from luoshi.assessment import bulletin, cockpit
from luoshi.assessment.models import (
    Appeal,
    AppealState,
    Item,
    Result,
    Run,
    RunState,
    Scheme,
    SchemeVersion,
    Section,
    SubjectType,
)
from luoshi.core import bulletin_sections as bs
from luoshi.core.models import ActivityLog
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def until(month: int, day: int) -> dt.datetime:
    """The end of that day (a bulletin as of it reads everything before)."""
    return dt.datetime(2026, month, day, tzinfo=TZ) + dt.timedelta(days=1)


def _published(run: Run, moment: dt.datetime) -> None:
    ActivityLog.objects.create(
        created_at=moment, verb="assessment.publish", content_type=ContentType.objects.get_for_model(Run),
        object_id=str(run.pk), object_repr=str(run)[:200],
    )  # fmt: skip


def _results(run: Run, revision: int, rows: list[tuple[Any, int, str]], *, current: bool = True) -> None:
    for unit, rank, total in rows:
        Result.objects.create(
            run=run, revision=revision, is_current=current, subject_id=unit.pk, unit=unit, name=unit.name,
            total=Decimal(total), base=Decimal(total), rank=rank, band="优秀" if rank == 1 else "良好",
        )  # fmt: skip


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    """The district's scheme scoring 甲街道 and 乙街道: October published on 11-05; November published
    on 12-03 and revised by an upheld appeal on 12-10; December still under review."""
    district, a, b = tree["district"], tree["a"], tree["b"]
    admin = user_with_role(Role.ADMIN, district, username="assess_admin")
    scheme = Scheme.objects.create(name="街道综合考核", owner=district, subject_type=SubjectType.UNIT,
                                   unit_kinds=["subdistrict"])  # fmt: skip
    version = SchemeVersion.objects.create(scheme=scheme, number=1, status="published",
                                           effective_from=dt.date(2026, 1, 1))  # fmt: skip
    item = Item.objects.create(section=Section.objects.create(scheme_version=version, name="重点工作"),
                               name="群众评议", kind="manual", points=Decimal(10))  # fmt: skip
    october = Run.objects.create(scheme=scheme, scheme_version=version, period_key="2026-10",
                                 state=RunState.ARCHIVED, published_at=at(11, 5), archived_at=at(11, 30))  # fmt: skip
    _published(october, at(11, 5))
    _results(october, 1, [(b, 1, "90"), (a, 2, "80")])
    november = Run.objects.create(scheme=scheme, scheme_version=version, period_key="2026-11", revision=2,
                                  state=RunState.PUBLISHED, published_at=at(12, 10))  # fmt: skip
    _published(november, at(12, 3))
    _results(november, 1, [(a, 1, "95.5"), (b, 2, "88")], current=False)
    _results(november, 2, [(b, 1, "96"), (a, 2, "95.5")])
    Appeal.objects.create(run=november, subject_id=b.pk, unit=b, item=item, reason="评议分漏计", filed_by=admin,
                          state=AppealState.UPHELD, decided_at=at(12, 10), revision=2)  # fmt: skip
    december = Run.objects.create(scheme=scheme, scheme_version=version, period_key="2026-12",
                                  state=RunState.REVIEW)  # fmt: skip
    _results(december, 1, [(a, 1, "70"), (b, 2, "60")])
    return {**tree, "scheme": scheme, "october": october, "november": november, "december": december}


def _rows(content: bs.SectionContent) -> list[list[str]]:
    assert len(content.tables) == 1
    return content.tables[0].rows


HEAD = ["名次", "考核对象", "所属单位", "总分", "加分", "扣分", "等次", "较上期"]


def test_the_district_bulletin_reports_the_run_published_by_its_date(world: dict[str, Any]) -> None:
    district = world["district"]
    # before anything was published
    before = bulletin.build_results(district, at(10, 1, 0), until(11, 4))
    assert before.paragraphs == ["截至本期，暂无已公布的考核结果。"] and before.tables == []

    # October's run (archived since, but it was published on 11-05)
    content = bulletin.build_results(district, at(11, 1, 0), until(11, 30))
    assert content.tables[0].header == HEAD
    assert content.tables[0].caption == "街道综合考核2026年10月考核结果"
    assert _rows(content) == [
        ["1", "乙街道", "乙街道", "90", "0", "0", "优秀", "—"],
        ["2", "甲街道", "甲街道", "80", "0", "0", "良好", "—"],
    ]
    assert content.paragraphs == [
        "街道综合考核2026年10月考核结果于2026年11月5日公布，共2个单位参加考核，乙街道以90分位列第1名。"
    ]

    # November as first published on 12-03 (the revision of 12-10 did not exist yet)
    content = bulletin.build_results(district, at(12, 1, 0), until(12, 5))
    assert _rows(content) == [
        ["1", "甲街道", "甲街道", "95.5", "0", "0", "优秀", "↑1"],
        ["2", "乙街道", "乙街道", "88", "0", "0", "良好", "↓1"],
    ]
    assert content.paragraphs[0].startswith("街道综合考核2026年11月考核结果于2026年12月3日公布")

    # after the upheld appeal: the second revision
    content = bulletin.build_results(district, at(12, 1, 0), until(12, 10))
    assert _rows(content) == [
        ["1", "乙街道", "乙街道", "96", "0", "0", "优秀", "持平"],
        ["2", "甲街道", "甲街道", "95.5", "0", "0", "良好", "持平"],
    ]
    assert content.paragraphs[0].endswith("（经申诉复核后第2版结果。）")
    assert content.annexes[0].name == "街道综合考核2026年11月考核结果"
    assert content.annexes[0].rows == _rows(content)


def test_a_subdistrict_bulletin_reports_its_own_line_of_the_districts_run(world: dict[str, Any]) -> None:
    content = bulletin.build_results(world["a"], at(12, 1, 0), until(12, 5))
    assert _rows(content) == [["1", "甲街道", "甲街道", "95.5", "0", "0", "优秀", "↑1"]]
    assert content.paragraphs == [
        "街道综合考核2026年11月考核结果于2026年12月3日公布，本单位范围内1个单位参加考核，甲街道以95.5分位列第1名。"
    ]
    # a unit with no scheme above or below it that scores it: nothing to report
    assert bulletin.build_results(world["community"], at(12, 1, 0), until(12, 5)).tables == []


def test_the_section_is_registered_for_monthly_and_ranking_bulletins() -> None:
    provider = bs.provider("assessment.results")
    assert provider is not None
    assert provider.title == "考核结果"
    assert provider.kinds == frozenset({bs.MONTHLY, bs.RANKING})
    assert provider.build is bulletin.build_results


@pytest.mark.parametrize(
    ("key", "text"),
    [("2026-11", "2026年11月"), ("2026-Q3", "2026年第3季度"), ("2026-H1", "2026年上半年"), ("2026-H2", "2026年下半年"),
     ("2026", "2026年度")],
)  # fmt: skip
def test_period_text(key: str, text: str) -> None:
    assert bulletin.period_text(key) == text


# --- the cockpit panel --------------------------------------------------------------------------


def test_the_district_leader_sees_the_latest_published_standings(world: dict[str, Any]) -> None:
    leader = user_with_role(Role.LEADER, world["district"], username="d_leader")
    november, a, b = world["november"], world["a"], world["b"]
    with translation.override("en"):
        panel = cockpit.assessment_panel(leader, dt.date(2026, 12, 12))
        assert panel is not None
        figures = [(f.key, str(f.label), f.value, f.url, str(f.note)) for f in panel.figures]
        head = str(panel.head[0])
    run_url = f"/assessment/runs/{november.pk}/"
    assert figures == [
        ("assessment_scored", "Scored", "2", run_url, ""),
        ("assessment_first", "First place", "96", f"{run_url}s/{b.pk}/", "乙街道 · rank 1"),
        ("assessment_last", "Last place", "95.5", f"{run_url}s/{a.pk}/", "甲街道 · rank 2"),
    ]
    assert [(r.cells, r.url) for r in panel.rows] == [
        (["1. 乙街道", "96", "优秀", "0", "0"], f"{run_url}s/{b.pk}/"),
        (["2. 甲街道", "95.5", "良好", "0", "0"], f"{run_url}s/{a.pk}/"),
    ]
    assert panel.more_url == run_url
    assert head == "Rank · 街道综合考核 · 2026-11"


def test_a_subdistrict_leader_sees_their_own_line_and_the_figures_open_the_breakdown(
    world: dict[str, Any], client: Any
) -> None:
    leader = user_with_role(Role.LEADER, world["a"], username="a_leader")
    november, a = world["november"], world["a"]
    with translation.override("en"):
        panel = cockpit.assessment_panel(leader, dt.date(2026, 12, 12))
        assert panel is not None
        figures = [(f.key, str(f.label), f.value) for f in panel.figures]
    assert figures == [
        ("assessment_scored", "Scored in your scope", "1"),
        ("assessment_first", "Best in your scope", "95.5"),
    ]
    assert [r.cells for r in panel.rows] == [["2. 甲街道", "95.5", "良好", "0", "0"]]
    breakdown = f"/assessment/runs/{november.pk}/s/{a.pk}/"
    assert panel.rows[0].url == breakdown == reverse("assessment:result", args=[november.pk, a.pk])
    client.force_login(leader)
    page = client.get("/cockpit/")
    assert page.status_code == 200
    assert f'href="{breakdown}"' in page.content.decode()
    assert client.get(breakdown).status_code == 200
    # 乙街道's line is not theirs
    assert client.get(f"/assessment/runs/{november.pk}/s/{world['b'].pk}/").status_code == 404


def test_no_panel_without_a_published_run_in_scope(world: dict[str, Any]) -> None:
    grid_worker = user_with_role(Role.GRID_WORKER, world["grid"], username="grid_w")
    assert cockpit.assessment_panel(grid_worker, dt.date(2026, 12, 12)) is None
    Run.objects.filter(state__in=[RunState.PUBLISHED, RunState.ARCHIVED]).update(state=RunState.FROZEN)
    leader = user_with_role(Role.LEADER, world["district"], username="d_leader2")
    assert cockpit.assessment_panel(leader, dt.date(2026, 12, 12)) is None


def test_the_panel_costs_the_same_queries_whatever_the_number_of_results(world: dict[str, Any], tree: Any) -> None:
    from luoshi.org.tests.factories import UnitFactory

    leader = user_with_role(Role.LEADER, world["district"], username="d_leader3")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert cockpit.assessment_panel(leader, dt.date(2026, 12, 12)) is not None
        return len(ctx)

    small = count()
    more = [UnitFactory(name=f"丙{i}街道", kind="subdistrict", parent=world["district"]) for i in range(12)]
    _results(world["november"], 2, [(u, 3 + i, str(50 - i)) for i, u in enumerate(more)])
    assert count() == small
    assert small <= 6
