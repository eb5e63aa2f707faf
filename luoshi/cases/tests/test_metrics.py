"""The cases app's metrics: March 2026 for a small tree, figures written out by hand.

Times are Asia/Shanghai: a case reported at 00:30 on 1 March (16:30 UTC on 28 February)
belongs to March; one replied at 00:30 on 1 April does not.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luoshi.accounts.models import User
from luoshi.cases.models import (
    CardLevel,
    Case,
    CaseEvent,
    Channel,
    DailyKind,
    DailyReport,
    KeyPerson,
    KeyPersonClass,
    Outcome,
    Rating,
    Status,
    SupervisionCard,
)
from luoshi.cases.tests.factories import category, ensure_categories
from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.org.models import Person

SH = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
D = Decimal


def at(m: int, d: int, h: int = 10, y: int = 2026) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=SH)


MAR_1_0030 = dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)  # 1 March 00:30 in Shanghai
APR_1_0030 = dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC)  # 1 April 00:30 in Shanghai


def make_case(n: int, township: Any, handler: Any = None, **kw: Any) -> Case:
    fields: dict[str, Any] = {
        "tracking_no": f"2026-T-{n:05d}",
        "public_token": secrets.token_urlsafe(12),
        "channel": Channel.GRID,
        "category": category(),
        "title": f"案件{n}",
        "unit": township,
        "township": township,
        "owner_unit": township,
        "handling_unit": handler,
        "stage": "",
    }
    fields.update(kw)
    return Case.objects.create(**fields)


@pytest.fixture
def world(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    ensure_categories()
    monkeypatch.setattr("luoshi.cases.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    a, b, dept, community, b_comm = tree["a"], tree["b"], tree["dept"], tree["community"], tree["b_community"]
    handler_user = User.objects.create(username="h1")
    p1 = Person.objects.create(name="处置甲", user=handler_user)
    p2 = Person.objects.create(name="包保乙")
    c: dict[str, Case] = {}
    # c1: every stage on time, rated satisfied; replied by p1.
    c["c1"] = make_case(
        1,
        a,
        dept,
        status=Status.RATED,
        outcome=Outcome.RESOLVED,
        reported_at=at(3, 2, 9),
        accepted_at=at(3, 2, 10),
        dispatched_at=at(3, 2, 11),
        replied_at=at(3, 3),
        closed_at=at(3, 4),
        rated_at=at(3, 5),
        rating=Rating.SATISFIED,
        replied_by=handler_user,
    )
    # c2: reported 00:30 on 1 March, accepted late, replied 00:30 on 1 April (not March).
    c["c2"] = make_case(
        2,
        a,
        community,
        status=Status.HANDLED,
        reported_at=MAR_1_0030,
        accepted_at=at(3, 20),
        dispatched_at=at(3, 20, 11),
        replied_at=APR_1_0030,
    )
    # c3: handled far too late by b's community (p1), closed in March after a reopen, rated in April.
    c["c3"] = make_case(
        3,
        b,
        b_comm,
        status=Status.RATED,
        outcome=Outcome.RESOLVED,
        reported_at=at(1, 5),
        accepted_at=at(1, 5, 11),
        dispatched_at=at(1, 5, 12),
        replied_at=at(3, 10),
        closed_at=at(3, 11),
        rated_at=APR_1_0030,
        rating=Rating.UNSATISFIED,
        replied_by=handler_user,
    )
    # c4: reported in b in March and referred up to the district.
    c["c4"] = make_case(4, b, None, status=Status.REPORTED, reported_at=at(3, 5), owner_unit=tree["district"])
    # c5: a duplicate, left out everywhere.
    c["c5"] = make_case(5, a, None, status=Status.MERGED, reported_at=at(3, 6), duplicate_of=c["c1"])
    # c6: on time, rated unsatisfied in March; replied by someone without a person record.
    c["c6"] = make_case(
        6,
        a,
        dept,
        status=Status.RATED,
        outcome=Outcome.RESOLVED,
        reported_at=at(3, 2, 9),
        accepted_at=at(3, 2, 10),
        dispatched_at=at(3, 2, 11),
        replied_at=at(3, 3),
        closed_at=at(3, 4),
        rated_at=at(3, 15),
        rating=Rating.UNSATISFIED,
    )
    CaseEvent.objects.create(case=c["c4"], action="refer_up", created_at=at(3, 5, 11))
    CaseEvent.objects.create(case=c["c3"], action="reopen", created_at=at(3, 10, 15))
    SupervisionCard.objects.create(case=c["c1"], level=CardLevel.YELLOW, unit=dept, points=-5, issued_at=at(3, 6))
    SupervisionCard.objects.create(case=c["c3"], level=CardLevel.RED, unit=b_comm, points=-10, issued_at=MAR_1_0030)
    SupervisionCard.objects.create(case=c["c4"], level=CardLevel.RED, unit=b, points=-10, issued_at=APR_1_0030)
    return {**tree, **c, "p1": p1, "p2": p2, "user": handler_user}


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def subjects(w: dict[str, Any]) -> dict[str, Subject]:
    out = {k: Subject.unit(w[k]) for k in ("district", "a", "b", "dept", "community", "b_community")}
    out["p1"] = Subject.person(w["p1"].pk)
    return out


def values(key: str, subs: dict[str, Subject], param: str = "", period: Period = MARCH) -> dict[str, Decimal | None]:
    figures = metrics.compute(key, list(subs.values()), period, param)
    return {name: figures[s].value for name, s in subs.items()}


def units_only(subs: dict[str, Subject]) -> dict[str, Subject]:
    return {k: v for k, v in subs.items() if k != "p1"}


@pytest.mark.django_db
def test_handle_stage_on_time_by_handling_unit_and_person(world: dict[str, Any]) -> None:
    # Handle stages that ended in March: c1 and c6 on time (dept), c3 late (b's community).
    # c2 was replied at 00:30 on 1 April, Shanghai time: April.
    assert values("cases.on_time_rate", subjects(world), "handle") == {
        "district": D("66.67"), "a": D("100.00"), "b": D("0.00"), "dept": D("100.00"), "community": None,
        "b_community": D("0.00"), "p1": D("50.00"),
    }  # fmt: skip


@pytest.mark.django_db
def test_accept_and_verify_stages_count_for_the_command_unit(world: dict[str, Any]) -> None:
    # Accepted in March: c1 and c6 within the hour, c2 nineteen days after it came in.
    assert values("cases.on_time_rate", units_only(subjects(world)), "accept") == {
        "district": D("66.67"), "a": D("66.67"), "b": None, "dept": None, "community": None, "b_community": None,
    }  # fmt: skip
    assert values("cases.on_time_rate", units_only(subjects(world)), "verify") == {
        "district": D("100.00"), "a": D("100.00"), "b": D("100.00"), "dept": None, "community": None,
        "b_community": None,
    }  # fmt: skip
    # The command unit's stages are nobody's in person.
    assert values("cases.on_time_rate", {"p1": Subject.person(world["p1"].pk)}, "accept") == {"p1": None}


@pytest.mark.django_db
def test_on_time_rate_needs_a_stage(world: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="needs a parameter"):
        metrics.compute("cases.on_time_rate", [Subject.unit(world["a"])], MARCH)
    with pytest.raises(ValueError, match="not a case stage"):
        metrics.compute("cases.on_time_rate", [Subject.unit(world["a"])], MARCH, "lunch")
    choices = [c.value for c in metrics.get_metric("cases.on_time_rate").param.choices()]
    assert choices == ["accept", "handle", "verify"]


@pytest.mark.django_db
def test_satisfaction_reopened_and_referred_up(world: dict[str, Any]) -> None:
    # Rated in March: c1 satisfied and c6 unsatisfied (both dept); c3 was rated on 1 April.
    assert values("cases.satisfaction_rate", subjects(world)) == {
        "district": D("50.00"), "a": D("50.00"), "b": None, "dept": D("50.00"), "community": None,
        "b_community": None, "p1": D("100.00"),
    }  # fmt: skip
    # Closed in March: c1, c6 (dept) and c3 (b's community, reopened once).
    assert values("cases.reopened_rate", subjects(world)) == {
        "district": D("33.33"), "a": D("0.00"), "b": D("100.00"), "dept": D("0.00"), "community": None,
        "b_community": D("100.00"), "p1": D("50.00"),
    }  # fmt: skip
    # Reported in March (by where it happened): c1, c2, c6 in a; c4 in b, referred up. c5 is a duplicate.
    assert values("cases.referred_up_rate", units_only(subjects(world))) == {
        "district": D("25.00"), "a": D("0.00"), "b": D("100.00"), "dept": None, "community": None,
        "b_community": None,
    }  # fmt: skip


@pytest.mark.django_db
def test_supervision_cards_in_local_time(world: dict[str, Any]) -> None:
    # The red card issued at 00:30 on 1 April (Shanghai) is April's; the one at 00:30 on 1 March is March's.
    assert values("cases.card_points", units_only(subjects(world))) == {
        "district": D(-15), "a": D(-5), "b": D(-10), "dept": D(-5), "community": D(0), "b_community": D(-10),
    }  # fmt: skip
    assert values("cases.red_cards", units_only(subjects(world))) == {
        "district": D(1), "a": D(0), "b": D(1), "dept": D(0), "community": D(0), "b_community": D(1),
    }  # fmt: skip
    assert values("cases.red_cards", {"b": Subject.unit(world["b"])}, period=Period.month(2026, 4)) == {"b": D(1)}


@pytest.mark.django_db
def test_daily_report_compliance(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    monkeypatch.setattr("luoshi.cases.metrics.timeutil.today", lambda: dt.date(2026, 3, 6))
    a, b, community = world["a"], world["b"], world["community"]
    user = world["user"]
    KeyPerson.objects.create(name="某某", unit=community, classification=KeyPersonClass.OTHER, cadre=world["p2"])
    days = [dt.date(2026, 3, d) for d in (2, 3, 4, 5, 6)]  # the working days up to "today"
    rows = [DailyReport(kind=DailyKind.ASSESSMENT, unit=a, report_date=d, filed_by=user) for d in days]
    rows += [DailyReport(kind=DailyKind.SCREENING, unit=community, report_date=d, filed_by=user) for d in days[:3]]
    rows += [
        DailyReport(kind=DailyKind.ASSESSMENT, unit=b, report_date=days[0], filed_by=user),
        DailyReport(kind=DailyKind.ASSESSMENT, unit=b, report_date=dt.date(2026, 3, 1), filed_by=user),  # a Sunday
        DailyReport(kind=DailyKind.ASSESSMENT, unit=community, report_date=days[4], filed_by=user),  # not its report
        DailyReport(kind=DailyKind.CADRE, unit=community, person=world["p2"], report_date=days[0], filed_by=user),
        DailyReport(kind=DailyKind.CADRE, unit=community, person=world["p2"], report_date=days[1], filed_by=user),
    ]
    DailyReport.objects.bulk_create(rows)
    subs = {**units_only(subjects(world)), "p1": Subject.person(world["p1"].pk), "p2": Subject.person(world["p2"].pk)}
    # Owed: a and b (township assessment), the two communities (screening): 5 working days each.
    assert values("cases.daily_compliance", subs) == {
        "district": D("45.00"), "a": D("80.00"), "b": D("10.00"), "dept": None, "community": D("60.00"),
        "b_community": D("0.00"), "p1": None, "p2": D("40.00"),
    }  # fmt: skip
    behind = metrics.records("cases.daily_compliance", Subject.unit(b), MARCH)
    assert [(r.kind, r.label, r.note) for r in behind] == [
        ("org.unit", "乙街道", "4 of 5 working days missing: 03-03、03-04、03-05、03-06"),
        ("org.unit", "乙一社区", "5 of 5 working days missing: 03-02、03-03、03-04、03-05、03-06"),
    ]
    cadre = metrics.records("cases.daily_compliance", Subject.person(world["p2"].pk), MARCH)
    assert [(r.kind, r.label, r.note) for r in cadre] == [
        ("org.person", "包保乙", "3 of 5 working days missing: 03-04、03-05、03-06")
    ]


@pytest.mark.django_db
def test_records_list_the_cases_behind_a_figure(world: dict[str, Any], english: None) -> None:
    handle = metrics.records("cases.on_time_rate", Subject.unit(world["district"]), MARCH, "handle")
    assert [(r.kind, r.id, r.label) for r in handle] == [
        ("cases.case", world["c3"].pk, "2026-T-00003 案件3"),  # the late one first
        ("cases.case", world["c1"].pk, "2026-T-00001 案件1"),
        ("cases.case", world["c6"].pk, "2026-T-00006 案件6"),
    ]
    assert handle[0].note.endswith("done 2026-03-10 10:00 (late)")
    assert handle[0].url == f"/cases/{world['c3'].pk}/"
    person = metrics.records("cases.on_time_rate", Subject.person(world["p1"].pk), MARCH, "handle")
    assert [r.id for r in person] == [world["c3"].pk, world["c1"].pk]
    cards = metrics.records("cases.red_cards", Subject.unit(world["b"]), MARCH)
    assert [(r.id, r.note) for r in cards] == [(world["c3"].pk, "Red card against 乙一社区 on 2026-03-01, -10 points")]
    up = metrics.records("cases.referred_up_rate", Subject.unit(world["b"]), MARCH)
    assert [(r.id, r.note) for r in up] == [(world["c4"].pk, "reported 2026-03-05, referred up to 测试区")]
    reopened = metrics.records("cases.reopened_rate", Subject.person(world["p1"].pk), MARCH)
    assert [r.id for r in reopened] == [world["c3"].pk]
    rated = metrics.records("cases.satisfaction_rate", Subject.unit(world["dept"]), MARCH)
    assert [(r.id, r.note) for r in rated] == [
        (world["c1"].pk, "rated Satisfied on 2026-03-05"),
        (world["c6"].pk, "rated Unsatisfied on 2026-03-15"),
    ]


def _queries(key: str, subs: list[Subject], param: str = "") -> int:
    with CaptureQueriesContext(connection) as ctx:
        metrics.compute(key, subs, MARCH, param)
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "param", "most"),
    [
        ("cases.on_time_rate", "handle", 1),
        ("cases.satisfaction_rate", "", 2),
        ("cases.card_points", "", 1),
        ("cases.red_cards", "", 1),
        ("cases.referred_up_rate", "", 1),
        ("cases.reopened_rate", "", 2),
        ("cases.daily_compliance", "", 4),
    ],
)
def test_query_count_does_not_grow_with_the_subjects(
    world: dict[str, Any], steady_caches: None, key: str, param: str, most: int
) -> None:
    kinds = metrics.get_metric(key).subject_kinds
    every = [s for s in subjects(world).values() if s.kind in kinds]
    metrics.compute(key, every, MARCH, param)  # warm the calendar and category caches
    few = [every[0]] + [s for s in every if s.kind == "person"]
    assert _queries(key, few, param) == _queries(key, every, param) <= most


def _bulk_queries(key: str, subs: list[Subject], param: str = "", limit: int = 3) -> tuple[int, dict[Subject, Any]]:
    with CaptureQueriesContext(connection) as ctx:
        found = metrics.records_bulk(key, subs, MARCH, param, limit=limit)
    return len(ctx.captured_queries), found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "param", "queries"),
    [
        ("cases.on_time_rate", "handle", 1),
        ("cases.on_time_rate", "verify", 1),
        ("cases.satisfaction_rate", "", 1),
        ("cases.card_points", "", 1),
        ("cases.red_cards", "", 1),
        ("cases.referred_up_rate", "", 1),
        ("cases.reopened_rate", "", 1),
    ],
)
def test_bulk_records_match_each_subjects_records_in_a_fixed_number_of_queries(
    world: dict[str, Any], steady_caches: None, key: str, param: str, queries: int
) -> None:
    kinds = metrics.get_metric(key).subject_kinds
    every = [s for s in subjects(world).values() if s.kind in kinds]
    metrics.records_bulk(key, every, MARCH, param)  # warm the calendar and category caches
    few = [every[0]] + [s for s in every if s.kind == "person"]
    for limit in (1, 3):
        count, bulk = _bulk_queries(key, every, param, limit)
        assert count == queries
        for subject in every:
            assert bulk[subject] == metrics.records(key, subject, MARCH, param, limit=limit), (key, subject, limit)
    assert _bulk_queries(key, few, param)[0] == queries
    assert any(bulk[s] for s in every), key  # the world has records behind every one of these metrics


@pytest.mark.django_db
def test_bulk_daily_records_match_each_subjects_records(
    world: dict[str, Any], steady_caches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luoshi.cases.metrics.timeutil.today", lambda: dt.date(2026, 3, 6))
    user, community = world["user"], world["community"]
    KeyPerson.objects.create(name="某某", unit=community, classification=KeyPersonClass.OTHER, cadre=world["p2"])
    DailyReport.objects.bulk_create([
        DailyReport(kind=DailyKind.ASSESSMENT, unit=world["a"], report_date=dt.date(2026, 3, 2), filed_by=user),
        DailyReport(kind=DailyKind.SCREENING, unit=community, report_date=dt.date(2026, 3, 3), filed_by=user),
        DailyReport(kind=DailyKind.CADRE, unit=community, person=world["p2"], report_date=dt.date(2026, 3, 2),
                    filed_by=user),
    ])  # fmt: skip
    every = [*units_only(subjects(world)).values(), Subject.person(world["p1"].pk), Subject.person(world["p2"].pk)]
    metrics.records_bulk("cases.daily_compliance", every, MARCH)  # warm the calendar
    count, bulk = _bulk_queries("cases.daily_compliance", every, limit=2)
    assert count == 4  # filed unit reports, owing units; the cadres, their reports
    for subject in every:
        assert bulk[subject] == metrics.records("cases.daily_compliance", subject, MARCH, limit=2), subject
    assert [r.label for r in bulk[Subject.unit(world["district"])]] == ["甲街道", "甲一社区"]
    assert [r.label for r in bulk[Subject.person(world["p2"].pk)]] == ["包保乙"]
