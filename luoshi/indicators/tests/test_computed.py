"""Indicator values computed from registered metrics (一数一源), with a fake metric."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from luoshi.core import metrics
from luoshi.core.metrics import Direction, Figure, Metric, Period, Subject, SubjectKind
from luoshi.indicators import computed
from luoshi.indicators.models import Indicator, IndicatorKind, IndicatorValue, Source

pytestmark = pytest.mark.django_db


#: The fake metric's figure for every unit: the month number × 10 000 (say 万元).
def _fake(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    return {s: Figure(Decimal(period.first_month * 10000)) for s in subjects if s.path.count("/") == 3}


@pytest.fixture
def fake_metric() -> Any:
    metrics.register_metric(
        Metric("fake.money", "fake", "万元", Direction.HIGHER, frozenset({SubjectKind.UNIT}), _fake)
    )
    yield
    metrics.unregister_metric("fake.money")


def indicator(code: str, kind: str, scale: str = "1", decimals: int = 0) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name=code,
        unit="亿元",
        kind=kind,
        metric="fake.money",
        metric_scale=Decimal(scale),
        decimals=decimals,
        unit_kinds=["subdistrict"],
    )


def test_cumulative_and_point_values_with_a_scale(tree: dict[str, Any], fake_metric: Any) -> None:
    cumulative = indicator("fake_cumulative", IndicatorKind.CUMULATIVE, "0.0001", 2)
    point = indicator("fake_point", IndicatorKind.POINT)
    written = computed.compute_months(2026, [2, 3], indicators=[cumulative, point])
    # Two subdistricts (甲, 乙) × two months for each indicator.
    assert written == {"fake_cumulative": 4, "fake_point": 4}
    rows = {
        (v.indicator.code, v.unit.code, v.month): (v.value, v.source)
        for v in IndicatorValue.objects.select_related("indicator", "unit")
    }
    assert rows[("fake_cumulative", "TA", 2)] == (Decimal("3.00"), Source.COMPUTED)  # (1 + 2) 万 → 亿
    assert rows[("fake_cumulative", "TA", 3)] == (Decimal("6.00"), Source.COMPUTED)
    assert rows[("fake_point", "TB", 3)] == (Decimal("30000"), Source.COMPUTED)
    # Running again writes nothing; a value typed over a computed one is put back.
    assert computed.compute_months(2026, [2, 3], indicators=[cumulative, point]) == {
        "fake_cumulative": 0,
        "fake_point": 0,
    }
    IndicatorValue.objects.filter(indicator=point, month=3).update(value=Decimal(1), source=Source.ENTERED)
    assert computed.compute_months(2026, [3], indicators=[point]) == {"fake_point": 2}


def test_only_registered_metrics_are_used(tree: dict[str, Any], fake_metric: Any) -> None:
    indicator("fake_ok", IndicatorKind.POINT)
    Indicator.objects.create(code="fake_unknown", name="unknown", unit="个", metric="nobody.nothing")
    codes = [i.code for i in computed.bound_indicators()]
    assert "fake_ok" in codes and "fake_unknown" not in codes


def test_the_seeded_catalogue_is_bound_to_the_projects_and_relocation_metrics(db: Any) -> None:
    bound = dict(Indicator.objects.exclude(metric="").values_list("code", "metric"))
    assert bound == {
        "key_project_investment": "projects.investment_completed",
        "signed_projects": "projects.leads_signed",
        "signed_investment": "projects.leads_signed_amount",
        "projects_in_talks": "projects.leads_in_talks",
        "talks_amount": "projects.leads_in_talks_amount",
        "acquisition_households": "relocation.households_signed",
        "enterprise_problems_solved": "projects.enterprise_requests_closed",
    }


# --- A computed indicator is never typed: entry, import and text are refused with the reason ---------


def test_typing_a_computed_value_is_refused_with_its_source(tree: dict[str, Any], fake_metric: Any) -> None:
    from luoshi.core.errors import ValidationFailed
    from luoshi.indicators import services
    from luoshi.org.tests.factories import user_with_role

    bound = indicator("fake_bound", IndicatorKind.POINT)
    admin = user_with_role("admin", tree["district"], username="adm")
    with pytest.raises(ValidationFailed) as caught:
        services.values_save(actor=admin, rows=[services.ValueRow(tree["a"], bound, 2026, 3, Decimal(5))])
    assert "fake_bound" in str(caught.value.message) and "一数一源" in str(caught.value.message)
    assert not IndicatorValue.objects.filter(indicator=bound).exists()
    assert services.entry_problem(tree["a"], bound) == str(caught.value.message)
    # Unbound (typed) indicators are not affected.
    bound.metric = ""
    bound.save()
    assert services.entry_problem(tree["a"], bound) is None
