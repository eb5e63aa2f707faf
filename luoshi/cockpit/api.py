"""``/api/v1/cockpit/``: the cockpit's panels and early warnings as JSON (component names Cockpit…)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.api.schemas import ErrorOut
from luoshi.cockpit import selectors

router = Router(tags=["cockpit"])

ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}


class CockpitFigureOut(Schema):
    key: str
    label: str
    value: str
    url: str
    light: str
    note: str


class CockpitRowOut(Schema):
    cells: list[str]
    url: str
    light: str


class CockpitChartOut(Schema):
    kind: str
    title: str
    x: list[str]
    series: list[dict[str, Any]]
    unit: str


class CockpitPanelOut(Schema):
    key: str
    title: str
    order: int
    figures: list[CockpitFigureOut]
    head: list[str]
    rows: list[CockpitRowOut]
    chart: CockpitChartOut | None
    more_url: str
    as_of: dt.datetime | None


class CockpitWarningOut(Schema):
    kind: str
    level: str
    text: str
    url: str


class CockpitOut(Schema):
    today: dt.date
    generated_at: dt.datetime
    as_of: dt.datetime | None
    panels: list[CockpitPanelOut]
    warnings: list[CockpitWarningOut]


def _panel(p: Any) -> dict[str, Any]:
    chart = None
    if p.chart is not None:
        c = p.chart
        chart = {"kind": c.kind, "title": str(c.title), "x": c.x, "series": c.series, "unit": str(c.unit)}
    return {
        "key": p.key,
        "title": str(p.title),
        "order": p.order,
        "figures": [
            {"key": f.key, "label": str(f.label), "value": f.value, "url": f.url, "light": f.light, "note": str(f.note)}
            for f in p.figures
        ],
        "head": [str(h) for h in p.head],
        "rows": [{"cells": r.cells, "url": r.url, "light": r.light} for r in p.rows],
        "chart": chart,
        "more_url": p.more_url,
        "as_of": p.as_of,
    }


@router.get("/", response={200: CockpitOut, **ERRORS}, summary="The cockpit: panels and early warnings in scope")
def cockpit(request: HttpRequest) -> Any:
    c = selectors.cockpit_for(request.user)
    return {
        "today": c.today,
        "generated_at": c.generated_at,
        "as_of": c.as_of,
        "panels": [_panel(p) for p in c.panels],
        "warnings": [{"kind": w.kind, "level": w.level, "text": w.text, "url": w.url} for w in c.warnings],
    }
