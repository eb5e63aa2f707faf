"""``{{ value|thousands }}``, ``{{ value|thousands:0 }}``: numbers with thousands separators.

Django's ``intcomma`` follows the locale, and zh-Hans has no thousands separator (54677 m²); the
offices' tables and reports write 54,677. Places: round half up to that many decimals; none
given, the value keeps its own (a ``Decimal("452.30")`` stays 452.30). Empty values read "—".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def thousands(value: Any, places: Any = None) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
        if places is not None:
            number = number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    return f"{number:,f}"
