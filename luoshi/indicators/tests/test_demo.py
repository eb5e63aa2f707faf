"""Demo data: idempotent, and the seed figures sit where the sources put them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from luoshi.indicators import demo, selectors
from luoshi.indicators.models import IndicatorValue, Source
from luoshi.org.models import Unit

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_data(demo_org):
    return demo.load(today=TODAY)


def _value(code, indicator, year, month):
    return IndicatorValue.objects.get(unit__code=code, indicator__code=indicator, year=year, month=month)


def test_period():
    assert demo.demo_period(TODAY) == (2026, 10)
    assert demo.demo_period(dt.date(2026, 5, 1)) == (2025, 12)
    assert demo.demo_period(dt.date(2026, 1, 3)) == (2025, 12)


def test_seed_figures(demo_data):
    assert demo_data["values"] > 5000
    assert _value("CD", "public_budget_revenue", 2026, 8).value == Decimal("16915")
    assert _value("CD", "construction_investment", 2026, 8).value == Decimal("151384")
    assert _value("BBX", "fiscal_revenue", 2026, 3).value == Decimal("61900")
    assert _value("BBX", "new_product_output", 2026, 3).value == Decimal("264000")
    wm = _value("WM", "trade_catering_sales", 2026, 3)
    assert wm.value == Decimal("445200")
    rd = _value("BBX", "rd_investment", 2025, 12)
    assert (rd.value, rd.yoy_reported) == (Decimal("86900"), Decimal("12.4"))


def test_seed_growth_is_computed_from_last_year(demo_data):
    user = Unit.objects.get(code="CD")
    from luoshi.accounts.models import User

    leader = User.objects.get(username="leader")
    card = selectors.scorecard(leader, user, 2026, 8)
    yoy = {r.indicator.code: r.figures.yoy for r in card.rows}
    assert yoy["construction_investment"] == Decimal("61.70")
    assert yoy["wholesale_sales"] == Decimal("28.00")
    assert yoy["services_revenue"] == Decimal("2.70")
    wm = Unit.objects.get(code="WM")
    district = User.objects.get(username="district")
    wm_card = selectors.scorecard(district, wm, 2026, 3)
    assert {r.indicator.code: r.figures.yoy for r in wm_card.rows}["trade_catering_sales"] == Decimal("17.20")


def test_sums_and_idempotence(demo_data):
    district = Unit.objects.get(code="SFQ")
    total = IndicatorValue.objects.get(unit=district, indicator__code="fiscal_revenue", year=2026, month=3)
    assert total.source == Source.AGGREGATED
    parts = IndicatorValue.objects.filter(
        unit__parent=district, indicator__code="fiscal_revenue", year=2026, month=3
    ).values_list("value", flat=True)
    assert total.value == sum(parts)
    cd_firms = IndicatorValue.objects.get(unit__code="CD", indicator__code="new_market_entities", year=2026, month=5)
    assert cd_firms.source == Source.AGGREGATED
    count = IndicatorValue.objects.count()
    assert demo.load(today=TODAY) == {"values": 0, "targets": 0}
    assert IndicatorValue.objects.count() == count
