"""Bulletin section of the indicators app: ranks of the units below and their movement.

As of ``until``: a value is the one stored then. The history (``ValueChange``) is
append-only, so a value changed later is taken back to the ``before`` of its
first change after ``until``. Peers are the places directly below the issuing
unit; the month is the latest one up to ``until`` with values; movement compares
each unit's rank with its rank the month before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from luoshi.core import bulletin_sections as bs
from luoshi.indicators.models import Direction, Indicator, IndicatorValue, ValueChange
from luoshi.org.models import Unit, UnitKind

PLACES = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.COMMUNITY, UnitKind.VILLAGE)
Key = tuple[int, int, int, int]  # unit, indicator, year, month


def values_as_of(unit_ids: list[int], first: tuple[int, int], until: dt.datetime) -> dict[Key, Decimal]:
    """Every value of these units from month ``first`` on, as stored at ``until``."""
    year, month = first
    later = ValueChange.objects.filter(unit_id__in=unit_ids, at__gte=until, year__gte=year).order_by("at", "id")
    current = IndicatorValue.objects.filter(unit_id__in=unit_ids, year__gte=year)
    out: dict[Key, Decimal] = {}
    for u, i, y, m, v in current.values_list("unit_id", "indicator_id", "year", "month", "value"):
        out[(u, i, y, m)] = v
    undone: set[Key] = set()
    for u, i, y, m, before in later.values_list("unit_id", "indicator_id", "year", "month", "before"):
        key = (u, i, y, m)
        if key in undone:
            continue
        undone.add(key)
        if before is None:
            out.pop(key, None)
        else:
            out[key] = before
    return {k: v for k, v in out.items() if (k[2], k[3]) >= (year, month)}


def _ranks(figures: dict[int, Decimal], direction: str) -> dict[int, int]:
    ordered = sorted(figures.items(), key=lambda kv: kv[1], reverse=direction != Direction.LOWER)
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (unit_id, figure) in enumerate(ordered, start=1):
        if figure != previous:
            rank, previous = position, figure
        ranks[unit_id] = rank
    return ranks


def build_ranks(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    peers = dict(
        Unit.objects.filter(parent=unit, is_active=True, kind__in=PLACES)
        .order_by("sort_order", "pk")
        .values_list("pk", "name")
    )
    day = timezone.localdate(until - dt.timedelta(microseconds=1))
    start = (day.year - 1, 12)
    values = values_as_of(list(peers), start, until)
    periods = sorted({(y, m) for (_u, _i, y, m) in values if (y, m) <= (day.year, day.month)}, reverse=True)
    if not periods:
        return bs.SectionContent(paragraphs=["下级单位尚未填报指标数据。"])
    year, month = periods[0]
    prev = (year, month - 1) if month > 1 else (year - 1, 12)
    indicators = Indicator.objects.filter(pk__in={k[1] for k in values if (k[2], k[3]) == (year, month)}).order_by(
        "sort_order", "code"
    )
    summary_header = ["指标", "第一名", "末位", "进位最多", "退位最多"]
    summary: list[list[str]] = []
    annex: list[list[object]] = []
    for ind in indicators:
        now = {u: v for (u, i, y, m), v in values.items() if i == ind.pk and (y, m) == (year, month)}
        before = {u: v for (u, i, y, m), v in values.items() if i == ind.pk and (y, m) == prev}
        ranks, old = _ranks(now, ind.direction), _ranks(before, ind.direction)
        moves = {u: old[u] - r for u, r in ranks.items() if u in old}
        order = sorted(ranks, key=lambda u: (ranks[u], peers[u]))
        rise = max(moves, key=lambda u: (moves[u], -ranks[u]), default=None)
        fall = min(moves, key=lambda u: (moves[u], ranks[u]), default=None)
        summary.append(
            [
                ind.name,
                peers[order[0]],
                peers[order[-1]] if len(order) > 1 else "—",
                f"{peers[rise]} ↑{moves[rise]}" if rise is not None and moves[rise] > 0 else "—",
                f"{peers[fall]} ↓{-moves[fall]}" if fall is not None and moves[fall] < 0 else "—",
            ]
        )
        for u in order:
            annex.append([ind.name, peers[u], now[u], ranks[u], old.get(u), moves.get(u)])
    text = f"{year}年{month}月，{len(peers)}个单位{len(summary)}项指标排名及较上月进退位情况如下。"
    return bs.SectionContent(
        paragraphs=[text],
        tables=[bs.Table(summary_header, bs.cap(summary, 40), "指标排名")],
        annexes=[
            bs.Annex(
                "指标排名",
                ["指标", "单位", "数值", "名次", "上月排名", "进退位"],
                annex,
            )
        ],
    )


def register() -> None:
    bs.register_section(
        bs.SectionProvider(
            "indicators.ranks", "指标排名及进退位情况", 40,
            frozenset({bs.MONTHLY, bs.RANKING, bs.SPECIAL}), build_ranks,
        )
    )  # fmt: skip
