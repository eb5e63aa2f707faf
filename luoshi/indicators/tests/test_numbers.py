"""Number formats: thousands separators, 万/亿, decimals, negatives, percentages, full width."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.indicators.numbers import Quantity, convert, parse_quantity, split_unit
from luoshi.indicators.parser import parse

_FULL = str.maketrans("0123456789.,%-", "０１２３４５６７８９．，％－")

numbers = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2)


def render(number: Decimal, *, thousands: bool, full_width: bool) -> str:
    text = f"{abs(number):,.2f}" if thousands else f"{abs(number):.2f}"
    if number < 0:
        text = "-" + text
    return text.translate(_FULL) if full_width else text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(numbers, st.booleans(), st.booleans(), st.sampled_from(["", "万", "亿", "万元", "亿元", "%", "平方米"]))
def test_parse_quantity_round_trip(number, thousands, full_width, unit):
    text = render(number, thousands=thousands, full_width=full_width) + unit
    assert parse_quantity(text) == Quantity(number, unit)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=2),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["万元", "亿元", "元", "万平方米", "户", "个"]),
    st.sampled_from(["", "多", "余"]),
)
def test_parser_reads_every_number_format(number, thousands, full_width, unit, approx):
    text = f"规上工业产值完成{render(number, thousands=thousands, full_width=full_width)}{approx}{unit}。"
    [mention] = parse(text)
    assert mention.value == float(number)
    assert mention.unit == unit
    assert mention.name == "规上工业产值"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("999.9"), places=1),
    st.sampled_from(["同比增长", "比增", "增长", "增速", "增幅为", "同比上升"]),
    st.sampled_from(["同比下降", "下降", "减少", "回落", "同比减少"]),
    st.booleans(),
)
def test_parser_signs_growth(pct, up_word, down_word, full_width):
    rendered = f"{pct}%".translate(_FULL) if full_width else f"{pct}%"
    [up] = parse(f"税收收入100万元，{up_word}{rendered}")
    [down] = parse(f"税收收入100万元，{down_word}{rendered}")
    assert up.yoy_pct == float(pct)
    assert down.yoy_pct == -float(pct) or (pct == 0 and down.yoy_pct == 0)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("1,234.5", "1234.5", ""),
        ("16,915万元", "16915", "万元"),
        ("６.１９亿元", "6.19", "亿元"),
        ("-3.2%", "-3.2", "%"),
        ("负12%", "-12", "%"),
        ("54000多平方米", "54000", "平方米"),
        ("30多万元", "30", "万元"),
        ("5万余人", "5", "万人"),
        ("约40亿元", "40", "亿元"),
        ("300余件", "300", "件"),
        ("20%以上", "20", "%"),
        (".5", "0.5", ""),
        ("1 234 567", "1234567", ""),
    ],
)
def test_parse_quantity_examples(text, number, unit):
    assert parse_quantity(text) == Quantity(Decimal(number), unit)


@pytest.mark.parametrize("text", ["", "abc", "万元", "--3", "1.2.3"])
def test_parse_quantity_rejects(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("unit", "factor", "base"),
    [
        ("亿元", Decimal(10**8), "元"),
        ("万元", Decimal(10**4), "元"),
        ("元", Decimal(1), "元"),
        ("万平方米", Decimal(10**4), "平方米"),
        ("万", Decimal(10**4), ""),
        ("千米", Decimal(1000), "米"),
        ("公里", Decimal(1000), "米"),
        ("%", Decimal(1), "%"),
    ],
)
def test_split_unit(unit, factor, base):
    assert split_unit(unit) == (factor, base)


def test_convert():
    assert convert(Decimal("6.19"), "亿元", "万元") == Decimal("61900")
    assert convert(Decimal("16915"), "万元", "亿元") == Decimal("1.6915")
    assert convert(Decimal("1.2"), "亿", "万元") == Decimal("12000")
    assert convert(Decimal("12"), "", "万元") == Decimal("12")
    assert convert(Decimal("3"), "个", "个") == Decimal("3")
    assert convert(Decimal("3"), "万元", "平方米") is None
