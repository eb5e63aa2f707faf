"""``luoshi scorecard parse FILE --json``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from luoshi.indicators.tests.test_parser import SEED_004_TAIL


def test_parse_json(tmp_path):
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
    }


def test_parse_gb18030_table(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("一季度财政总收入6.19亿元".encode("gb18030"))
    out = io.StringIO()
    call_command("scorecard", "parse", str(path), stdout=out)
    assert out.getvalue().splitlines() == ["一季度\t财政总收入\t6.19\t亿元\t\t", "1 mention(s)"]


def test_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("scorecard", "parse", "/nonexistent/file.txt", "--json")
