"""Reads for scorecards and leaderboards, always scoped to the user's units.

Every read starts from a unit the user may see (``access_unit`` gives 404
otherwise) or from :func:`values_visible_to` / :func:`targets_visible_to`.
Each function runs a fixed number of queries whatever the number of units or
indicators (tests assert the counts); the arithmetic is in
:mod:`luoshi.indicators.computations`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Max, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.indicators import computations as calc
from luoshi.indicators.error_codes import IndicatorErrorCode
from luoshi.indicators.models import (
    Aggregation,
    Category,
    ImportBatch,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    SavedComposite,
    Target,
    ValueChange,
)
from luoshi.indicators.permissions import VIEW
from luoshi.org.models import Unit, UnitKind
from luoshi.org.permissions import require
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit

#: Kinds of unit ranked against each other (乡镇 and 街道 share one 擂台).
PEER_CLASSES: tuple[frozenset[str], ...] = (
    frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT}),
    frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    frozenset({UnitKind.DEPARTMENT}),
    frozenset({UnitKind.TASK_FORCE}),
    frozenset({UnitKind.GRID}),
    frozenset({UnitKind.DISTRICT}),
)

METRICS = ("completion", "yoy", "value")


def peer_class(kind: str) -> frozenset[str]:
    for group in PEER_CLASSES:
        if kind in group:
            return group
    return frozenset({kind})


# --- Scoped bases ---------------------------------------------------------------------


def values_visible_to(user: Actor) -> QuerySet[IndicatorValue]:
    scope = scope_for(user)
    if scope.is_empty:
        return IndicatorValue.objects.none()
    return IndicatorValue.objects.filter(scope.unit_q("unit"))


def targets_visible_to(user: Actor) -> QuerySet[Target]:
    scope = scope_for(user)
    if scope.is_empty:
        return Target.objects.none()
    return Target.objects.filter(scope.unit_q("unit"))


def access_indicator_unit(user: Actor, pk: int | str) -> Unit:
    """A unit whose indicators the user may read (404 otherwise)."""
    unit = access_unit(user, pk)
    require(user, VIEW, unit)
    return unit


def batches_visible_to(user: Actor) -> QuerySet[ImportBatch]:
    """A user's own imports (superusers see all)."""
    if not isinstance(user, User):
        return ImportBatch.objects.none()
    if user.is_superuser:
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(created_by=user)


def access_batch(user: Actor, pk: int | str) -> ImportBatch:
    try:
        return batches_visible_to(user).get(pk=int(pk))
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Catalogue --------------------------------------------------------------------------


def indicator_list(*, active_only: bool = True, category: str = "", q: str = "") -> QuerySet[Indicator]:
    """The catalogue is shared by everyone; it holds no unit's data."""
    qs = Indicator.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.order_by("sort_order", "code")


def catalogue_names() -> dict[str, str]:
    """Every name and other name of the active catalogue → its code, for the scorecard parser's codes."""
    names: dict[str, str] = {}
    for code, name, aliases in Indicator.objects.filter(is_active=True).values_list("code", "name", "aliases"):
        for word in [name, *(aliases or [])]:
            names.setdefault(str(word), code)
    return names


def access_indicator(key: int | str) -> Indicator:
    """An indicator by primary key or code."""
    qs = Indicator.objects.all()
    try:
        if isinstance(key, int) or str(key).isdigit():
            return qs.get(pk=int(key))
        return qs.get(code=str(key))
    except Indicator.DoesNotExist:
        raise NotFound() from None


def indicators_for_kind(kind: str, indicators: Iterable[Indicator] | None = None) -> list[Indicator]:
    """Active indicators that units of ``kind`` report, in catalogue order."""
    pool = list(indicators) if indicators is not None else list(indicator_list())
    return [i for i in pool if kind in (i.unit_kinds or [])]


# --- Periods ----------------------------------------------------------------------------


def latest_period(user: Actor, unit: Unit) -> tuple[int, int] | None:
    """The last (year, month) for which ``unit`` has any value."""
    row = values_visible_to(user).filter(unit=unit).order_by("-year", "-month").values_list("year", "month").first()
    return (row[0], row[1]) if row else None


def latest_period_below(user: Actor, parent: Unit) -> tuple[int, int] | None:
    row = (
        values_visible_to(user)
        .filter(unit__parent=parent)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    return (row[0], row[1]) if row else None


def check_period(year: int, month: int) -> None:
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationFailed(
            _("Choose a year from 2000 to 2100 and a month from 1 to 12."), code=IndicatorErrorCode.INVALID_PERIOD
        )


# --- Figures for one unit, indicator and month -------------------------------------------


@dataclass
class Figures:
    """Everything a scorecard cell or leaderboard row shows for one unit and indicator."""

    value: Decimal | None = None
    previous: Decimal | None = None  # last year, same month
    yoy: Decimal | None = None
    yoy_reported: bool = False
    yoy_points: bool = False  # ratios change in percentage points
    target: Decimal | None = None
    completion: Decimal | None = None
    time_progress: Decimal | None = None
    gap: Decimal | None = None
    light: str = ""
    #: The indicator's direction: for 信访总量 or 安全生产事故 less is better, so a
    #: completion under time progress is good and every judgement turns round.
    higher_is_better: bool = True

    @property
    def gap_good(self) -> bool | None:
        """Whether the gap to time progress is on the good side (``None``: no gap)."""
        if self.gap is None:
            return None
        return self.gap >= 0 if self.higher_is_better else self.gap <= 0

    @property
    def gap_class(self) -> str:
        good = self.gap_good
        return "" if good is None else "gap-ahead" if good else "gap-behind"

    def metric(self, name: str) -> Decimal | None:
        if name == "completion":
            return self.completion
        if name == "yoy":
            return self.yoy
        return self.value


def compute(
    indicator: Indicator,
    month: int,
    *,
    value: Decimal | None,
    previous: Decimal | None,
    reported_yoy: Decimal | None,
    target: Decimal | None,
) -> Figures:
    cumulative = indicator.kind == IndicatorKind.CUMULATIVE
    fig = Figures(value=value, previous=previous, target=target, higher_is_better=indicator.higher_is_better)
    if indicator.kind == IndicatorKind.RATIO:
        fig.yoy, fig.yoy_points = calc.yoy_points(value, previous), True
    else:
        fig.yoy = calc.yoy_pct(value, previous)
    if fig.yoy is None and value is not None and reported_yoy is not None:
        fig.yoy, fig.yoy_reported, fig.yoy_points = calc.pct(reported_yoy), True, False
    fig.completion = calc.completion_pct(value, target)
    if cumulative:
        fig.time_progress = calc.time_progress_pct(month)
        fig.gap = calc.progress_gap(fig.completion, month)
    if value is not None:
        fig.light = calc.light(
            cumulative=cumulative,
            higher_is_better=indicator.higher_is_better,
            completion=fig.completion,
            gap=fig.gap,
            yoy=None if fig.yoy_points else fig.yoy,
        )
    return fig


def metric_only(
    indicator: Indicator,
    metric: str,
    *,
    value: Decimal | None,
    previous: Decimal | None,
    reported_yoy: Decimal | None,
    target: Decimal | None,
) -> Decimal | None:
    """The one figure a ranking compares (what :func:`compute` would give, without the rest)."""
    if value is None:
        return None
    if metric == "completion":
        return calc.completion_pct(value, target)
    if metric == "yoy":
        if indicator.kind == IndicatorKind.RATIO:
            figure = calc.yoy_points(value, previous)
        else:
            figure = calc.yoy_pct(value, previous)
        if figure is None and reported_yoy is not None:
            figure = calc.pct(reported_yoy)
        return figure
    return value


# --- Scorecard (成绩单) -------------------------------------------------------------------


@dataclass
class ScorecardRow:
    indicator: Indicator
    figures: Figures
    series: list[Decimal | None]  # January to December of the year
    source: str = ""


@dataclass
class Scorecard:
    unit: Unit
    year: int
    month: int
    rows: list[ScorecardRow]
    time_progress: Decimal
    lights: dict[str, int] = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.month)


def period_label(year: int, month: int) -> str:
    """ "2026年1-8月" (cumulative figures run from January to ``month``)."""
    if month == 1:
        return _("%(year)d, month %(month)d") % {"year": year, "month": month}
    return _("%(year)d, months 1–%(month)d") % {"year": year, "month": month}


def scorecard(user: Actor, unit: Unit, year: int, month: int) -> Scorecard:
    """Every indicator of ``unit`` at ``year``/``month`` with YoY, completion, time progress and a sparkline."""
    require(user, VIEW, unit)
    check_period(year, month)
    catalogue = list(indicator_list())
    values = list(
        IndicatorValue.objects.filter(unit=unit, year__in=[year - 1, year]).values_list(
            "indicator_id", "year", "month", "value", "yoy_reported", "source"
        )
    )
    targets = dict(Target.objects.filter(unit=unit, year=year).values_list("indicator_id", "value"))
    current: dict[tuple[int, int, int], tuple[Decimal, Decimal | None, str]] = {
        (ind, y, m): (v, r, s) for ind, y, m, v, r, s in values
    }
    with_values = {ind for ind, _y, _m, *_rest in values}
    shown = [i for i in catalogue if i.reported_by(unit) or i.pk in with_values or i.pk in targets]
    rows: list[ScorecardRow] = []
    lights: dict[str, int] = defaultdict(int)
    for indicator in shown:
        now = current.get((indicator.pk, year, month))
        before = current.get((indicator.pk, year - 1, month))
        figures = compute(
            indicator,
            month,
            value=now[0] if now else None,
            previous=before[0] if before else None,
            reported_yoy=now[1] if now else None,
            target=targets.get(indicator.pk),
        )
        series = [
            current[(indicator.pk, year, m)][0] if (indicator.pk, year, m) in current else None for m in range(1, 13)
        ]
        rows.append(ScorecardRow(indicator=indicator, figures=figures, series=series, source=now[2] if now else ""))
        if figures.light:
            lights[figures.light] += 1
    return Scorecard(
        unit=unit, year=year, month=month, rows=rows, time_progress=calc.time_progress_pct(month), lights=dict(lights)
    )


# --- Leaderboards (擂台) ------------------------------------------------------------------


@dataclass
class LeaderRow:
    unit_id: int
    unit_name: str
    unit_code: str
    figures: Figures
    metric: Decimal | None
    rank: int | None = None
    rank_before: int | None = None
    move: int | None = None


@dataclass
class Leaderboard:
    parent: Unit
    indicator: Indicator | None
    year: int
    month: int
    metric: str
    rows: list[LeaderRow]
    parts: list[tuple[Indicator, Decimal]] = field(default_factory=list)

    @property
    def ranked(self) -> int:
        return sum(1 for r in self.rows if r.rank is not None)

    @property
    def higher_is_better(self) -> bool:
        return self.indicator.higher_is_better if self.indicator else True


def peer_units(parent: Unit, kinds: Iterable[str]) -> QuerySet[Unit]:
    """Active direct children of ``parent`` of the given kinds."""
    return Unit.objects.filter(parent=parent, is_active=True, kind__in=list(kinds)).order_by("sort_order", "name")


#: How far down the tree a kind of unit sits (for sums: a township sums its communities).
LEVEL: dict[str, int] = {
    UnitKind.DISTRICT: 0,
    UnitKind.TOWNSHIP: 1,
    UnitKind.SUBDISTRICT: 1,
    UnitKind.COMMUNITY: 2,
    UnitKind.VILLAGE: 2,
    UnitKind.GRID: 3,
}


def indicator_applies(indicator: Indicator, kinds: frozenset[str]) -> bool:
    """Do units of ``kinds`` have figures for ``indicator`` — their own, or sums of units below?"""
    own = frozenset(indicator.unit_kinds or [])
    if own & kinds:
        return True
    if indicator.aggregation == Aggregation.SUM and kinds:
        level = min(LEVEL.get(k, 99) for k in kinds)
        return any(LEVEL.get(k, -1) > level for k in own)
    return False


def peer_kinds_for(parent: Unit, indicators: Sequence[Indicator], kind: str = "") -> frozenset[str]:
    """The kinds of ``parent``'s children that are ranked against each other on ``indicators``."""
    if kind:
        return peer_class(kind)
    for group in PEER_CLASSES:
        if parent.kind in group:
            continue  # a township is not its own peer
        if any(indicator_applies(i, group) for i in indicators):
            return group
    return frozenset()


def leaderboard_indicators(parent: Unit, catalogue: Sequence[Indicator]) -> list[Indicator]:
    """The indicators on which ``parent``'s children can be ranked (one query)."""
    child_kinds = set(Unit.objects.filter(parent=parent, is_active=True).values_list("kind", flat=True).distinct())
    groups = [g for g in PEER_CLASSES if parent.kind not in g and g & child_kinds]
    return [i for i in catalogue if any(indicator_applies(i, g) for g in groups)]


def default_metric(indicator: Indicator, has_targets: bool) -> str:
    if has_targets:
        return "completion"
    return "value"


def leaderboard(
    user: Actor,
    parent: Unit,
    indicator: Indicator,
    year: int,
    month: int,
    *,
    metric: str = "",
    kind: str = "",
) -> Leaderboard:
    """Rank the children of ``parent`` that report ``indicator``, with movement since last month.

    Three queries: the peers, their values (this and last month, this and last
    year) and their targets. Ties share a rank; units without a figure come last,
    unranked.
    """
    require(user, VIEW, parent)
    check_period(year, month)
    kinds = peer_kinds_for(parent, [indicator], kind)
    peers = list(peer_units(parent, kinds).values_list("pk", "name", "code"))
    ids = [p[0] for p in peers]
    months = [month, month - 1] if month > 1 else [month]
    values: dict[tuple[int, int, int], tuple[Decimal, Decimal | None]] = {}
    for unit_id, y, m, v, r in IndicatorValue.objects.filter(
        indicator=indicator,
        unit__parent=parent,
        unit__kind__in=list(kinds),
        year__in=[year, year - 1],
        month__in=months,
    ).values_list("unit_id", "year", "month", "value", "yoy_reported"):
        values[(unit_id, y, m)] = (v, r)
    targets = dict(
        Target.objects.filter(
            indicator=indicator, year=year, unit__parent=parent, unit__kind__in=list(kinds)
        ).values_list("unit_id", "value")
    )
    chosen = metric if metric in METRICS else default_metric(indicator, bool(targets))

    def figures_at(unit_id: int, m: int) -> Figures:
        now = values.get((unit_id, year, m))
        before = values.get((unit_id, year - 1, m))
        return compute(
            indicator,
            m,
            value=now[0] if now else None,
            previous=before[0] if before else None,
            reported_yoy=now[1] if now else None,
            target=targets.get(unit_id),
        )

    rows = [
        LeaderRow(unit_id=pk, unit_name=name, unit_code=code, figures=figures_at(pk, month), metric=None)
        for pk, name, code in peers
    ]
    for row in rows:
        row.metric = _rank_key(row.figures.metric(chosen), indicator, chosen)
    descending = indicator.higher_is_better
    ranks = calc.rank_with_ties(((r.unit_id, r.metric) for r in rows), descending=descending)

    def metric_at(unit_id: int, m: int) -> Decimal | None:
        now = values.get((unit_id, year, m))
        if now is None:
            return None
        before = values.get((unit_id, year - 1, m))
        figure = metric_only(
            indicator,
            chosen,
            value=now[0],
            previous=before[0] if before else None,
            reported_yoy=now[1],
            target=targets.get(unit_id),
        )
        return _rank_key(figure, indicator, chosen)

    if month > 1:
        before = calc.rank_with_ties(((pk, metric_at(pk, month - 1)) for pk in ids), descending=descending)
    else:
        before = {}
    for row in rows:
        row.rank, row.rank_before = ranks.get(row.unit_id), before.get(row.unit_id)
        row.move = calc.movement(row.rank, row.rank_before)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
    return Leaderboard(parent=parent, indicator=indicator, year=year, month=month, metric=chosen, rows=rows)


def _rank_key(figure: Decimal | None, indicator: Indicator, metric: str) -> Decimal | None:
    """What ranks compare: percentages to 0.01, values to the indicator's decimals."""
    if figure is None:
        return None
    if metric == "value":
        return figure.quantize(Decimal(1).scaleb(-indicator.decimals))
    return calc.pct(figure)


def composite_leaderboard(
    user: Actor,
    parent: Unit,
    weights: Sequence[tuple[Indicator, Decimal]],
    year: int,
    month: int,
    *,
    metric: str = "completion",
    kind: str = "",
) -> Leaderboard:
    """Rank the children of ``parent`` on a weighted composite of several indicators (0–100)."""
    require(user, VIEW, parent)
    return _composite(parent, weights, year, month, metric=metric, kind=kind)


def default_composite_weights(catalogue: Sequence[Indicator]) -> list[tuple[Indicator, Decimal]]:
    """The composite the 擂台 opens with: the first five economic indicators, equal weights."""
    return [(i, Decimal(1)) for i in catalogue if i.category == Category.ECONOMY][:5]


def own_rank(unit: Unit) -> tuple[int, int, int, int] | None:
    """(rank, units ranked, year, month) of ``unit`` among its peers on the default composite of
    its parent's 擂台 for the last month ``unit`` reported — the published rank, which its own
    people may know without seeing the peers' figures. None when it is not ranked."""
    if unit.parent_id is None:
        return None
    row = IndicatorValue.objects.filter(unit=unit).order_by("-year", "-month").values_list("year", "month").first()
    if row is None:
        return None
    parent = Unit.objects.get(pk=unit.parent_id)
    weights = default_composite_weights(leaderboard_indicators(parent, list(indicator_list())))
    if not weights:
        return None
    board = _composite(parent, weights, row[0], row[1], kind=unit.kind)
    mine = next((r for r in board.rows if r.unit_id == unit.pk), None)
    if mine is None or mine.rank is None:
        return None
    return mine.rank, board.ranked, row[0], row[1]


def _composite(
    parent: Unit,
    weights: Sequence[tuple[Indicator, Decimal]],
    year: int,
    month: int,
    *,
    metric: str = "completion",
    kind: str = "",
) -> Leaderboard:
    """:func:`composite_leaderboard` without the permission check (callers check, or show a rank only)."""
    check_period(year, month)
    if not weights:
        raise ValidationFailed(
            _("Choose at least one indicator for the composite."), code=IndicatorErrorCode.NO_INDICATORS
        )
    metric = metric if metric in ("completion", "yoy") else "completion"
    kinds = peer_kinds_for(parent, [ind for ind, _w in weights], kind)
    peers = list(peer_units(parent, kinds).values_list("pk", "name", "code"))
    ids = [p[0] for p in peers]
    by_id = {ind.pk: ind for ind, _w in weights}
    months = [month, month - 1] if month > 1 else [month]
    values: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]] = {}
    for unit_id, ind_id, y, m, v, r in IndicatorValue.objects.filter(
        indicator_id__in=list(by_id),
        unit__parent=parent,
        unit__kind__in=list(kinds),
        year__in=[year, year - 1],
        month__in=months,
    ).values_list("unit_id", "indicator_id", "year", "month", "value", "yoy_reported"):
        values[(unit_id, ind_id, y, m)] = (v, r)
    targets = {
        (u, i): v
        for u, i, v in Target.objects.filter(
            indicator_id__in=list(by_id), year=year, unit__parent=parent, unit__kind__in=list(kinds)
        ).values_list("unit_id", "indicator_id", "value")
    }

    def figures(unit_id: int, ind_id: int, m: int) -> Figures:
        now = values.get((unit_id, ind_id, year, m))
        before = values.get((unit_id, ind_id, year - 1, m))
        return compute(
            by_id[ind_id],
            m,
            value=now[0] if now else None,
            previous=before[0] if before else None,
            reported_yoy=now[1] if now else None,
            target=targets.get((unit_id, ind_id)),
        )

    parts = [calc.Part(key=ind.pk, weight=w, higher_is_better=ind.higher_is_better) for ind, w in weights]

    def scores_at(m: int) -> dict[int, Decimal | None]:
        return calc.composite_scores(parts, lambda u, i: figures(u, i, m).metric(metric), ids)  # type: ignore[arg-type]

    now_scores = scores_at(month)
    ranks = calc.rank_with_ties(now_scores.items())
    before = calc.rank_with_ties(scores_at(month - 1).items()) if month > 1 else {}
    rows = []
    for pk, name, code in peers:
        row = LeaderRow(unit_id=pk, unit_name=name, unit_code=code, figures=Figures(), metric=now_scores[pk])
        row.rank, row.rank_before = ranks.get(pk), before.get(pk)
        row.move = calc.movement(row.rank, row.rank_before)
        rows.append(row)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
    return Leaderboard(
        parent=parent, indicator=None, year=year, month=month, metric=metric, rows=rows, parts=list(weights)
    )


@dataclass
class TrendSeries:
    name: str
    points: list[Decimal | None]


def leaderboard_trend(board: Leaderboard, *, top: int = 5) -> list[TrendSeries]:
    """Monthly values of the best ``top`` units and the peers' average, January to the board's month (2 queries)."""
    if board.indicator is None:
        return []
    leaders = [r for r in board.rows if r.rank is not None][:top]
    months = range(1, board.month + 1)
    base = IndicatorValue.objects.filter(indicator=board.indicator, year=board.year, month__lte=board.month)
    series: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for unit_id, m, v in base.filter(unit_id__in=[r.unit_id for r in leaders]).values_list("unit_id", "month", "value"):
        series[unit_id][m] = v
    peer_ids = [r.unit_id for r in board.rows]
    average = dict(
        base.filter(unit_id__in=peer_ids).values("month").annotate(avg=Avg("value")).values_list("month", "avg")
    )
    result = [TrendSeries(name=r.unit_name, points=[series[r.unit_id].get(m) for m in months]) for r in leaders]
    result.append(
        TrendSeries(
            name=_("Average"),
            points=[calc.pct(Decimal(average[m])) if average.get(m) is not None else None for m in months],
        )
    )
    return result


# --- District overview: every peer × every indicator ---------------------------------------


@dataclass
class OverviewCell:
    figures: Figures
    rank: int | None


@dataclass
class Overview:
    parent: Unit
    year: int
    month: int
    indicators: list[Indicator]
    units: list[tuple[int, str]]
    cells: dict[tuple[int, int], OverviewCell]
    counts: dict[int, int]  # units ranked per indicator

    def cell(self, unit_id: int, indicator_id: int) -> OverviewCell | None:
        return self.cells.get((unit_id, indicator_id))

    @property
    def grid(self) -> list[tuple[int, str, list[tuple[Indicator, OverviewCell | None]]]]:
        """Rows for a template: each unit with its cells in indicator order."""
        return [
            (unit_id, name, [(ind, self.cells.get((unit_id, ind.pk))) for ind in self.indicators])
            for unit_id, name in self.units
        ]


def overview(user: Actor, parent: Unit, year: int, month: int, *, category: str = "") -> Overview:
    """All peers of ``parent``'s children against all their indicators, with ranks (4 queries)."""
    require(user, VIEW, parent)
    check_period(year, month)
    catalogue = list(indicator_list(category=category))
    kinds = peer_kinds_for(parent, catalogue)
    indicators = [i for i in catalogue if indicator_applies(i, kinds)]
    units = list(peer_units(parent, kinds).values_list("pk", "name"))
    values: dict[tuple[int, int, int], tuple[Decimal, Decimal | None]] = {}
    for unit_id, ind_id, y, v, r in IndicatorValue.objects.filter(
        unit__parent=parent,
        unit__kind__in=list(kinds),
        indicator__in=indicators,
        year__in=[year, year - 1],
        month=month,
    ).values_list("unit_id", "indicator_id", "year", "value", "yoy_reported"):
        values[(unit_id, ind_id, y)] = (v, r)
    targets = {
        (u, i): v
        for u, i, v in Target.objects.filter(
            unit__parent=parent, unit__kind__in=list(kinds), indicator__in=indicators, year=year
        ).values_list("unit_id", "indicator_id", "value")
    }
    cells: dict[tuple[int, int], OverviewCell] = {}
    counts: dict[int, int] = {}
    for indicator in indicators:
        has_targets = any((u, indicator.pk) in targets for u, _n in units)
        chosen = default_metric(indicator, has_targets)
        figs = {}
        for unit_id, _name in units:
            now = values.get((unit_id, indicator.pk, year))
            before = values.get((unit_id, indicator.pk, year - 1))
            figs[unit_id] = compute(
                indicator,
                month,
                value=now[0] if now else None,
                previous=before[0] if before else None,
                reported_yoy=now[1] if now else None,
                target=targets.get((unit_id, indicator.pk)),
            )
        ranks = calc.rank_with_ties(
            ((u, _rank_key(f.metric(chosen), indicator, chosen)) for u, f in figs.items()),
            descending=indicator.higher_is_better,
        )
        counts[indicator.pk] = sum(1 for r in ranks.values() if r is not None)
        for unit_id, fig in figs.items():
            cells[(unit_id, indicator.pk)] = OverviewCell(figures=fig, rank=ranks.get(unit_id))
    return Overview(
        parent=parent, year=year, month=month, indicators=indicators, units=units, cells=cells, counts=counts
    )


# --- Lists for the API and history ---------------------------------------------------------


def value_list(
    user: Actor,
    *,
    unit: Unit | None = None,
    indicator: Indicator | None = None,
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[IndicatorValue]:
    qs = values_visible_to(user).select_related("unit", "indicator")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("unit__path", "indicator__sort_order", "indicator_id", "year", "month")


def target_list(
    user: Actor, *, unit: Unit | None = None, indicator: Indicator | None = None, year: int | None = None
) -> QuerySet[Target]:
    qs = targets_visible_to(user).select_related("unit", "indicator")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("unit__path", "indicator__sort_order", "indicator_id", "year")


def value_history(user: Actor, unit: Unit, indicator: Indicator, *, limit: int = 50) -> list[ValueChange]:
    require(user, VIEW, unit)
    return list(
        ValueChange.objects.filter(unit=unit, indicator=indicator)
        .select_related("actor", "batch")
        .order_by("-at", "-id")[:limit]
    )


def years_with_data(user: Actor, unit: Unit) -> list[int]:
    return sorted(
        set(values_visible_to(user).filter(unit=unit).values_list("year", flat=True).distinct()), reverse=True
    )


def last_value_period(user: Actor) -> tuple[int, int] | None:
    row = values_visible_to(user).aggregate(y=Max("year"))
    if row["y"] is None:
        return None
    m = values_visible_to(user).filter(year=row["y"]).aggregate(m=Max("month"))["m"]
    return int(row["y"]), int(m)


# --- History of one indicator of one unit ------------------------------------------------------


@dataclass
class HistoryYear:
    year: int
    target: Decimal | None
    months: list[Figures]  # January to December (empty figures where nothing is reported)

    @property
    def reported(self) -> int:
        return sum(1 for f in self.months if f.value is not None)

    @property
    def latest(self) -> Figures | None:
        return next((f for f in reversed(self.months) if f.value is not None), None)


@dataclass
class History:
    unit: Unit
    indicator: Indicator
    years: list[HistoryYear]  # newest first
    changes: list[ValueChange]


def indicator_history(user: Actor, unit: Unit, indicator: Indicator, *, years: int = 5, changes: int = 50) -> History:
    """Every month of the last ``years`` years of one indicator of one unit, with YoY, completion and
    time progress per month, the annual targets, and the newest changes to the values (3 queries)."""
    require(user, VIEW, unit)
    values = {
        (y, m): (v, r)
        for y, m, v, r in IndicatorValue.objects.filter(unit=unit, indicator=indicator).values_list(
            "year", "month", "value", "yoy_reported"
        )
    }
    targets = dict(Target.objects.filter(unit=unit, indicator=indicator).values_list("year", "value"))
    known = sorted({y for y, _m in values} | set(targets), reverse=True)[:years]
    rows = []
    for year in known:
        months = []
        for month in range(1, 13):
            now = values.get((year, month))
            before = values.get((year - 1, month))
            months.append(
                compute(
                    indicator,
                    month,
                    value=now[0] if now else None,
                    previous=before[0] if before else None,
                    reported_yoy=now[1] if now else None,
                    target=targets.get(year),
                )
            )
        rows.append(HistoryYear(year=year, target=targets.get(year), months=months))
    return History(
        unit=unit, indicator=indicator, years=rows, changes=value_history(user, unit, indicator, limit=changes)
    )


# --- Saved composite leaderboards ----------------------------------------------------------------


def saved_composites(user: Actor, parent: Unit) -> list[SavedComposite]:
    """The composite leaderboards kept for the units below ``parent``."""
    require(user, VIEW, parent)
    return list(SavedComposite.objects.filter(parent=parent).order_by("name"))


def access_saved_composite(user: Actor, pk: int | str) -> SavedComposite:
    try:
        saved = SavedComposite.objects.select_related("parent").get(pk=int(pk))
    except (SavedComposite.DoesNotExist, ValueError):
        raise NotFound() from None
    require(user, VIEW, saved.parent)
    return saved


def composite_weights(saved: SavedComposite, catalogue: Sequence[Indicator]) -> list[tuple[Indicator, Decimal]]:
    """The saved weights of the indicators still in ``catalogue``, in catalogue order."""
    result = []
    for indicator in catalogue:
        raw = saved.weights.get(indicator.code)
        if raw is None:
            continue
        try:
            weight = Decimal(str(raw))
        except ArithmeticError:
            continue
        if weight > 0:
            result.append((indicator, weight))
    return result
