"""What the indicators app shows on the cockpit: the indicators behind the time-progress line
in the user's units and, for a district, the townships ranked by how many of their
indicators are well behind — as on the home page, registered with :mod:`luoshi.core.panels`."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.panels import Panel, PanelFigure, PanelRow, Warning, register_panel, register_warnings
from luoshi.core.registry import HomeItem
from luoshi.indicators import home
from luoshi.org.models import Unit, UnitKind
from luoshi.org.scope import scope_for

ROWS_SHOWN = 8
_MEMO = "_cockpit_indicator_items"  # the attribute remembering the items on the user object


def _items(user: Actor) -> list[HomeItem] | None:
    """The lagging indicators of the user's units (remembered on the user object for the request:
    the panel and the warnings ask for them both)."""
    memo = getattr(user, _MEMO, None)
    if memo is None:
        memo = (_compute(user),)
        setattr(user, _MEMO, memo)
    return memo[0]


def _compute(user: Actor) -> list[HomeItem] | None:
    scope = scope_for(user)
    if not (scope.is_all or scope.roles & home.WATCHERS):
        return None
    units = Unit.objects.in_bulk(scope.home_units()[:3])
    items: list[HomeItem] = []
    for unit in sorted(units.values(), key=lambda u: (u.depth, u.pk)):
        items += home._district_items(user, unit) if unit.kind == UnitKind.DISTRICT else home._unit_items(user, unit)
    order = {"red": 0, "yellow": 1}
    items.sort(key=lambda i: order.get(i.light, 2))
    return items


def indicators_panel(user: Actor, today: dt.date) -> Panel | None:
    items = _items(user)
    if items is None:
        return None
    red = sum(1 for i in items if i.light == "red")
    yellow = sum(1 for i in items if i.light == "yellow")
    url = reverse("indicators:home")
    return Panel(
        key="indicators",
        title=gettext_lazy("Indicators behind the time-progress line"),
        figures=[
            PanelFigure("indicators_red", _("Well behind"), str(red), url, light="red" if red else "green"),
            PanelFigure("indicators_yellow", _("Behind"), str(yellow), url, light="yellow" if yellow else "green"),
        ],
        head=[_("Unit · indicator"), _("Gap")],
        rows=[PanelRow([i.title, i.meta], url=i.url, light=i.light) for i in items[:ROWS_SHOWN]],
        more_url=reverse("indicators:leaderboard"),
        empty_text=gettext_lazy("Every indicator with a target is on track."),
    )


def warnings(user: Actor, today: dt.date) -> list[Warning]:
    items = _items(user) or []
    red = [i for i in items if i.light == "red"]
    if not red:
        return []
    return [
        Warning(
            "indicators.behind",
            "red",
            _("%(n)s indicators are well behind the time-progress line") % {"n": len(red)},
            reverse("indicators:home"),
        )
    ]


def register() -> None:
    register_panel("indicators", 45, indicators_panel)
    register_warnings("indicators", warnings)
