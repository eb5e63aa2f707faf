"""``luoshi scorecard parse FILE --json``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from luoshi.indicators.tests.test_parser import SEED_004_TAIL


def test_parse_json(tmp_path, db):
    path = tmp_path / "chengdong.txt"
    path.write_text(SEED_004_TAIL, encoding="utf-8")
    out = io.StringIO()
    call_command("scorecard", "parse", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == 7
    assert data[4] == {
        "name": "建安投资",
        "value": 151384.0,
        "unit": "万元",
        "yoy_pct": 61.7,
        "plan_pct": None,
        "period": "1-8月",
        "plan_value": None,
        "plan_unit": None,
        "yoy_abs": None,
        "yoy_abs_unit": None,
        "rank": None,
        "rank_scope": None,
        "rank_change": None,
        "code": "construction_investment",  # from the seed catalogue in the database
    }


def test_parse_json_without_the_database(tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(
        "一般公共预算收入完成52,360万元，完成年初预算数118,000万元的44.4%，比上年增收3,120万元，增长6.3%，列全市第5位。",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("scorecard", "parse", str(path), "--json", "--compact", "--no-codes", stdout=out)
    assert json.loads(out.getvalue()) == [
        {
            "name": "一般公共预算收入",
            "value": 52360.0,
            "unit": "万元",
            "yoy_pct": 6.3,
            "plan_pct": 44.4,
            "period": None,
            "plan_value": 118000.0,
            "plan_unit": "万元",
            "yoy_abs": 3120.0,
            "yoy_abs_unit": "万元",
            "rank": 5,
            "rank_scope": "全市",
            "rank_change": None,
            "code": None,
        }
    ]


def test_parse_gb18030_table(tmp_path, db):
    path = tmp_path / "gbk.txt"
    path.write_bytes("一季度财政总收入6.19亿元，比上年减收0.3亿元，列全市第2位，较上年后移1位。".encode("gb18030"))
    out = io.StringIO()
    call_command("scorecard", "parse", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "一季度\t财政总收入\t6.19\t亿元\t\t\t\t-0.3亿元\t全市第2\t-1\tfiscal_revenue",
        "1 mention(s)",
    ]


def test_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("scorecard", "parse", "/nonexistent/file.txt", "--json")


def test_parse_without_a_catalogue_still_reads_the_figures(tmp_path, monkeypatch):
    from django.db import OperationalError

    from luoshi.indicators import selectors

    def no_table() -> dict[str, str]:
        raise OperationalError("no such table: indicators_indicator")

    monkeypatch.setattr(selectors, "catalogue_names", no_table)
    path = tmp_path / "one.txt"
    path.write_text("税收收入3.1亿元，列全市第2位。", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("scorecard", "parse", str(path), "--json", "--compact", stdout=out, stderr=err)
    [item] = json.loads(out.getvalue())
    assert (item["name"], item["value"], item["rank"], item["code"]) == ("税收收入", 3.1, 2, None)
    assert "no catalogue" in err.getvalue() and "--no-codes" in err.getvalue()
