"""The cockpit's registry: panels and early warnings that domain apps provide.

A domain app registers, from ``AppConfig.ready`` (in its own ``cockpit.py``), a panel
provider ``(user, today) -> Panel | None`` and optionally a warnings provider
``(user, today) -> list[Warning]``. Providers answer for the user's own scope only (and
return None when the user may not see that subject at all), in a fixed number of
queries, and give every figure the link to the list of records behind it. The cockpit
app reads them here and imports no domain app. See docs/cockpit.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from luoshi.accounts.models import User

#: Lights used by figures, rows and warnings; always shown with a word as well.
LIGHTS = ("green", "yellow", "red", "")


@dataclass
class PanelFigure:
    """One headline number: ``value`` (already formatted) with a link to the records behind it."""

    key: str
    label: str | Promise
    value: str
    url: str = ""
    light: str = ""
    note: str | Promise = ""


@dataclass
class PanelRow:
    """One row of a panel's table (``cells`` already formatted; the first links to ``url``)."""

    cells: list[str]
    url: str = ""
    light: str = ""


@dataclass
class PanelChart:
    """A small trend or comparison, drawn with ECharts; ``x`` and every series align."""

    kind: str  # "line" | "bar"
    title: str | Promise
    x: list[str]
    series: list[dict[str, Any]]  # {"name": str, "data": [number | None]}
    unit: str | Promise = ""


@dataclass
class PanelMap:
    """A Leaflet map of records and areas. ``data_url`` answers JSON: ``grids`` (a GeoJSON
    FeatureCollection whose properties carry ``name``, ``open`` and ``red``) and ``cases``
    (points: ``id``, ``no``, ``title``, ``status``, ``lat``, ``lng``, ``light``).
    ``list_url`` lists the same records (the map's text alternative)."""

    data_url: str
    list_url: str
    label: str | Promise = ""
    record_url: str = ""  # a point's page: this with its id in place of 0


@dataclass
class Panel:
    key: str
    title: str | Promise
    order: int = 100
    figures: list[PanelFigure] = field(default_factory=list)
    head: list[str | Promise] = field(default_factory=list)
    rows: list[PanelRow] = field(default_factory=list)
    chart: PanelChart | None = None
    map: PanelMap | None = None
    more_url: str = ""
    as_of: dt.datetime | None = None
    empty_text: str | Promise = ""
    #: Shown on the big screen too (the command centre's 1920×1080 wall, no scrolling).
    big_screen: bool = True


@dataclass
class Warning:
    """Something that crossed a threshold since yesterday (预警)."""

    kind: str
    level: str  # "red" | "yellow"
    text: str
    url: str = ""


PanelProvider = Callable[["User", dt.date], "Panel | None"]
WarningProvider = Callable[["User", dt.date], "list[Warning]"]

_panels: dict[str, tuple[int, PanelProvider]] = {}
_warnings: dict[str, WarningProvider] = {}


def register_panel(key: str, order: int, provider: PanelProvider) -> None:
    _panels[key] = (order, provider)


def register_warnings(key: str, provider: WarningProvider) -> None:
    _warnings[key] = provider


def panel_keys() -> list[str]:
    return [k for k, _ in sorted(_panels.items(), key=lambda kv: (kv[1][0], kv[0]))]


def panels(user: User, today: dt.date, *, only: set[str] | None = None) -> list[Panel]:
    out = []
    for key in panel_keys():
        if only is not None and key not in only:
            continue
        order, provider = _panels[key]
        panel = provider(user, today)
        if panel is not None:
            panel.order = order
            out.append(panel)
    return out


def warnings(user: User, today: dt.date) -> list[Warning]:
    out: list[Warning] = []
    for key in sorted(_warnings):
        out.extend(_warnings[key](user, today))
    return sorted(out, key=lambda w: (w.level != "red", w.kind))
