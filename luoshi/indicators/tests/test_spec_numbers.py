"""Units as Chinese statistics write them, written out: what each unit is worth and what converts to what."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.indicators.numbers import Quantity, convert, parse_number, parse_quantity, split_unit

D = Decimal

# unit as written → (factor, base unit)
UNITS = [
    # Money and plain counts with every multiplier word.
    ("元", "1", "元"),
    ("千元", "1000", "元"),
    ("万元", "10000", "元"),
    ("十万元", "100000", "元"),
    ("百万元", "1000000", "元"),
    ("千万元", "10000000", "元"),
    ("亿元", "100000000", "元"),
    ("百亿元", "10000000000", "元"),
    ("千亿元", "100000000000", "元"),
    ("万亿元", "1000000000000", "元"),
    ("万人", "10000", "人"),
    ("万", "10000", ""),
    ("亿", "100000000", ""),
    ("千", "1000", ""),
    # Units whose name starts with 千 are a thousand of the base unit, not 千 × a unit.
    ("千克", "1000", "克"),
    ("千米", "1000", "米"),
    ("千瓦", "1000", "瓦"),
    ("千瓦时", "1000", "瓦时"),
    ("万千瓦", "10000000", "瓦"),
    ("万千瓦时", "10000000", "瓦时"),
    ("万千克", "10000000", "克"),
    ("万千米", "10000000", "米"),
    # Other names of a unit.
    ("公斤", "1000", "克"),
    ("吨", "1", "吨"),
    ("公里", "1000", "米"),
    ("万公里", "10000000", "米"),
    ("平米", "1", "平方米"),
    ("万平米", "10000", "平方米"),
    ("平方米", "1", "平方米"),
    ("万平方米", "10000", "平方米"),
    ("公顷", "10000", "平方米"),
    ("方", "1", "立方米"),
    ("万方", "10000", "立方米"),
    ("亩", "1", "亩"),
    ("万亩", "10000", "亩"),
    # Units that merely end like one: 厘米 is not a thousand of anything.
    ("厘米", "1", "厘米"),
    ("兆瓦", "1", "兆瓦"),
    # Percentages, full-width or not.
    ("%", "1", "%"),
    ("％", "1", "%"),
    ("", "1", ""),
]


@pytest.mark.parametrize(("unit", "factor", "base"), UNITS)
def test_what_each_unit_is_worth(unit, factor, base):
    assert split_unit(unit) == (D(factor), base)


# number, from, to → result (None: they do not convert)
CONVERSIONS = [
    ("6.19", "亿元", "万元", "61900"),
    ("16915", "万元", "亿元", "1.6915"),
    ("3", "千元", "万元", "0.3"),
    ("3", "元", "万元", "0.0003"),
    ("1.2", "亿", "万元", "12000"),  # a bare multiplier takes the target's base unit
    ("5", "万", "个", "50000"),
    ("12", "", "万元", "12"),  # no unit: as given
    ("12", "  ", "万元", "12"),
    ("3", "个", "个", "3"),
    ("3", "％", "%", "3"),  # full-width and half-width percent are one unit
    ("2.5", "千克", "吨", None),
    ("2.5", "公斤", "克", "2500"),
    ("1500", "千克", "公斤", "1500"),
    ("3", "公里", "米", "3000"),
    ("4", "千米", "公里", "4"),
    ("1.5", "万千瓦时", "千瓦时", "15000"),
    ("2", "万千瓦", "千瓦", "20000"),
    ("8", "公顷", "平方米", "80000"),
    ("8", "公顷", "万平方米", "8"),
    ("5", "万平米", "平方米", "50000"),
    ("3", "万元", "平方米", None),
    ("3", "人", "万元", None),
    ("3", "%", "万元", None),
]


@pytest.mark.parametrize(("number", "source", "target", "expected"), CONVERSIONS)
def test_conversions(number, source, target, expected):
    result = convert(D(number), source, target)
    assert result == (None if expected is None else D(expected))


# text → (number, unit)
QUANTITIES = [
    ("+5", "5", ""),
    ("-5", "-5", ""),
    ("−5", "-5", ""),  # a minus sign
    ("–5", "-5", ""),  # an en dash, as word processors write it
    ("﹣5", "-5", ""),  # a small hyphen-minus
    ("负5.5%", "-5.5", "%"),
    ("５％", "5", "%"),
    ("1，234", "1234", ""),  # full-width comma
    ("1'234'567", "1234567", ""),
    ("1\u2009234", "1234", ""),  # thin space
    ("近3亿元", "3", "亿元"),
    ("超过200家", "200", "家"),
    ("超200家", "200", "家"),
    ("逾百", None, None),
    ("达到15%", "15", "%"),
    ("达15%", "15", "%"),
    ("共12个", "12", "个"),
    ("计12个", "12", "个"),
    ("约 40亿元", "40", "亿元"),
    ("100来人", "100", "人"),
    ("3万多元", "3", "万元"),
    ("3万余元", "3", "万元"),
    ("50左右", "50", ""),
    ("50人左右", "50", "人"),
    ("12.5 万元", "12.5", "万元"),
    ("7个百分点", "7", "个百分点"),
    ("1元2角", None, None),  # a digit in the unit
    ("5甲乙丙丁戊己庚辛壬癸子丑", "5", "甲乙丙丁戊己庚辛壬癸子丑"),  # a unit of 12 characters
    ("5甲乙丙丁戊己庚辛壬癸子丑寅", None, None),  # 13 is too long
]


@pytest.mark.parametrize(("text", "number", "unit"), QUANTITIES)
def test_quantities_as_written(text, number, unit):
    if number is None:
        with pytest.raises(ValueError, match="not a number"):
            parse_quantity(text)
        return
    assert parse_quantity(text) == Quantity(D(number), unit)
    assert parse_number(text) == D(number)


@pytest.mark.parametrize(("unit", "percent"), [("%", True), ("％", True), ("个百分点", False), ("", False)])
def test_which_units_are_percentages(unit, percent):
    assert Quantity(D(1), unit).is_percent is percent
