"""Excel import: template, both layouts, every bad row reported, all-or-nothing, re-import replaces."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.core import audit
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.indicators import services
from luoshi.indicators.excel import template_workbook
from luoshi.indicators.models import ImportStatus, IndicatorValue, Source, ValueChange


def _xlsx(rows, *, percent_cells=()):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in percent_cells:
        sheet[ref].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_round_trip(tree, ind, people):
    data = template_workbook([tree["a"], tree["b"]], [ind["gdp"], ind["tax"]], 2026, 8)
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    sheet["C4"] = 149976
    sheet["D4"] = "1.69亿元"
    sheet["C5"] = "12,000"
    out = io.BytesIO()
    book.save(out)
    batch = services.import_preview(actor=people["dsup_enter"], data=out.getvalue(), file_name="t.xlsx")
    assert batch.errors == []
    assert batch.summary["layout"] == "wide"
    assert batch.summary["periods"] == ["2026-08"]
    assert batch.row_count == 3
    result = services.import_commit(actor=people["dsup_enter"], batch=batch)
    assert result.created == 3
    assert IndicatorValue.objects.get(unit=tree["a"], indicator=ind["tax"]).value == Decimal("1.69")
    assert IndicatorValue.objects.get(unit=tree["b"], indicator=ind["gdp"]).source == Source.IMPORTED


@pytest.fixture
def dsup_enter(people):
    """The district supervisor also enters values for the subdistricts (ENTER is inherited down the tree)."""
    return people["dsup"]


@pytest.fixture(autouse=True)
def _alias(people, dsup_enter):
    people["dsup_enter"] = dsup_enter


def test_long_layout_with_every_kind_of_bad_row(tree, ind, people):
    data = _xlsx(
        [
            ["单位", "指标", "年份", "月份", "数值", "同比(%)"],
            ["TA", "规上工业总产值", 2026, 8, "1,234.5", "12.5"],  # ok (alias, thousands separator)
            ["甲街道", "t_tax", 2026, 8, "-0.5亿元", None],  # ok (name, negative, 亿元)
            ["丁街道", "t_tax", 2026, 8, 1, None],  # unknown unit
            ["TA", "不存在的指标", 2026, 8, 1, None],  # unknown indicator
            ["TA", "t_output", 2026, 13, 1, None],  # bad month
            ["TA", "t_output", 2026, 7, "很多", None],  # not a number
            ["TA", "t_output", 2026, 6, "3平方米", None],  # wrong unit
            ["TA", "t_output", 2026, 8, 2, None],  # duplicate of row 2
            ["TA", "t_firms", 2026, 8, 2, None],  # summed from communities
            ["TA01", "t_output", 2026, 8, 2, None],  # community does not report it
            ["TA", "t_output", 2026, 5, 1, "快"],  # bad growth
        ]
    )
    batch = services.import_preview(actor=people["sup_a"], data=data, file_name="long.xlsx")
    assert batch.summary["layout"] == "long"
    assert batch.row_count == 2
    rows = {e["row"]: e["message"] for e in batch.errors}
    assert sorted(rows) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "丁街道" in rows[4]
    assert "不存在的指标" in rows[5]
    assert "第 2 行" in rows[9] or "row 2" in rows[9]
    with pytest.raises(ValidationFailed) as caught:
        services.import_commit(actor=people["sup_a"], batch=batch)
    # The one code for an import with bad rows (issue 15: it was "has_errors" here).
    assert (caught.value.code, caught.value.status) == ("import_invalid", 400)
    assert len(caught.value.details) == 9
    assert not IndicatorValue.objects.exists()


def test_scope_in_import(tree, ind, people):
    data = _xlsx(
        [["单位", "指标", "年份", "月份", "数值"], ["TB", "t_output", 2026, 8, 1], ["TA", "t_output", 2026, 8, 1]]
    )
    batch = services.import_preview(actor=people["sup_a"], data=data, file_name="x.xlsx")
    assert [e["row"] for e in batch.errors] == [2]  # 乙 is outside 甲's scope: "not known"
    with pytest.raises(Forbidden):  # staff may not enter values at all, so may not start an import either
        services.import_preview(actor=people["staff_a"], data=data, file_name="x.xlsx")


def test_percent_cells(tree, ind, people):
    from luoshi.indicators.tests.factories import IndicatorFactory

    rate = IndicatorFactory(code="t_rate", name="化解率", unit="%", kind="ratio")
    data = _xlsx([["单位", "指标", "年份", "月份", "数值"], ["TA", "t_rate", 2026, 8, 0.965]], percent_cells=["E2"])
    batch = services.import_preview(actor=people["sup_a"], data=data, file_name="p.xlsx")
    assert batch.errors == []
    services.import_commit(actor=people["sup_a"], batch=batch)
    assert IndicatorValue.objects.get(indicator=rate).value == Decimal("96.5")


def test_reimport_replaces_and_is_audited(tree, ind, people):
    header = ["单位", "指标", "年份", "月份", "数值"]
    first = services.import_preview(
        actor=people["sup_a"], data=_xlsx([header, ["TA", "t_output", 2026, 8, 100]]), file_name="v1.xlsx"
    )
    services.import_commit(actor=people["sup_a"], batch=first)
    second = services.import_preview(
        actor=people["sup_a"], data=_xlsx([header, ["TA", "t_output", 2026, 8, 120]]), file_name="v2.xlsx"
    )
    assert second.summary["replaced"] == 1 and second.summary["changed"] == 1
    result = services.import_commit(actor=people["sup_a"], batch=second)
    assert (result.created, result.updated) == (0, 1)
    assert IndicatorValue.objects.get(unit=tree["a"], indicator=ind["gdp"]).value == Decimal(120)
    change = ValueChange.objects.filter(batch=second).get()
    assert (change.before, change.after) == (Decimal(100), Decimal(120))
    entries = [e for e in audit.entries_for(tree["a"]) if e.verb == "indicators.values"]
    assert entries[0].changes == {"规上工业产值 2026-08": {"before": "100", "after": "120"}}
    assert [e.verb for e in audit.entries_for(second)] == ["indicators.import"]
    with pytest.raises(Conflict) as caught:
        services.import_commit(actor=people["sup_a"], batch=second)
    assert caught.value.code == "not_open"


def test_discard(tree, ind, people):
    batch = services.import_preview(
        actor=people["sup_a"],
        data=_xlsx([["单位", "指标", "年份", "月份", "数值"], ["TA", "t_output", 2026, 8, 1]]),
        file_name="d.xlsx",
    )
    services.import_discard(actor=people["sup_a"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED
    assert not IndicatorValue.objects.exists()


def test_not_a_workbook(people):
    with pytest.raises(ValidationFailed):
        services.import_preview(actor=people["sup_a"], data=b"not a zip", file_name="x.xlsx")
    with pytest.raises(ValidationFailed):
        services.import_preview(actor=people["sup_a"], data=_xlsx([["a", "b"], [1, 2]]), file_name="x.xlsx")


def test_text_preview_and_save(tree, ind, people):
    from luoshi.indicators.tests.test_parser import SEED_004_TAIL

    batch = services.text_preview(
        actor=people["sup_a"], unit=tree["a"], text=SEED_004_TAIL + "\n税收收入1.5亿元", year=2026
    )
    mentions = batch.summary["mentions"]
    assert len(mentions) == 8
    saved = [m for m in mentions if not m["problem"]]
    # The heading's period (1-8月) reaches the added line too.
    assert [(m["indicator_name"], m["month"], m["converted"]) for m in saved] == [
        ("规上工业产值", 8, "149976"),
        ("税收收入", 8, "1.5"),
    ]
    assert mentions[0]["problem"]  # 一般公共预算总收入 is not in this test's catalogue
    result = services.import_commit(actor=people["sup_a"], batch=batch)
    assert result.created == 2
    no_period = services.text_preview(actor=people["sup_a"], unit=tree["a"], text="税收收入1.5亿元", year=2026)
    assert no_period.rows == [] and no_period.summary["mentions"][0]["problem"]
    value = IndicatorValue.objects.get(unit=tree["a"], indicator=ind["gdp"], year=2026, month=8)
    assert value.source == Source.PARSED
    with_month = services.text_preview(
        actor=people["sup_a"], unit=tree["a"], text="税收收入1.5亿元，同比增长3%", year=2026, month=9
    )
    assert with_month.rows == [[tree["a"].pk, ind["tax"].pk, 2026, 9, "1.5", "3", 1]]


def test_text_preview_saves_the_figures_of_places_for_those_units(tree, ind, people):
    text = (
        "1-8月，全区税收收入10.5亿元，同比增长3%，其中，甲街道3.2亿元、增长5.1%，乙街道2.1亿元、下降1.2%，外镇1亿元。"
    )
    batch = services.text_preview(actor=people["dsup"], unit=tree["district"], text=text, year=2026)
    mentions = batch.summary["mentions"]
    assert [(m["place"], m["saved_for"], bool(m["problem"])) for m in mentions] == [
        ("", "", True),  # 税收收入 is reported by subdistricts, not by the district itself
        ("甲街道", "甲街道", False),
        ("乙街道", "乙街道", False),
        ("外镇", "", True),  # not a unit below the district
    ]
    assert sorted(batch.rows) == sorted(
        [
            [tree["a"].pk, ind["tax"].pk, 2026, 8, "3.2", "5.1", 2],
            [tree["b"].pk, ind["tax"].pk, 2026, 8, "2.1", "-1.2", 3],
        ]
    )
    result = services.import_commit(actor=people["dsup"], batch=batch)
    assert result.created == 2
    assert IndicatorValue.objects.get(unit=tree["b"], indicator=ind["tax"]).value == Decimal("2.1")
    # A subdistrict's supervisor pasting the same text saves nothing for the other subdistrict.
    own = services.text_preview(actor=people["sup_a"], unit=tree["a"], text=text, year=2026)
    assert own.rows == [[tree["a"].pk, ind["tax"].pk, 2026, 8, "3.2", "5.1", 2]]  # its own figure, not the total
    assert [bool(m["problem"]) for m in own.summary["mentions"]] == [True, False, True, True]


@pytest.mark.django_db
def test_postgresql_copy_falls_back_to_the_upsert_when_a_key_appeared(tree, ind, people):
    """A first import copies straight into the table; a value written meanwhile is replaced, not an error."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from django.utils import timezone

    from luoshi.indicators.tests.factories import put_value

    put_value(tree["a"], ind["gdp"], 2026, 8, "100")  # "meanwhile": not seen when the rows were prepared
    now = timezone.now()
    rows = [
        (tree["a"].pk, ind["gdp"].pk, 2026, 8, Decimal(120), None, "imported", None, now, None),
        (tree["b"].pk, ind["gdp"].pk, 2026, 8, Decimal(130), None, "imported", None, now, None),
    ]
    changes = [(r[0], r[1], 2026, 8, None, r[4], "imported", None, None, now) for r in rows]
    with connection.cursor() as cursor:
        services._copy_pg(cursor, rows, changes, all_new=True)
    values = dict(IndicatorValue.objects.filter(indicator=ind["gdp"]).values_list("unit_id", "value"))
    assert values == {tree["a"].pk: Decimal(120), tree["b"].pk: Decimal(130)}
    assert ValueChange.objects.filter(indicator=ind["gdp"]).count() == 2


def test_text_preview_saves_ranks_where_the_catalogue_has_a_rank_indicator(tree, ind, people):
    from luoshi.indicators.tests.factories import IndicatorFactory

    rank = IndicatorFactory(code="t_output_rank", name="规上工业产值排名", unit="位", direction="lower")
    text = (
        "1-8月，规模以上工业总产值14.9亿元，完成年度目标20亿元的74.5%，比上年增加1.2亿元，增长8.8%，"
        "列全区第2位，较上年上升1位；税收收入1.5亿元，居全区第3位；综合考核排名全区第4。"
    )
    batch = services.text_preview(actor=people["sup_a"], unit=tree["a"], text=text, year=2026)
    mentions = batch.summary["mentions"]
    assert [
        (m["name"], m["indicator_name"], m["rank"], m["rank_saved_as"], m["rank_problem"], bool(m["problem"]))
        for m in mentions
    ] == [
        # 规模以上工业总产值 is the catalogue's 规上工业总产值 once the short form is folded.
        ("规模以上工业总产值", "规上工业产值", 2, "规上工业产值排名", "", False),
        ("税收收入", "税收收入", 3, "", "", False),  # no rank indicator for 税收收入: the rank is shown, not saved
        ("综合考核", "", 4, "", "", True),  # neither the indicator nor its rank is in the catalogue
    ]
    assert mentions[0]["plan_value"] == 20.0 and mentions[0]["yoy_abs"] == 1.2 and mentions[0]["rank_change"] == 1
    assert batch.rows == [
        [tree["a"].pk, ind["gdp"].pk, 2026, 8, "149000.0", "8.8", 1],
        [tree["a"].pk, rank.pk, 2026, 8, "2", None, 1],
        [tree["a"].pk, ind["tax"].pk, 2026, 8, "1.5", None, 2],
    ]
    services.import_commit(actor=people["sup_a"], batch=batch)
    saved = IndicatorValue.objects.get(unit=tree["a"], indicator=rank, year=2026, month=8)
    assert (saved.value, saved.source) == (Decimal("2"), Source.PARSED)


def test_text_preview_saves_a_rank_that_is_the_whole_mention(tree, ind, people):
    from luoshi.indicators.tests.factories import IndicatorFactory

    rank = IndicatorFactory(code="t_review_rank", name="综合考核排名", unit="位", direction="lower")
    batch = services.text_preview(
        actor=people["sup_a"], unit=tree["a"], text="2026年，综合考核排名全区第4，较上年后移2位。", year=2026
    )
    [mention] = batch.summary["mentions"]
    assert (mention["rank_saved_as"], mention["problem"], mention["rank_change"]) == ("综合考核排名", "", -2)
    assert batch.rows == [[tree["a"].pk, rank.pk, 2026, 12, "4", None, 1]]


def test_a_computed_indicator_is_refused_per_row_on_import(tree, ind, people):
    from luoshi.core import metrics
    from luoshi.core.metrics import Direction, Metric, SubjectKind

    metrics.register_metric(
        Metric("fake.count", "假的台账", "个", Direction.HIGHER, frozenset({SubjectKind.UNIT}), lambda s, p, q: {})
    )
    try:
        ind["gdp"].metric = "fake.count"
        ind["gdp"].save()
        data = _xlsx(
            [["单位", "指标", "年份", "月份", "数值"], ["TA", "t_output", 2026, 8, 1], ["TA", "t_tax", 2026, 8, 1]]
        )
        batch = services.import_preview(actor=people["sup_a"], data=data, file_name="c.xlsx")
        assert [e["row"] for e in batch.errors] == [2]
        assert "假的台账" in batch.errors[0]["message"] and "一数一源" in batch.errors[0]["message"]
        with pytest.raises(ValidationFailed):
            services.import_commit(actor=people["sup_a"], batch=batch)
        assert not IndicatorValue.objects.exists()
    finally:
        metrics.unregister_metric("fake.count")
