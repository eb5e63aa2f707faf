"""Numbers with thousands separators on every page (zh-Hans has none of its own: 54677 m²)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from luoshi.core.templatetags.numbers import thousands


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("54677.40"), 0, "54,677"),
        (Decimal("54677.50"), 0, "54,678"),  # half up
        (Decimal("452.30"), None, "452.30"),  # the value's own decimals
        (Decimal("1234567.5"), 2, "1,234,567.50"),
        (999, None, "999"),
        (1000, None, "1,000"),
        ("54677.00", None, "54,677.00"),  # a metric's value as stored
        ("-12500", None, "-12,500"),
        (None, None, "—"),
        ("", 0, "—"),
        ("不详", None, "不详"),
    ],
)
def test_thousands(value, places, shown):
    assert thousands(value, places) == shown


def test_the_filter_in_a_chinese_page():
    with translation.override("zh-hans"):
        out = Template("{% load numbers %}{{ a|thousands:0 }} m²").render(Context({"a": Decimal("54677.4")}))
    assert out == "54,677 m²"
