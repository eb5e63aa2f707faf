"""Indicators API (/api/v1/indicators): thin handlers over the selectors and services."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut
from luoshi.core import bounds
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.indicators import selectors, services
from luoshi.indicators.error_codes import IndicatorErrorCode
from luoshi.indicators.models import ImportKind, Indicator, IndicatorValue, Source, Target
from luoshi.indicators.parser import parse
from luoshi.org.models import Unit
from luoshi.org.selectors import access_unit, units_visible_to

router = Router(tags=["indicators"])

ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- Schemas --------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    aliases: list[str]
    unit: str
    kind: str
    direction: str
    category: str
    unit_kinds: list[str]
    aggregation: str
    decimals: int
    is_active: bool


class ValueOut(Schema):
    unit_id: int
    unit_name: str
    indicator: str = Field(description="Indicator code")
    year: int
    month: int
    value: Decimal
    yoy_reported: Decimal | None
    source: str

    @staticmethod
    def resolve_unit_name(obj: IndicatorValue) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_indicator(obj: IndicatorValue) -> str:
        return obj.indicator.code


class TargetOut(Schema):
    unit_id: int
    unit_name: str
    indicator: str
    year: int
    value: Decimal

    @staticmethod
    def resolve_unit_name(obj: Target) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_indicator(obj: Target) -> str:
        return obj.indicator.code


class ValueFilters(Schema):
    unit: bounds.Id | None = Field(None, description="Unit id")
    indicator: str | None = Field(None, description="Indicator code")
    year: bounds.Year | None = None
    month: bounds.Month | None = None
    page: bounds.Page = 1
    page_size: bounds.PageSize = Field(100, description="1 to 500")


class ValueIn(BodySchema):
    unit: bounds.Id | Annotated[str, Field(max_length=40)] = Field(..., description="Unit id or short code")
    indicator: str = Field(..., max_length=60, description="Indicator code or name")
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)
    value: bounds.Amount = Field(..., description="In the indicator's unit; cumulative indicators: January to month")
    yoy_pct: bounds.YoyPct | None = Field(None, description="Growth as reported, when last year's value is unknown")


class ValuesIn(BodySchema):
    values: list[ValueIn] = Field(..., min_length=1, max_length=20000)


class SaveOut(Schema):
    created: int
    updated: int
    unchanged: int
    aggregated: int
    batch_id: int | None


class TargetIn(BodySchema):
    unit: bounds.Id | Annotated[str, Field(max_length=40)]
    indicator: str = Field(..., max_length=60)
    year: int = Field(..., ge=2000, le=2100)
    value: bounds.Amount


class TargetsIn(BodySchema):
    targets: list[TargetIn] = Field(..., min_length=1, max_length=20000)


class WrittenOut(Schema):
    written: int


# Large responses (a leaderboard of 1,300 units) use plain pydantic models: ninja's
# Schema wraps every nested object in an attribute getter, which costs more than
# the query. Figures are JSON numbers (the stored decimals have at most 16
# significant digits); /values and /targets keep exact decimal strings.
class FiguresOut(BaseModel):
    value: float | None
    last_year: float | None
    yoy_pct: float | None
    yoy_is_reported: bool
    yoy_in_points: bool
    target: float | None
    completion_pct: float | None
    time_progress_pct: float | None
    gap_points: float | None = Field(description="Completion minus time progress, in points")
    gap_is_good: bool | None = Field(
        description="Whether gap_points is on the good side: ahead for most indicators, under time progress "
        "for those where less is better (信访总量, 安全生产事故)"
    )
    light: str


class ScorecardRowOut(FiguresOut):
    indicator: str
    name: str
    unit: str
    series: list[float | None] = Field(description="January to December of the year")


class ScorecardOut(BaseModel):
    unit_id: int
    unit_name: str
    year: int
    month: int
    time_progress_pct: float
    rows: list[ScorecardRowOut]


class LeaderRowOut(FiguresOut):
    unit_id: int
    unit_name: str
    unit_code: str
    metric: float | None
    rank: int | None
    rank_last_month: int | None
    movement: int | None = Field(description="Places gained since last month (negative: lost)")


class LeaderboardOut(BaseModel):
    parent_id: int
    parent_name: str
    indicator: str
    year: int
    month: int
    metric: str
    ranked: int
    rows: list[LeaderRowOut]


class HistoryMonthOut(FiguresOut):
    month: int


class HistoryYearOut(BaseModel):
    year: int
    target: float | None
    months: list[HistoryMonthOut] = Field(description="Only the months with a value")


class HistoryOut(BaseModel):
    unit_id: int
    indicator: str
    unit: str
    years: list[HistoryYearOut] = Field(description="Newest year first, at most five")


class CompositeOut(BaseModel):
    id: int
    name: str
    weights: dict[str, float] = Field(description="Indicator code → weight")
    metric: str


class ParseIn(BodySchema):
    text: str = Field(..., max_length=2_000_000, description="Scorecard text: simplified, traditional or with pinyin")


class MentionOut(BaseModel):
    """One indicator mention of a scorecard text (docs/scorecard-parser.md); null where the text does not say."""

    name: str = Field(description="The indicator as the text names it, in simplified Chinese")
    value: float | None = Field(description="The figure as written, in `unit`")
    unit: str | None = Field(description="The unit as written, with its 万/亿 multiplier")
    yoy_pct: float | None = Field(description="Year-over-year change in percent, signed")
    plan_pct: float | None = Field(description="Share of the plan (budget, annual target) in percent")
    period: str | None = Field(description="The period the text gives this figure for (1-8月, 一季度, 2025年 …)")
    plan_value: float | None = Field(description="The plan the share is of, in `plan_unit`")
    plan_unit: str | None = Field(description="Unit of `plan_value`, as written")
    yoy_abs: float | None = Field(description="Change against the year before, signed, in `yoy_abs_unit`")
    yoy_abs_unit: str | None = Field(description="Unit of `yoy_abs`, as written")
    rank: int | None = Field(description="Rank among peers (列全市第5位 → 5)")
    rank_scope: str | None = Field(description="Among whom the rank is (全市, 全区 …)")
    rank_change: int | None = Field(description="Places moved against the earlier ranking: up positive, down negative")
    code: str | None = Field(description="Catalogue code of the indicator, when the name or a usual short form matches")


# --- Helpers --------------------------------------------------------------------------------


def _unit(request: HttpRequest, ref: int | str) -> Unit:
    if isinstance(ref, int) or str(ref).isdigit():
        return access_unit(request.user, ref)
    unit = units_visible_to(request.user).filter(code=str(ref).upper()).first()
    if unit is None:
        raise NotFound(_("Unit %(name)s is not known or is outside your scope.") % {"name": ref})
    return unit


class _Indicators:
    def __init__(self) -> None:
        self.index = services.IndicatorIndex(Indicator.objects.all())

    def get(self, ref: str) -> Indicator:
        found = self.index.find(ref)
        if found is None:
            raise NotFound(_("Indicator %(name)s is not in the catalogue.") % {"name": ref})
        return found


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _figures(fig: selectors.Figures) -> dict[str, Any]:
    return {
        "value": _f(fig.value),
        "last_year": _f(fig.previous),
        "yoy_pct": _f(fig.yoy),
        "yoy_is_reported": fig.yoy_reported,
        "yoy_in_points": fig.yoy_points,
        "target": _f(fig.target),
        "completion_pct": _f(fig.completion),
        "time_progress_pct": _f(fig.time_progress),
        "gap_points": _f(fig.gap),
        "gap_is_good": fig.gap_good,
        "light": fig.light,
    }


def _json(payload: dict[str, Any]) -> JsonResponse:
    """Big, already plain payloads go out as they are (the response schema documents them)."""
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _period(
    request: HttpRequest, unit: Unit, year: int | None, month: int | None, *, below: bool = False
) -> tuple[int, int]:
    if year and month:
        return year, month
    found = selectors.latest_period_below(request.user, unit) if below else selectors.latest_period(request.user, unit)
    if found is None:
        raise ValidationFailed(_("There are no values yet; give year and month."), code=IndicatorErrorCode.NO_DATA)
    return (year or found[0], month or found[1])


# --- Endpoints ---------------------------------------------------------------------------------


@router.get("", response={200: list[IndicatorOut], **ERRORS}, summary="The indicator catalogue")
def list_indicators(request: HttpRequest, category: str = "", q: str = "", include_inactive: bool = False) -> Any:
    return list(selectors.indicator_list(active_only=not include_inactive, category=category, q=q))


@router.get("/catalogue/{code}", response={200: IndicatorOut, **ERRORS}, summary="One indicator by code")
def get_indicator(request: HttpRequest, code: str) -> Any:
    return selectors.access_indicator(code)


@router.get("/values", response={200: PageOut[ValueOut], **ERRORS}, summary="Monthly values in your scope")
def list_values(request: HttpRequest, filters: Query[ValueFilters]) -> Any:
    unit = access_unit(request.user, filters.unit) if filters.unit else None
    indicator = selectors.access_indicator(filters.indicator) if filters.indicator else None
    qs = selectors.value_list(request.user, unit=unit, indicator=indicator, year=filters.year, month=filters.month)
    return paginate(qs, filters.page, filters.page_size)


@router.post("/values/bulk", response={200: SaveOut, **ERRORS}, summary="Insert or replace many values at once")
def save_values(request: HttpRequest, payload: ValuesIn) -> Any:
    indicators = _Indicators()
    units: dict[int | str, Unit] = {}
    rows = []
    for item in payload.values:
        if item.unit not in units:
            units[item.unit] = _unit(request, item.unit)
        rows.append(
            services.ValueRow(
                units[item.unit], indicators.get(item.indicator), item.year, item.month, item.value, item.yoy_pct
            )
        )
    result = services.values_save(actor=request.user, rows=rows, source=Source.API, kind=ImportKind.API)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "aggregated": result.aggregated,
        "batch_id": result.batch.pk if result.batch else None,
    }


@router.get("/targets", response={200: PageOut[TargetOut], **ERRORS}, summary="Annual targets in your scope")
def list_targets(
    request: HttpRequest,
    unit: bounds.Id | None = None,
    indicator: str | None = None,
    year: bounds.Year | None = None,
    page: bounds.Page = 1,
    page_size: bounds.PageSize = 100,
) -> Any:
    unit_obj = access_unit(request.user, unit) if unit else None
    ind = selectors.access_indicator(indicator) if indicator else None
    return paginate(selectors.target_list(request.user, unit=unit_obj, indicator=ind, year=year), page, page_size)


@router.put("/targets", response={200: WrittenOut, **ERRORS}, summary="Set annual targets (from the unit above)")
def save_targets(request: HttpRequest, payload: TargetsIn) -> Any:
    indicators = _Indicators()
    rows = [
        services.TargetRow(_unit(request, t.unit), indicators.get(t.indicator), t.year, t.value)
        for t in payload.targets
    ]
    return {"written": services.targets_save(actor=request.user, rows=rows)}


@router.get("/scorecard", response={200: ScorecardOut, **ERRORS}, summary="A unit's scorecard (成绩单)")
def get_scorecard(
    request: HttpRequest, unit: bounds.Id, year: bounds.Year | None = None, month: bounds.Month | None = None
) -> Any:
    unit_obj = selectors.access_indicator_unit(request.user, unit)
    y, m = _period(request, unit_obj, year, month)
    card = selectors.scorecard(request.user, unit_obj, y, m)
    return {
        "unit_id": unit_obj.pk,
        "unit_name": unit_obj.name,
        "year": y,
        "month": m,
        "time_progress_pct": float(card.time_progress),
        "rows": [
            {
                **_figures(r.figures),
                "indicator": r.indicator.code,
                "name": r.indicator.name,
                "unit": r.indicator.unit,
                "series": [_f(v) for v in r.series],
            }
            for r in card.rows
        ],
    }


@router.get("/leaderboard", response={200: LeaderboardOut, **ERRORS}, summary="Rank the units under a parent (擂台)")
def get_leaderboard(
    request: HttpRequest,
    parent: bounds.Id,
    indicator: str,
    year: bounds.Year | None = None,
    month: bounds.Month | None = None,
    metric: str = "",  # completion, yoy or value; default: completion when targets exist
    kind: str = "",
) -> Any:
    parent_obj = selectors.access_indicator_unit(request.user, parent)
    ind = selectors.access_indicator(indicator)
    y, m = _period(request, parent_obj, year, month, below=True)
    board = selectors.leaderboard(request.user, parent_obj, ind, y, m, metric=metric, kind=kind)
    return _json(
        {
            "parent_id": parent_obj.pk,
            "parent_name": parent_obj.name,
            "indicator": ind.code,
            "year": y,
            "month": m,
            "metric": board.metric,
            "ranked": board.ranked,
            "rows": [
                {
                    **_figures(r.figures),
                    "unit_id": r.unit_id,
                    "unit_name": r.unit_name,
                    "unit_code": r.unit_code,
                    "metric": _f(r.metric),
                    "rank": r.rank,
                    "rank_last_month": r.rank_before,
                    "movement": r.move,
                }
                for r in board.rows
            ],
        }
    )


@router.get("/history", response={200: HistoryOut, **ERRORS}, summary="One indicator of one unit, month by month")
def get_history(request: HttpRequest, unit: int, indicator: str) -> Any:
    unit_obj = selectors.access_indicator_unit(request.user, unit)
    ind = selectors.access_indicator(indicator)
    data = selectors.indicator_history(request.user, unit_obj, ind, changes=0)
    return {
        "unit_id": unit_obj.pk,
        "indicator": ind.code,
        "unit": ind.unit,
        "years": [
            {
                "year": y.year,
                "target": _f(y.target),
                "months": [
                    {**_figures(f), "month": number}
                    for number, f in enumerate(y.months, start=1)
                    if f.value is not None
                ],
            }
            for y in data.years
        ],
    }


@router.get("/composites", response={200: list[CompositeOut], **ERRORS}, summary="Saved composite leaderboards")
def list_composites(request: HttpRequest, parent: int) -> Any:
    parent_obj = selectors.access_indicator_unit(request.user, parent)
    return [
        {"id": c.pk, "name": c.name, "weights": {k: float(v) for k, v in c.weights.items()}, "metric": c.metric}
        for c in selectors.saved_composites(request.user, parent_obj)
    ]


@router.post("/parse", response={200: list[MentionOut], **ERRORS}, summary="Find indicator mentions in scorecard text")
def parse_text(request: HttpRequest, payload: ParseIn) -> Any:
    return [m.as_dict() for m in parse(payload.text, catalogue=selectors.catalogue_names())]
