"""Writes: values (insert, replace, history, audit, sums), targets, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.core import audit
from luoshi.core.errors import Forbidden, NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.indicators import services
from luoshi.indicators.models import ImportBatch, IndicatorValue, Source, Target, ValueChange
from luoshi.indicators.services import TargetRow, ValueRow


def test_values_save_creates_then_replaces_with_history(tree, ind, people):
    a = tree["a"]
    first = services.values_save(actor=people["sup_a"], rows=[ValueRow(a, ind["gdp"], 2026, 8, Decimal("149976"))])
    assert (first.created, first.updated) == (1, 0)
    again = services.values_save(
        actor=people["sup_a"],
        rows=[
            ValueRow(a, ind["gdp"], 2026, 8, Decimal("150000"), Decimal("12.5")),
            ValueRow(a, ind["tax"], 2026, 8, Decimal("1.69")),
        ],
    )
    assert (again.created, again.updated, again.unchanged) == (1, 1, 0)
    value = IndicatorValue.objects.get(unit=a, indicator=ind["gdp"], year=2026, month=8)
    assert value.value == Decimal("150000") and value.yoy_reported == Decimal("12.5")
    change = ValueChange.objects.filter(unit=a, indicator=ind["gdp"]).order_by("-id").first()
    assert (change.before, change.after) == (Decimal("149976"), Decimal("150000"))
    entry = next(e for e in audit.entries_for(a) if e.verb == "indicators.values")
    assert entry.changes["规上工业产值 2026-08"] == {"before": "149976", "after": "150000"}
    same = services.values_save(actor=people["sup_a"], rows=[ValueRow(a, ind["tax"], 2026, 8, Decimal("1.69"))])
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)


def test_staff_may_not_enter_and_other_units_are_not_found(tree, ind, people):
    with pytest.raises(Forbidden):
        services.values_save(actor=people["staff_a"], rows=[ValueRow(tree["a"], ind["gdp"], 2026, 8, Decimal(1))])
    with pytest.raises(NotFound):
        services.values_save(actor=people["sup_a"], rows=[ValueRow(tree["b"], ind["gdp"], 2026, 8, Decimal(1))])
    with pytest.raises(Forbidden):
        services.values_save(actor=people["district"], rows=[ValueRow(tree["a"], ind["gdp"], 2026, 8, Decimal(1))])
    assert not IndicatorValue.objects.exists()


def test_all_or_nothing(tree, ind, people):
    rows = [
        ValueRow(tree["a"], ind["gdp"], 2026, 8, Decimal(1)),
        ValueRow(tree["a"], ind["gdp"], 2026, 8, Decimal(2)),
    ]
    with pytest.raises(ValidationFailed, match="重复出现"):
        services.values_save(actor=people["sup_a"], rows=rows)
    with pytest.raises(ValidationFailed):
        services.values_save(actor=people["sup_a"], rows=[ValueRow(tree["a"], ind["gdp"], 2026, 13, Decimal(1))])
    with pytest.raises(ValidationFailed):
        services.values_save(actor=people["sup_a"], rows=[ValueRow(tree["a"], ind["gdp"], 2026, 1, Decimal("1e17"))])
    assert not IndicatorValue.objects.exists()
    assert not ImportBatch.objects.exists()


def test_unit_kind_must_report_the_indicator(tree, ind, people):
    with pytest.raises(ValidationFailed, match="汇总"):
        services.values_save(actor=people["sup_a"], rows=[ValueRow(tree["a"], ind["firms"], 2026, 3, Decimal(5))])
    with pytest.raises(ValidationFailed):
        services.values_save(actor=people["sup_a"], rows=[ValueRow(tree["community"], ind["gdp"], 2026, 3, Decimal(5))])


def test_community_values_sum_up_the_tree(tree, ind, people):
    from luoshi.org.tests.factories import UnitFactory

    second = UnitFactory(name="甲二社区", kind="community", code="TA02", parent=tree["a"])
    result = services.values_save(
        actor=people["admin"],
        rows=[
            ValueRow(tree["community"], ind["firms"], 2026, 3, Decimal(12)),
            ValueRow(second, ind["firms"], 2026, 3, Decimal(30)),
            ValueRow(tree["b_community"], ind["firms"], 2026, 3, Decimal(7)),
        ],
    )
    assert result.aggregated == 3  # 甲街道, 乙街道, 测试区
    sums = dict(
        IndicatorValue.objects.filter(indicator=ind["firms"], source=Source.AGGREGATED).values_list(
            "unit__code", "value"
        )
    )
    assert sums == {"TA": Decimal(42), "TB": Decimal(7), "TD": Decimal(49)}
    services.values_save(actor=people["sup_a"], rows=[ValueRow(second, ind["firms"], 2026, 3, Decimal(31))])
    assert IndicatorValue.objects.get(unit=tree["district"], indicator=ind["firms"]).value == Decimal(50)


def test_targets_are_set_from_above(tree, ind, people):
    written = services.targets_save(
        actor=people["dsup"], rows=[TargetRow(tree["a"], ind["gdp"], 2026, Decimal(250000))]
    )
    assert written == 1
    with pytest.raises(Forbidden):
        services.targets_save(actor=people["sup_a"], rows=[TargetRow(tree["a"], ind["gdp"], 2026, Decimal(1))])
    with pytest.raises(NotFound):
        services.targets_save(actor=people["sup_b"], rows=[TargetRow(tree["a"], ind["gdp"], 2026, Decimal(1))])
    services.targets_save(actor=people["dsup"], rows=[TargetRow(tree["a"], ind["gdp"], 2026, Decimal(260000))])
    assert Target.objects.get(unit=tree["a"], indicator=ind["gdp"]).value == Decimal(260000)
    entry = ActivityLog.objects.filter(verb="indicators.targets").order_by("-id").first()
    assert entry.changes == {"规上工业产值 2026": {"before": "250000", "after": "260000"}}
    with pytest.raises(ValidationFailed):
        services.targets_save(actor=people["dsup"], rows=[TargetRow(tree["a"], ind["gdp"], 2026, Decimal(0))])
