"""The figures of a campaign or a parcel, computed from the ledger (一数一源).

Nothing here is stored or typed: :mod:`luoshi.relocation.selectors` runs one grouped
query over the household rows and hands the sums to :class:`Figures`; the rates,
days left and the 净地 date follow from those sums and the campaign's dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

ZERO = Decimal("0")
#: A campaign lags when its signing rate is this many points below the share of the
#: signing period already gone (or the deadline has passed with households unsigned).
LAG_POINTS = 10


def aggregates(prefix: str = "", *, brief: bool = False) -> dict[str, Any]:
    """The aggregate expressions over household rows (``prefix`` is e.g. ``"households__"``).

    ``brief`` keeps what lists show (the counts, the area signed, the last demolition):
    those columns lie in one index, so a page of campaigns is summed from the index alone.
    Rows are counted by ``campaign_id`` (in that index) rather than by the primary key.
    """
    p = prefix
    row = f"{p}campaign_id"
    signed = Q(**{f"{p}signed_on__isnull": False})
    zero = Decimal("0.00")
    counts: dict[str, Any] = {
        "n_households": Count(row),
        "n_signed": Count(row, filter=signed),
        "n_vacated": Count(row, filter=Q(**{f"{p}vacated_on__isnull": False})),
        "n_demolished": Count(row, filter=Q(**{f"{p}demolished_on__isnull": False})),
        "sum_house_area_signed": Coalesce(Sum(f"{p}house_area", filter=signed), zero),
        "last_demolished": Max(f"{p}demolished_on"),
    }
    if brief:
        return counts
    return {
        **counts,
        "n_unpaid": Count(
            row,
            filter=signed
            & (
                Q(**{f"{p}compensation_agreed__isnull": True})
                | Q(**{f"{p}compensation_paid__lt": F(f"{p}compensation_agreed")})
            ),
        ),
        "sum_house_area": Coalesce(Sum(f"{p}house_area"), zero),
        "sum_land_area": Coalesce(Sum(f"{p}land_area"), zero),
        "sum_agreed": Coalesce(Sum(f"{p}compensation_agreed"), zero),
        "sum_paid": Coalesce(Sum(f"{p}compensation_paid"), zero),
        "first_signed": Min(f"{p}signed_on"),
        "last_signed": Max(f"{p}signed_on"),
    }


def _cents(value: Any) -> Decimal:
    """A sum from the database as a Decimal with two places (SQLite hands back long floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal (half up); ``None`` for an empty whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    households: int = 0
    signed: int = 0
    vacated: int = 0
    demolished: int = 0
    unpaid: int = 0
    house_area: Decimal = ZERO
    house_area_signed: Decimal = ZERO
    land_area: Decimal = ZERO
    compensation_agreed: Decimal = ZERO
    compensation_paid: Decimal = ZERO
    first_signed: dt.date | None = None
    last_signed: dt.date | None = None
    last_demolished: dt.date | None = None

    @property
    def agreed_wan(self) -> Decimal:
        """Compensation agreed in 万元 (to the cent of 万元): the unit the pages read out."""
        return (self.compensation_agreed / 10000).quantize(Decimal("0.01"))

    @property
    def paid_wan(self) -> Decimal:
        return (self.compensation_paid / 10000).quantize(Decimal("0.01"))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Figures:
        """Figures from one row of :func:`aggregates` (a brief row leaves the sums of money at zero)."""
        return cls(
            households=row["n_households"],
            signed=row["n_signed"],
            vacated=row["n_vacated"],
            demolished=row["n_demolished"],
            unpaid=row.get("n_unpaid", 0),
            house_area=_cents(row.get("sum_house_area")),
            house_area_signed=_cents(row["sum_house_area_signed"]),
            land_area=_cents(row.get("sum_land_area")),
            compensation_agreed=_cents(row.get("sum_agreed")),
            compensation_paid=_cents(row.get("sum_paid")),
            first_signed=row.get("first_signed"),
            last_signed=row.get("last_signed"),
            last_demolished=row["last_demolished"],
        )

    @property
    def pending(self) -> int:
        return self.households - self.signed

    @property
    def signing_rate(self) -> Decimal | None:
        return percent(self.signed, self.households)

    @property
    def vacating_rate(self) -> Decimal | None:
        return percent(self.vacated, self.households)

    @property
    def demolition_rate(self) -> Decimal | None:
        return percent(self.demolished, self.households)

    @property
    def all_signed(self) -> bool:
        return self.households > 0 and self.signed == self.households

    @property
    def cleared(self) -> bool:
        """净地: every household of the ledger demolished."""
        return self.households > 0 and self.demolished == self.households

    @property
    def cleared_on(self) -> dt.date | None:
        """The 净地 date: the day the last household was demolished, once all are."""
        return self.last_demolished if self.cleared else None

    @property
    def signing_days(self) -> int | None:
        """Days from the first signing to the last one (both counted), once all have signed."""
        if not self.all_signed or self.first_signed is None or self.last_signed is None:
            return None
        return (self.last_signed - self.first_signed).days + 1


@dataclass(frozen=True)
class Schedule:
    """A campaign's figures read against its dates on ``today``."""

    figures: Figures
    signing_starts_on: dt.date
    signing_deadline: dt.date
    clearance_deadline: dt.date
    today: dt.date

    @property
    def signing_days_left(self) -> int:
        """Calendar days to the signing deadline (0 on the day itself, negative once past)."""
        return (self.signing_deadline - self.today).days

    @property
    def clearance_days_left(self) -> int:
        return (self.clearance_deadline - self.today).days

    @property
    def signing_days_overdue(self) -> int:
        return max(0, -self.signing_days_left)

    @property
    def clearance_days_overdue(self) -> int:
        return max(0, -self.clearance_days_left)

    @property
    def time_share(self) -> Decimal:
        """The share of the signing period gone by the end of today, in percent (0–100)."""
        total = (self.signing_deadline - self.signing_starts_on).days + 1
        gone = (self.today - self.signing_starts_on).days + 1
        gone = max(0, min(gone, total))
        return (Decimal(gone) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def lagging(self) -> bool:
        """Signing lags: households are unsigned and either the deadline has passed or the rate
        is more than :data:`LAG_POINTS` points below the share of the period gone."""
        f = self.figures
        if f.households == 0 or f.all_signed:
            return False
        if self.signing_days_left < 0:
            return True
        return (f.signing_rate or ZERO) + LAG_POINTS < self.time_share

    @property
    def signed_in_time(self) -> bool | None:
        """Whether every household signed by the deadline (``None`` while some have not)."""
        f = self.figures
        if not f.all_signed or f.last_signed is None:
            return None
        return f.last_signed <= self.signing_deadline

    @property
    def clearance_late(self) -> bool:
        f = self.figures
        if f.cleared:
            return f.cleared_on is not None and f.cleared_on > self.clearance_deadline
        return self.clearance_days_left < 0
