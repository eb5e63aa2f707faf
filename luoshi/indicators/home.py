"""The home page section: indicators that are behind time progress (慢于序时进度)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.registry import HomeItem, HomeSection
from luoshi.indicators import selectors
from luoshi.indicators.templatetags.indicator_tags import gap_words
from luoshi.org.models import Role, Unit, UnitKind
from luoshi.org.scope import scope_for

#: Roles whose day includes the scorecard.
WATCHERS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_VIEWER})
MAX_ITEMS = 8


def behind_time_progress(request: Any, user: Any) -> HomeSection | None:
    scope = scope_for(user)
    if not scope.roles & WATCHERS:
        return None
    units = Unit.objects.in_bulk(scope.home_units()[:3])
    items: list[HomeItem] = []
    for unit in sorted(units.values(), key=lambda u: (u.depth, u.pk)):
        if unit.kind == UnitKind.DISTRICT:
            items += _district_items(user, unit)
        else:
            items += _unit_items(user, unit)
    order = {"red": 0, "yellow": 1}
    items.sort(key=lambda i: order.get(i.light, 2))
    return HomeSection(
        key="indicators_behind",
        title=gettext_lazy("Lagging indicators"),
        items=items[:MAX_ITEMS],
        count=len(items) or None,
        empty_text=gettext_lazy("Every indicator with a target is on track."),
        more_url=reverse("indicators:home"),
        order=40,
    )


def _unit_items(user: Any, unit: Unit) -> list[HomeItem]:
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


def _district_items(user: Any, district: Unit) -> list[HomeItem]:
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
