"""What the indicators app measures for a unit: its figures on one indicator (the parameter).

Registered in :mod:`luoshi.core.metrics` from ``IndicatorsConfig.ready()``; see docs/metrics.md.
Unlike the record-based metrics, an indicator figure is the unit's **own** value (a township's
value of a summed indicator is already the sum of its communities, see docs/indicators.md), read
at the period's last month: cumulative values for a quarter are those of its third month.

Every figure is turned to the indicator's good side, so that one direction serves every
indicator: for a lower-is-better indicator (信访总量, 安全生产事故) a completion *under* time
progress and a *fall* on last year count as positive. The basis and the records show the
figures as the scorecard prints them.

- ``indicators.progress_gap``: completion of the annual target minus 序时进度, in points.
- ``indicators.yoy_growth``: year-on-year growth (points for ratios), in %.
- ``indicators.rank``: the unit's place among its peers on the indicator's leaderboard
  (decision 0302: the active children of the same parent of one peer class; completion when
  the peers have targets, else the value; ties share a rank).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from luoshi.core import metrics
from luoshi.core.metrics import Choice, Direction, Figure, Metric, MetricParam, Period, Record, Subject, SubjectKind
from luoshi.indicators import computations as calc
from luoshi.indicators.models import Indicator, IndicatorKind, IndicatorValue, Target
from luoshi.indicators.selectors import Figures, compute, default_metric, metric_only, peer_class
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit

UNITS = frozenset({SubjectKind.UNIT})


def _indicator_choices() -> list[Choice]:
    return [Choice(code, name) for code, name in Indicator.objects.filter(is_active=True).values_list("code", "name")]


def _indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise ValueError(f"no indicator with the code {code!r}")
    return indicator


@dataclass
class _Rows:
    """The indicator's values (this year and last, at the period's last month) and targets for some units."""

    indicator: Indicator
    period: Period
    values: dict[tuple[int, int], tuple[int, Decimal, Decimal | None]]  # (unit, year) → (row id, value, yoy)
    targets: dict[int, Decimal]

    @classmethod
    def load(cls, indicator: Indicator, period: Period, unit_ids: Sequence[int]) -> _Rows:
        year, month = period.year, period.last_month
        values = {
            (unit_id, y): (pk, v, r)
            for pk, unit_id, y, v, r in IndicatorValue.objects.filter(
                indicator=indicator, unit_id__in=list(unit_ids), year__in=[year, year - 1], month=month
            ).values_list("id", "unit_id", "year", "value", "yoy_reported")
        }
        targets = dict(
            Target.objects.filter(indicator=indicator, year=year, unit_id__in=list(unit_ids)).values_list(
                "unit_id", "value"
            )
        )
        return cls(indicator, period, values, targets)

    def figures(self, unit_id: int) -> Figures:
        now = self.values.get((unit_id, self.period.year))
        before = self.values.get((unit_id, self.period.year - 1))
        return compute(
            self.indicator,
            self.period.last_month,
            value=now[1] if now else None,
            previous=before[1] if before else None,
            reported_yoy=now[2] if now else None,
            target=self.targets.get(unit_id),
        )

    def row_id(self, unit_id: int) -> int | None:
        now = self.values.get((unit_id, self.period.year))
        return now[0] if now else None

    @property
    def sign(self) -> int:
        return 1 if self.indicator.higher_is_better else -1

    @property
    def when(self) -> str:
        return calc.month_label(self.period.last_month, cumulative=self.indicator.kind == IndicatorKind.CUMULATIVE)


def _unit_ids(subjects: Sequence[Subject]) -> list[int]:
    return [s.id for s in subjects if s.kind == SubjectKind.UNIT]


def _fmt(value: Decimal | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def _shown(value: Decimal | None, indicator: Indicator) -> str:
    """A value to the indicator's decimal places (as the scorecard prints it)."""
    return _fmt(None if value is None else value.quantize(Decimal(1).scaleb(-indicator.decimals)))


def _reading(rows: _Rows, fig: Figures) -> str:
    """The figures as the scorecard shows them, in one line."""
    ind = rows.indicator
    parts = [f"{rows.period.year}年{rows.when} {_shown(fig.value, ind)} {ind.unit}"]
    if fig.target is not None:
        parts.append(_("target %(t)s") % {"t": _shown(fig.target, ind)})
    if fig.completion is not None:
        parts.append(_("completion %(c)s%%") % {"c": fig.completion})
    if fig.time_progress is not None:
        parts.append(_("time progress %(p)s%%") % {"p": fig.time_progress})
    if fig.yoy is not None:
        parts.append(_("year on year %(y)s%(u)s") % {"y": fig.yoy, "u": "pp" if fig.yoy_points else "%"})
    if not ind.higher_is_better:
        parts.append(_("lower is better"))
    return "; ".join(parts)


def _value_record(rows: _Rows, unit_id: int, unit_name: str, note: str) -> Record:
    return Record(
        "indicators.indicatorvalue",
        rows.row_id(unit_id) or 0,
        f"{unit_name} · {rows.indicator.name} · {rows.period.year}年{rows.when}",
        reverse("indicators:history", args=[unit_id, rows.indicator.code]),
        note,
    )


# --- Against time progress, year on year -----------------------------------------------------------------


def progress_gap(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    rows = _Rows.load(_indicator(param), period, _unit_ids(subjects))
    out: dict[Subject, Figure] = {}
    for subject in subjects:
        fig = rows.figures(subject.id)
        if fig.gap is None:
            continue
        out[subject] = Figure(
            calc.pct(fig.gap * rows.sign),
            count=1,
            basis=_("completion %(c)s%% against time progress %(p)s%%") % {"c": fig.completion, "p": fig.time_progress},
        )
    return out


def yoy_growth(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    rows = _Rows.load(_indicator(param), period, _unit_ids(subjects))
    out: dict[Subject, Figure] = {}
    for subject in subjects:
        fig = rows.figures(subject.id)
        if fig.yoy is None:
            continue
        out[subject] = Figure(
            calc.pct(fig.yoy * rows.sign),
            count=1,
            basis=_("%(now)s against %(before)s a year before")
            % {"now": _shown(fig.value, rows.indicator), "before": _shown(fig.previous, rows.indicator)},
        )
    return out


def _own_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = _Rows.load(_indicator(param), period, [subject.id])
    if rows.row_id(subject.id) is None:
        return []
    name = unit_labels([subject.id]).get(subject.id, "")  # named with its township, as in every table
    return [_value_record(rows, subject.id, name, _reading(rows, rows.figures(subject.id)))]


def _own_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    """:func:`_own_records` for many units: three queries (values, targets, names)."""
    unit_ids = _unit_ids(subjects)
    rows = _Rows.load(_indicator(param), period, unit_ids)
    having = [pk for pk in unit_ids if rows.row_id(pk) is not None]
    names = unit_labels(having) if having else {}
    return {
        s: [_value_record(rows, s.id, names.get(s.id, ""), _reading(rows, rows.figures(s.id)))]
        for s in subjects
        if s.kind == SubjectKind.UNIT and s.id in names
    }


# --- Rank on the leaderboard --------------------------------------------------------------------------------


def _parent_id(subject: Subject) -> int | None:
    parts = [p for p in subject.path.strip("/").split("/") if p]
    return int(parts[-2]) if len(parts) >= 2 else None


@dataclass
class _Board:
    rows: _Rows
    measure: str
    ranks: dict[int, int | None]  # unit → rank among its peers
    peers: dict[int, list[int]]  # unit → its peers (itself included)
    keys: dict[int, Decimal | None]  # unit → the figure compared
    names: dict[int, str]


def _board(subjects: Sequence[Subject], period: Period, param: str) -> _Board:
    """Rank every subject among its peers: four queries whatever the number of subjects."""
    indicator = _indicator(param)
    parents = {p for p in (_parent_id(s) for s in subjects if s.kind == SubjectKind.UNIT) if p is not None}
    units = list(
        Unit.objects.filter(Q(parent_id__in=sorted(parents)) | Q(pk__in=_unit_ids(subjects)))
        .filter(is_active=True)
        .values_list("pk", "parent_id", "kind", "name")
    )
    rows = _Rows.load(indicator, period, [u[0] for u in units])
    groups: dict[tuple[int | None, frozenset[str]], list[int]] = defaultdict(list)
    kind_of = {pk: kind for pk, _parent, kind, _name in units}
    for pk, parent, kind, _name in units:
        groups[(parent, peer_class(kind))].append(pk)
    measure = default_metric(indicator, bool(rows.targets))
    keys: dict[int, Decimal | None] = {}
    for pk in kind_of:
        now = rows.values.get((pk, period.year))
        before = rows.values.get((pk, period.year - 1))
        figure = metric_only(
            indicator,
            measure,
            value=now[1] if now else None,
            previous=before[1] if before else None,
            reported_yoy=now[2] if now else None,
            target=rows.targets.get(pk),
        )
        if figure is not None:
            figure = figure.quantize(Decimal(1).scaleb(-indicator.decimals)) if measure == "value" else calc.pct(figure)
        keys[pk] = figure
    ranks: dict[int, int | None] = {}
    peers: dict[int, list[int]] = {}
    for members in groups.values():
        ranked = calc.rank_with_ties(((pk, keys[pk]) for pk in members), descending=indicator.higher_is_better)
        ranks.update(ranked)
        for pk in members:
            peers[pk] = members
    return _Board(rows, measure, ranks, peers, keys, {pk: name for pk, _p, _k, name in units})


MEASURE_LABELS = {
    "completion": gettext_lazy("completion"),
    "value": pgettext_lazy("indicator measure", "value"),
    "yoy": gettext_lazy("year on year"),
}


def rank(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    board = _board(subjects, period, param)
    out: dict[Subject, Figure] = {}
    for subject in subjects:
        place = board.ranks.get(subject.id)
        if place is None:
            continue
        ranked = sum(1 for pk in board.peers[subject.id] if board.ranks.get(pk) is not None)
        out[subject] = Figure(
            Decimal(place),
            count=ranked,
            basis=_("%(rank)s of %(n)s by %(measure)s")
            % {"rank": place, "n": ranked, "measure": MEASURE_LABELS[board.measure]},
        )
    return out


def _leaderboard(board: _Board, unit_id: int, limit: int, made: dict[int, Record]) -> list[Record]:
    """The leaderboard ``unit_id`` was ranked on, best first (records shared between peers through ``made``)."""
    if unit_id not in board.peers:
        return []
    members = sorted(
        board.peers[unit_id], key=lambda pk: (board.ranks.get(pk) is None, board.ranks.get(pk) or 0, board.names[pk])
    )
    out = []
    for pk in members[:limit]:
        if pk not in made:
            place = board.ranks.get(pk)
            head = _("rank %(rank)s") % {"rank": place} if place is not None else _("not ranked")
            reading = _reading(board.rows, board.rows.figures(pk))
            made[pk] = _value_record(board.rows, pk, board.names[pk], f"{head}; {reading}")
        out.append(made[pk])
    return out


def rank_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    """The whole leaderboard the subject was ranked on, best first, each row linking to its history."""
    return _leaderboard(_board([subject], period, param), subject.id, limit, {})


def rank_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    """:func:`rank_records` for many units: one board (four queries), each peer's record made once."""
    board = _board(subjects, period, param)
    made: dict[int, Record] = {}
    return {s: _leaderboard(board, s.id, limit, made) for s in subjects if s.kind == SubjectKind.UNIT}


# --- Registration ------------------------------------------------------------------------------------------


def register() -> None:
    """Called from ``IndicatorsConfig.ready()``."""
    param = MetricParam(gettext_lazy("Indicator"), _indicator_choices)
    for metric in [
        Metric(
            key="indicators.progress_gap",
            label=gettext_lazy("Ahead of time progress"),
            unit=pgettext_lazy("unit of measure", "percentage points"),
            direction=Direction.HIGHER,
            subject_kinds=UNITS,
            compute=progress_gap,
            records=_own_records,
            records_bulk=_own_records_bulk,
            description=gettext_lazy(
                "Completion of the annual target minus time progress (序时进度) at the end of the period, in "
                "percentage points; for a lower-is-better indicator the sign is turned, so positive is always good."
            ),
            param=param,
            order=10,
        ),
        Metric(
            key="indicators.yoy_growth",
            label=gettext_lazy("Year-on-year improvement"),
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=UNITS,
            compute=yoy_growth,
            records=_own_records,
            records_bulk=_own_records_bulk,
            description=gettext_lazy(
                "Growth on the same period of last year (in points for ratios); for a lower-is-better indicator "
                "the sign is turned, so a fall counts as an improvement."
            ),
            param=param,
            order=20,
        ),
        Metric(
            key="indicators.rank",
            label=gettext_lazy("Rank on the leaderboard"),
            unit=pgettext_lazy("unit of measure", "place"),
            direction=Direction.LOWER,
            subject_kinds=UNITS,
            compute=rank,
            records=rank_records,
            records_bulk=rank_records_bulk,
            description=gettext_lazy(
                "The unit's place among its peers on the indicator at the end of the period (completion when "
                "targets exist, else the value; lower-is-better indicators rank ascending; ties share a place)."
            ),
            param=param,
            order=30,
        ),
    ]:
        metrics.register_metric(metric)
