"""Metrics read from the ledger: per period, rolled up the unit tree, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.relocation.tests.factories import START, Scene, make_campaign, make_household

pytestmark = pytest.mark.django_db

JUNE, JULY = Period.month(2026, 6), Period.month(2026, 7)


@pytest.fixture
def ledger(s: Scene) -> None:
    campaign = make_campaign(s)  # signing from 2026-06-30
    make_household(campaign, "001", signed_on=START, house_area=Decimal("100.50"))  # 30 June
    make_household(campaign, "002", signed_on=dt.date(2026, 7, 1), vacated_on=dt.date(2026, 7, 31))
    make_household(campaign, "003", signed_on=dt.date(2026, 7, 31), house_area=Decimal("50"))
    make_household(campaign, "004")
    # A campaign of another township, whose signing starts in August.
    make_campaign(s, code="TB-1", unit=s.other_township, team=s.other_township,
                  signing_starts_on=dt.date(2026, 8, 1), signing_deadline=dt.date(2026, 8, 30),
                  clearance_deadline=dt.date(2026, 10, 1))  # fmt: skip


def figures(key: str, subjects: list[Subject], period: Period) -> list[Any]:
    result = metrics.compute(key, subjects, period)
    return [result[s].value for s in subjects]


def test_signed_vacated_and_area_per_month_roll_up_to_the_township_and_district(
    s: Scene, ledger: None, tree: Any
) -> None:
    subjects = [Subject.unit(tree["district"]), Subject.unit(s.township), Subject.unit(s.team),
                Subject.unit(s.other_township), Subject.unit(s.other_dept)]  # fmt: skip
    # Units with no campaign count 0 households (a count, not a missing figure).
    assert figures("relocation.households_signed", subjects, JUNE) == [1, 1, 1, 0, 0]
    assert figures("relocation.households_signed", subjects, JULY) == [2, 2, 2, 0, 0]
    assert figures("relocation.households_vacated", subjects, JULY) == [1, 1, 1, 0, 0]
    assert figures("relocation.households_demolished", subjects, JULY) == [0, 0, 0, 0, 0]
    assert figures("relocation.area_signed", subjects[:2], JUNE) == [Decimal("100.50"), Decimal("100.50")]
    assert figures("relocation.households_signed", subjects[:1], Period.quarter(2026, 3)) == [2]


@pytest.mark.parametrize(
    ("period", "rate", "basis"),
    [
        (Period.month(2026, 5), None, ""),  # signing had not started: nothing to measure
        (JUNE, Decimal("25.00"), "1 / 4"),
        (JULY, Decimal("75.00"), "3 / 4"),
        (Period.whole_year(2026), Decimal("75.00"), "3 / 4"),
    ],
)
def test_signing_rate_at_the_end_of_the_period(s: Scene, ledger: None, period: Period, rate: Any, basis: str) -> None:
    figure = metrics.compute("relocation.signing_rate", [Subject.unit(s.township)], period)[Subject.unit(s.township)]
    assert (figure.value, figure.basis if rate is not None else "") == (rate, basis)


def test_records_lead_to_the_households(s: Scene, ledger: None) -> None:
    rows = metrics.records("relocation.households_signed", Subject.unit(s.township), JULY)
    assert [r.label for r in rows] == ["甲一号地块征收项目 002", "甲一号地块征收项目 003"]
    assert rows[0].url.startswith("/relocation/")
    behind = metrics.records("relocation.signing_rate", Subject.unit(s.township), JULY)
    assert [r.label for r in behind] == ["甲一号地块征收项目 004"]


def test_queries_do_not_grow_with_subjects(s: Scene, ledger: None, tree: Any, django_assert_num_queries: Any) -> None:
    few = [Subject.unit(s.township)]
    many = [
        Subject.unit(u) for u in (tree["district"], s.township, s.team, s.other_township, s.other_dept, tree["grid"])
    ]
    with django_assert_num_queries(1):
        metrics.compute("relocation.households_signed", few, JULY)
    with django_assert_num_queries(1):
        metrics.compute("relocation.households_signed", many, JULY)


def test_a_cadre_counts_the_households_they_are_responsible_for(
    s: Scene, tree: Any, django_assert_num_queries: Any
) -> None:
    from luoshi.org.tests.factories import PersonFactory

    campaign = make_campaign(s)
    peng, zhao, idle = PersonFactory(name="包户甲"), PersonFactory(name="包户乙"), PersonFactory(name="包户丙")
    make_household(campaign, "001", signed_on=START, cadre=peng)  # 30 June
    make_household(campaign, "002", signed_on=dt.date(2026, 7, 1), cadre=peng, house_area=Decimal("80"))
    make_household(campaign, "003", signed_on=dt.date(2026, 7, 31), cadre=zhao)
    make_household(campaign, "004", cadre=zhao)  # not signed
    make_household(campaign, "005", signed_on=dt.date(2026, 7, 2))  # nobody's
    people = [Subject.person(peng.pk), Subject.person(zhao.pk), Subject.person(idle.pk)]
    assert figures("relocation.households_signed", people, JUNE) == [1, 0, 0]
    assert figures("relocation.households_signed", people, JULY) == [1, 1, 0]
    assert figures("relocation.area_signed", people, JULY) == [Decimal("80.00"), Decimal("100.00"), Decimal("0.00")]
    # The township still counts every household, whoever carried it.
    assert figures("relocation.households_signed", [Subject.unit(s.township)], JULY) == [3]
    assert [r.label for r in metrics.records("relocation.households_signed", people[0], JULY)] == [
        "甲一号地块征收项目 002"
    ]
    every = [*people, Subject.unit(s.township), Subject.unit(tree["district"]), Subject.unit(s.other_township)]
    for limit in (1, 5):
        with django_assert_num_queries(1):
            bulk = metrics.records_bulk("relocation.households_signed", every, JULY, limit=limit)
        for subject in every:
            assert bulk[subject] == metrics.records("relocation.households_signed", subject, JULY, limit=limit)
    assert [r.label.split(" ")[1] for r in bulk[Subject.unit(s.township)]] == ["002", "005", "003"]


@pytest.mark.parametrize("key", ["relocation.signing_rate", "relocation.households_vacated", "relocation.area_signed"])
def test_bulk_records_match_each_subjects_records_in_one_query(
    s: Scene, ledger: None, tree: Any, key: str, django_assert_num_queries: Any
) -> None:
    every = [Subject.unit(u) for u in (tree["district"], s.township, s.team, s.other_township, s.other_dept)]
    for limit in (1, 5):
        with django_assert_num_queries(1):
            bulk = metrics.records_bulk(key, every, JULY, limit=limit)
        for subject in every:
            assert bulk[subject] == metrics.records(key, subject, JULY, limit=limit), (key, subject)
    assert bulk[Subject.unit(s.township)]  # the township has records behind each of these figures
