"""The indicators app's refusal codes keep their spelling (clients compare them as text; issue 15).

Each row is a real refusal through the service or selector with the code and status a client
sees; the table is written out, not read back from ``IndicatorErrorCode``. A value beyond what
is stored is ``value_out_of_range`` (it was ``too_large`` before issue 15; ``too_large`` is now
only the platform's oversize request body).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.core.errors import LuoshiError
from luoshi.indicators import selectors, services

pytestmark = pytest.mark.django_db


def _refusal(call) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def test_indicator_refusals_keep_their_codes(tree, people, ind):
    sup, a, gdp = people["sup_a"], tree["a"], ind["gdp"]

    def enter(value: str, **more) -> object:
        return lambda: services.value_set(actor=sup, unit=a, indicator=gdp, value=Decimal(value), **more)

    assert _refusal(enter("1e20", year=2026, month=8)) == ("value_out_of_range", 400)
    assert _refusal(enter("100", year=2026, month=8, yoy_reported=Decimal("5000000"))) == ("value_out_of_range", 400)
    assert _refusal(enter("100", year=1999, month=8)) == ("invalid_period", 400)
    board = selectors.composite_leaderboard
    assert _refusal(lambda: board(sup, a, [], 2026, 8)) == ("no_indicators", 400)
    assert _refusal(lambda: services.text_preview(actor=sup, unit=a, text=" ", year=2026)) == ("empty", 400)
    assert _refusal(lambda: services.text_preview(actor=sup, unit=a, text="产值" * 500_001, year=2026)) == (
        "too_long",
        400,
    )
