"""Factories and small fixtures for indicator tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from luoshi.indicators.models import Indicator, IndicatorValue, Source, Target
from luoshi.org.models import Unit


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_indicator_{n}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "万元"
    kind = "cumulative"
    direction = "higher"
    category = "economy"
    unit_kinds = factory.LazyFunction(lambda: ["township", "subdistrict"])
    aggregation = "none"


def put_value(unit: Unit, indicator: Indicator, year: int, month: int, value: Any, yoy: Any = None) -> IndicatorValue:
    row, _ = IndicatorValue.objects.update_or_create(
        unit=unit,
        indicator=indicator,
        year=year,
        month=month,
        defaults={
            "value": Decimal(str(value)),
            "yoy_reported": Decimal(str(yoy)) if yoy is not None else None,
            "source": Source.ENTERED,
        },
    )
    return row


def put_target(unit: Unit, indicator: Indicator, year: int, value: Any) -> Target:
    row, _ = Target.objects.update_or_create(
        unit=unit, indicator=indicator, year=year, defaults={"value": Decimal(str(value))}
    )
    return row
