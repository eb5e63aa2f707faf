"""The home page section: indicators that are behind time progress (慢于序时进度)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeCount, HomeItem, HomeSection
from luoshi.indicators import selectors
from luoshi.indicators.templatetags.indicator_tags import gap_words
from luoshi.org.models import Role, Unit, UnitKind
from luoshi.org.scope import scope_for

#: Roles whose day includes the scorecard.
WATCHERS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_VIEWER})
MAX_ITEMS = 8


def _lagging(request: Any, user: Actor) -> list[HomeItem]:
    """The lagging indicators of ``user``'s units, worked out once per page (the strip and the
    section both show them)."""
    cached = getattr(request, "_luoshi_lagging", None)
    if cached is not None:
        return list(cached)
    scope = scope_for(user)
    units = Unit.objects.in_bulk(scope.home_units()[:3])
    items: list[HomeItem] = []
    for unit in sorted(units.values(), key=lambda u: (u.depth, u.pk)):
        if unit.kind == UnitKind.DISTRICT:
            items += _district_items(user, unit)
        else:
            items += _unit_items(user, unit)
    order = {"red": 0, "yellow": 1}
    items.sort(key=lambda i: order.get(i.light, 2))
    if request is not None:
        request._luoshi_lagging = items
    return list(items)


def oversight_counts(request: Any, user: Actor) -> list[HomeCount]:
    """Lagging indicators, and the rank of the person's township on its 擂台."""
    if not scope_for(user).roles & WATCHERS:
        return []
    items = _lagging(request, user)
    counts = [
        HomeCount(
            "indicators_lagging",
            gettext_lazy("Lagging indicators"),
            len(items),
            reverse("indicators:home"),
            light="red" if any(i.light == "red" for i in items) else ("yellow" if items else "green"),
            order=50,
        )
    ]
    township = _own_township(user)
    if township is not None:
        ranked = selectors.own_rank(township)
        if ranked is not None:
            rank, of, year, month = ranked
            counts.append(
                HomeCount(
                    "indicators_rank",
                    gettext_lazy("Rank on the leaderboard"),
                    _("%(rank)d of %(n)d") % {"rank": rank, "n": of},
                    reverse("indicators:scorecard", args=[township.pk]) + f"?year={year}&month={month}",
                    note=_("%(name)s, composite, %(year)d-%(month)02d")
                    % {"name": township.name, "year": year, "month": month},
                    order=60,
                )
            )
    return counts


def _own_township(user: Actor) -> Unit | None:
    """The township or subdistrict where ``user``'s first role was granted, if it is one."""
    scope = scope_for(user)
    if scope.is_all:
        return None
    homes = scope.home_units()[:1]
    unit = Unit.objects.filter(pk__in=homes, kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT]).first()
    return unit


def behind_time_progress(request: Any, user: Actor) -> HomeSection | None:
    scope = scope_for(user)
    if not scope.roles & WATCHERS:
        return None
    items = _lagging(request, user)
    return HomeSection(
        key="indicators_behind",
        title=gettext_lazy("Lagging indicators"),
        items=items[:MAX_ITEMS],
        count=len(items) or None,
        empty_text=gettext_lazy("Every indicator with a target is on track."),
        more_url=reverse("indicators:home"),
        order=40,
    )


def _unit_items(user: Actor, unit: Unit) -> list[HomeItem]:
    period = selectors.latest_period(user, unit)
    if period is None:
        return []
    card = selectors.scorecard(user, unit, *period)
    url = reverse("indicators:scorecard", args=[unit.pk]) + f"?year={period[0]}&month={period[1]}"
    return [
        HomeItem(
            title=f"{unit.name} · {row.indicator.name}",
            url=url,
            meta=gap_words(row.figures)
            if row.figures.gap is not None
            else _("below target")
            if row.figures.higher_is_better
            else _("over the ceiling"),
            light=row.figures.light,
        )
        for row in card.rows
        if row.figures.light in ("red", "yellow") and row.figures.target is not None
    ]


def _district_items(user: Actor, district: Unit) -> list[HomeItem]:
    period = selectors.latest_period_below(user, district)
    if period is None:
        return []
    view = selectors.overview(user, district, *period)
    counted: list[tuple[int, HomeItem]] = []
    for unit_id, name, cells in view.grid:
        red = sum(1 for _ind, cell in cells if cell and cell.figures.light == "red" and cell.figures.target)
        if red:
            counted.append(
                (
                    red,
                    HomeItem(
                        title=name,
                        url=reverse("indicators:scorecard", args=[unit_id]) + f"?year={period[0]}&month={period[1]}",
                        meta=_("%(n)d indicators well behind") % {"n": red},
                        light="red",
                    ),
                )
            )
    counted.sort(key=lambda pair: -pair[0])
    return [item for _n, item in counted]


#: Units shown in the district's ranking on the home page.
RANKING_SHOWN = 6


def district_ranking(request: Any, user: Actor) -> HomeSection | None:
    """For those who watch a district (the district viewer): the townships' composite 擂台."""
    scope = scope_for(user)
    if not scope.roles & WATCHERS or scope.is_all:
        return None
    district = Unit.objects.filter(pk__in=scope.home_units()[:3], kind=UnitKind.DISTRICT).first()
    if district is None:
        return None
    period = selectors.latest_period_below(user, district)
    weights = selectors.default_composite_weights(
        selectors.leaderboard_indicators(district, list(selectors.indicator_list()))
    )
    if period is None or not weights:
        return None
    board = selectors.composite_leaderboard(user, district, weights, *period)
    url = reverse("indicators:leaderboard") + f"?parent={district.pk}&composite=1"
    items = [
        HomeItem(
            title=f"{row.rank}. {row.unit_name}",
            url=reverse("indicators:scorecard", args=[row.unit_id]) + f"?year={period[0]}&month={period[1]}",
            meta=_("composite %(score)s") % {"score": f"{row.metric:.1f}"},
        )
        for row in board.rows
        if row.rank is not None and row.metric is not None
    ][:RANKING_SHOWN]
    return HomeSection(
        key="indicators_ranking",
        title=gettext_lazy("Leaderboard of the townships"),
        items=items,
        empty_text=gettext_lazy("No township has figures for the leaderboard yet."),
        more_url=url,
        order=12,
    )
