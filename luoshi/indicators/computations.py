"""Scorecard arithmetic: year-over-year, completion, time progress, lights, rankings.

Pure functions on ``Decimal`` values, no Django. Percentages are rounded half-up
to two decimals, and rankings compare the rounded figures, so two units that
show the same figure share a rank.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

HUNDRED = Decimal(100)
TWELVE = Decimal(12)
CENT = Decimal("0.01")
#: Behind time progress by more than this many points is red; less is yellow.
RED_GAP = Decimal(10)

K = TypeVar("K", bound=Hashable)


def pct(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yoy_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth over last year's value for the same period, in percent (``None`` if it cannot be computed)."""
    if current is None or previous is None or previous == 0:
        return None
    return pct((current - previous) * HUNDRED / abs(previous))


def yoy_points(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """For ratios: the change in percentage points."""
    if current is None or previous is None:
        return None
    return pct(current - previous)


def completion_pct(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Share of the annual target reached, in percent."""
    if value is None or target is None or target == 0:
        return None
    return pct(value * HUNDRED / target)


@functools.lru_cache(maxsize=16)
def time_progress_pct(month: int) -> Decimal:
    """序时进度: the share of the year elapsed at the end of ``month``."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1 to 12")
    return pct(Decimal(month) * HUNDRED / TWELVE)


def progress_gap(completion: Decimal | None, month: int) -> Decimal | None:
    """Completion minus time progress, in points: positive is ahead (快于序时进度)."""
    if completion is None:
        return None
    return pct(completion - time_progress_pct(month))


def light(
    *,
    cumulative: bool,
    higher_is_better: bool,
    completion: Decimal | None,
    gap: Decimal | None,
    yoy: Decimal | None,
) -> str:
    """``green``, ``yellow``, ``red`` or ``""`` (nothing to judge by).

    With a target, a cumulative indicator is judged against time progress
    (ahead or level: green; behind by up to 10 points: yellow; more: red) and
    any other against the target itself (reached: green; within 10%: yellow).
    Lower-is-better indicators are judged the other way round. Without a target
    the sign of the year-over-year change decides between green and yellow.
    """
    sign = 1 if higher_is_better else -1
    if cumulative and gap is not None:
        score = gap * sign
    elif completion is not None:
        score = (completion - HUNDRED) * sign
    elif yoy is not None:
        return "green" if yoy * sign >= 0 else "yellow"
    else:
        return ""
    if score >= 0:
        return "green"
    return "yellow" if score >= -RED_GAP else "red"


def rank_with_ties(scores: Iterable[tuple[K, Decimal | None]], *, descending: bool = True) -> dict[K, int | None]:
    """Standard competition ranking (1, 2, 2, 4): equal scores share a rank; ``None`` is unranked."""
    pairs = list(scores)
    ranked = sorted((p for p in pairs if p[1] is not None), key=lambda p: p[1], reverse=descending)  # type: ignore[arg-type, return-value]
    result: dict[K, int | None] = {key: None for key, score in pairs if score is None}
    previous: Decimal | None = None
    rank = 0
    for position, (key, score) in enumerate(ranked, start=1):
        if score != previous:
            rank, previous = position, score
        result[key] = rank
    return result


def movement(now: int | None, before: int | None) -> int | None:
    """Places gained since the previous ranking (positive: up)."""
    if now is None or before is None:
        return None
    return before - now


@dataclass(frozen=True)
class Part:
    """One indicator of a composite: its weight and whether higher is better."""

    key: Hashable
    weight: Decimal
    higher_is_better: bool


def composite_scores(
    parts: Sequence[Part], metric: Callable[[Hashable, Hashable], Decimal | None], units: Sequence[K]
) -> dict[K, Decimal | None]:
    """Weighted composite of several indicators, 0 to 100 per unit.

    Each indicator's metric is scaled to 0–100 across the units (best 100,
    worst 0; all equal: 100), flipped for lower-is-better, and the weighted mean
    is taken over the indicators a unit has a figure for. A unit with no
    figure at all gets ``None``.
    """
    totals: dict[K, Decimal] = {u: Decimal(0) for u in units}
    weights: dict[K, Decimal] = {u: Decimal(0) for u in units}
    for part in parts:
        if part.weight <= 0:
            continue
        figures = {u: metric(u, part.key) for u in units}
        present = [v for v in figures.values() if v is not None]
        if not present:
            continue
        low, high = min(present), max(present)
        for unit, figure in figures.items():
            if figure is None:
                continue
            scaled = HUNDRED if high == low else (figure - low) * HUNDRED / (high - low)
            if not part.higher_is_better and high != low:
                scaled = HUNDRED - scaled
            totals[unit] += scaled * part.weight
            weights[unit] += part.weight
    return {u: (pct(totals[u] / weights[u]) if weights[u] else None) for u in units}


def month_label(month: int, *, cumulative: bool) -> str:
    """``"1-8月"`` for a cumulative figure at month 8, ``"8月"`` otherwise (and for January)."""
    if cumulative and month > 1:
        return f"1-{month}月"
    return f"{month}月"


#: Period words of scorecard texts → the month whose cumulative value they are.
PERIOD_MONTHS: dict[str, int] = {
    "一季度": 3,
    "第一季度": 3,
    "上半年": 6,
    "二季度": 6,
    "第二季度": 6,
    "前两季度": 6,
    "前二季度": 6,
    "前三季度": 9,
    "三季度": 9,
    "第三季度": 9,
    "四季度": 12,
    "第四季度": 12,
    "全年": 12,
    "下半年": 12,
}


def period_to_year_month(period: str | None, default_year: int) -> tuple[int, int] | None:
    """``"1-8月"`` → (default_year, 8); ``"2019年一季度"`` → (2019, 3); ``"2018年"`` → (2018, 12)."""
    import re

    if not period:
        return None
    year = default_year
    text = period
    match = re.match(r"^((?:19|20)\d{2})年", text)
    if match:
        year, text = int(match.group(1)), text[match.end() :]
        if not text:
            return year, 12
    match = re.fullmatch(r"(?:1-)?(\d{1,2})月(?:底|末)?|截[至止](\d{1,2})月(?:底|末)?", text)
    if match:
        month = int(match.group(1) or match.group(2))
        return (year, month) if 1 <= month <= 12 else None
    if text in PERIOD_MONTHS:
        return year, PERIOD_MONTHS[text]
    return None
