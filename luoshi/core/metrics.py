"""The metric registry: measures each domain app can compute for a unit or a person over a period.

A domain app registers its measures from ``AppConfig.ready()`` (in its own
``metrics.py``); the assessment app, the cockpit and the projects app read them
here without importing the domain app. A metric has

- a ``key`` (``"<app>.<name>"``), a translated ``label`` and ``unit`` of measure,
- a ``direction`` (higher or lower is better),
- the ``subject_kinds`` it applies to (a unit means the unit's whole subtree; a person
  means what that person carries),
- an optional ``param`` (e.g. which indicator, which case stage) with its choices,
- a BULK ``compute(subjects, period, param)`` that answers every requested subject
  in a few queries (an assessment run asks for 1,300 units at once), and
- a ``records(subject, period, param, limit)`` that lists the records behind one
  subject's figure, each a label, a link, a kind and an id, so every point of a
  score traces back to the tasks, cases or values that made it, and
- optionally a BULK ``records_bulk(subjects, period, param, limit)`` that lists them for
  many subjects at once in a few queries (what freezing an assessment run uses);
  :func:`records_bulk` falls back to ``records`` per subject for metrics without one.

See docs/metrics.md for the contract and an example.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

#: Periods and their day boundaries are reckoned in local time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- Periods ------------------------------------------------------------------------


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


PERIOD_KIND_LABELS: dict[PeriodKind, Promise] = {
    PeriodKind.MONTH: pgettext_lazy("period", "Month"),
    PeriodKind.QUARTER: pgettext_lazy("period", "Quarter"),
    PeriodKind.HALF: pgettext_lazy("period", "Half-year"),
    PeriodKind.YEAR: pgettext_lazy("period", "Year"),
}

#: Months in one period of each kind, and how many such periods a year has.
_MONTHS: dict[PeriodKind, int] = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}

_KEY_RE = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: a month (index 1–12), quarter (1–4), half-year (1–2) or year (1).

    ``start`` and ``end`` are the first and the last day (inclusive); ``start_at`` and
    ``end_at`` are the instants that open and close it in Asia/Shanghai (half-open:
    ``start_at <= t < end_at``). ``key`` is ``2026-03``, ``2026-Q1``, ``2026-H1`` or ``2026``.
    """

    year: int
    kind: PeriodKind
    index: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.kind, PeriodKind):
            object.__setattr__(self, "kind", PeriodKind(self.kind))
        if not 2000 <= self.year <= 2100:
            raise ValueError("year must be 2000 to 2100")
        if not 1 <= self.index <= 12 // _MONTHS[self.kind]:
            raise ValueError(f"index {self.index} is out of range for a {self.kind}")

    # Construction

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, PeriodKind.MONTH, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(year, PeriodKind.QUARTER, quarter)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls(year, PeriodKind.HALF, half)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(year, PeriodKind.YEAR, 1)

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period a key names; ``ValueError`` for anything else."""
        match = _KEY_RE.match((key or "").strip())
        if not match:
            raise ValueError(f"not a period: {key!r}")
        year, month, quarter, half = match.groups()
        if month:
            return cls.month(int(year), int(month))
        if quarter:
            return cls.quarter(int(year), int(quarter))
        if half:
            return cls.half(int(year), int(half))
        return cls.whole_year(int(year))

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind | str) -> Period:
        kind = PeriodKind(kind)
        return cls(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)

    # Boundaries

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        """The period's last month: where cumulative indicator values for it are read."""
        return self.index * _MONTHS[self.kind]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, moment: dt.date | dt.datetime) -> bool:
        if isinstance(moment, dt.datetime):
            return self.start_at <= moment < self.end_at
        return self.start <= moment <= self.end

    def months(self) -> list[tuple[int, int]]:
        return [(self.year, m) for m in range(self.first_month, self.last_month + 1)]

    # Neighbours

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, 12 // _MONTHS[self.kind])

    def next(self) -> Period:
        if self.index < 12 // _MONTHS[self.kind]:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.index)

    # Names

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind == PeriodKind.HALF:
            return f"{self.year}-H{self.index}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """How the period is written in a report, e.g. 2026年3月, 2026年第一季度, 2026年上半年."""
        if self.kind == PeriodKind.MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.index}
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.index}
        if self.kind == PeriodKind.HALF:
            if self.index == 1:
                return _("%(year)s first half") % {"year": self.year}
            return _("%(year)s second half") % {"year": self.year}
        return _("Year %(year)s") % {"year": self.year}

    def __str__(self) -> str:
        return self.key


# --- Subjects, figures, records ---------------------------------------------------------


class SubjectKind(StrEnum):
    UNIT = "unit"
    PERSON = "person"


@dataclass(frozen=True)
class Subject:
    """Who a figure is about: a unit (with its tree path: the figure covers its subtree) or a person."""

    kind: SubjectKind
    id: int
    path: str = ""  # a unit's materialised path, e.g. "/1/14/"; empty for a person

    def __post_init__(self) -> None:
        if self.kind == SubjectKind.UNIT and not self.path:
            raise ValueError("a unit subject needs its path")

    @classmethod
    def unit(cls, unit: _HasPath) -> Subject:
        return cls(SubjectKind.UNIT, int(unit.pk), unit.path)

    @classmethod
    def person(cls, person_id: int) -> Subject:
        return cls(SubjectKind.PERSON, int(person_id))


class _HasPath(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class Figure:
    """One subject's measure: ``value`` (``None`` when there is nothing to measure), and how it came about.

    ``count`` is how many records lie behind the figure (what :attr:`Metric.records` lists),
    ``basis`` a short human reading of the arithmetic (e.g. ``17 / 20``).
    """

    value: Decimal | None
    count: int = 0
    basis: str = ""


NO_DATA = Figure(None)


@dataclass(frozen=True)
class Record:
    """One record behind a figure: a task, a case, an indicator value …"""

    kind: str  # "<app>.<model>", e.g. "tasks.task"
    id: int
    label: str
    url: str
    note: str = ""  # why it counts, e.g. "deadline 2026-03-15, closed 2026-03-20"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class MetricParam:
    """A metric's parameter (e.g. which indicator); ``choices()`` may read the database."""

    label: str | Promise
    choices: Callable[[], Sequence[Choice]]


BulkCompute = Callable[[Sequence[Subject], Period, str], Mapping[Subject, Figure]]
RecordLister = Callable[[Subject, Period, str, int], Sequence[Record]]
BulkRecordLister = Callable[[Sequence[Subject], Period, str, int], Mapping[Subject, Sequence[Record]]]


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    unit: str | Promise
    direction: Direction
    subject_kinds: frozenset[SubjectKind]
    compute: BulkCompute
    records: RecordLister | None = None
    description: str | Promise = ""
    param: MetricParam | None = None
    order: int = 100
    records_bulk: BulkRecordLister | None = None

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", self.key):
            raise ValueError(f"a metric key is '<app>.<name>' in lower case: {self.key!r}")
        if not self.subject_kinds:
            raise ValueError("a metric applies to at least one kind of subject")

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    def param_words(self) -> dict[str, str]:
        """Each parameter value with its words (the cases stage ``handle`` → 处置, an indicator's code →
        its name); empty for a metric without a parameter. May read the database."""
        return {c.value: str(c.label) for c in self.param.choices()} if self.param is not None else {}


# --- The registry -------------------------------------------------------------------------

_metrics: dict[str, Metric] = {}


class UnknownMetric(LookupError):
    pass


def register_metric(metric: Metric) -> None:
    """Add a metric (re-registering the same key replaces it: ``ready()`` may run twice in tests)."""
    _metrics[metric.key] = metric


def unregister_metric(key: str) -> None:
    _metrics.pop(key, None)


def get_metric(key: str) -> Metric:
    try:
        return _metrics[key]
    except KeyError:
        raise UnknownMetric(key) from None


def all_metrics(subject_kind: SubjectKind | str | None = None) -> list[Metric]:
    """Every registered metric (for one kind of subject if given), in app and display order."""
    found = [m for m in _metrics.values() if subject_kind is None or SubjectKind(subject_kind) in m.subject_kinds]
    return sorted(found, key=lambda m: (m.app, m.order, m.key))


def _check(metric: Metric, subjects: Iterable[Subject], param: str) -> None:
    for subject in subjects:
        if subject.kind not in metric.subject_kinds:
            raise ValueError(f"{metric.key} does not apply to a {subject.kind}")
    if metric.param is None and param:
        raise ValueError(f"{metric.key} takes no parameter")
    if metric.param is not None and not param:
        raise ValueError(f"{metric.key} needs a parameter ({metric.param.label})")


def compute(key: str, subjects: Sequence[Subject], period: Period, param: str = "") -> dict[Subject, Figure]:
    """Every subject's figure; subjects the metric found nothing for get :data:`NO_DATA`."""
    metric = get_metric(key)
    subjects = list(dict.fromkeys(subjects))
    _check(metric, subjects, param)
    if not subjects:
        return {}
    found = metric.compute(subjects, period, param)
    return {s: found.get(s, NO_DATA) for s in subjects}


def records(key: str, subject: Subject, period: Period, param: str = "", *, limit: int = 200) -> list[Record]:
    """The records behind one subject's figure (at most ``limit``), or none if the metric cannot list them."""
    metric = get_metric(key)
    _check(metric, [subject], param)
    if metric.records is None:
        return []
    return list(metric.records(subject, period, param, max(1, min(limit, 1000))))


def records_bulk(
    key: str, subjects: Sequence[Subject], period: Period, param: str = "", *, limit: int = 20
) -> dict[Subject, list[Record]]:
    """The records behind many subjects' figures, at most ``limit`` per subject.

    Uses the metric's own ``records_bulk`` (a few queries whatever the number of subjects)
    when it has one, else asks ``records`` once per subject. Subjects with nothing behind
    them get an empty list.
    """
    metric = get_metric(key)
    subjects = list(dict.fromkeys(subjects))
    _check(metric, subjects, param)
    limit = max(1, min(limit, 1000))
    if not subjects:
        return {}
    if metric.records_bulk is not None:
        found = metric.records_bulk(subjects, period, param, limit)
        return {s: list(found.get(s, ()))[:limit] for s in subjects}
    if metric.records is None:
        return {s: [] for s in subjects}
    lister = metric.records
    return {s: list(lister(s, period, param, limit)) for s in subjects}


# --- Helpers for compute functions -----------------------------------------------------------


def ratio_pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` in percent, rounded half-up to two places; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    """Counts (or sums) per subject, rolled up from rows keyed by the unit path they were recorded at."""

    subjects: Sequence[Subject]
    width: int = 1
    totals: dict[Subject, list[Decimal]] = field(init=False)
    _by_unit: dict[int, Subject] = field(init=False)
    _by_person: dict[int, Subject] = field(init=False)

    def __post_init__(self) -> None:
        self.totals = {s: [Decimal(0)] * self.width for s in self.subjects}
        self._by_unit = {s.id: s for s in self.subjects if s.kind == SubjectKind.UNIT}
        self._by_person = {s.id: s for s in self.subjects if s.kind == SubjectKind.PERSON}

    def _add(self, subject: Subject, values: Sequence[int | Decimal | None]) -> None:
        row = self.totals[subject]
        for i, value in enumerate(values):
            if value:
                row[i] += Decimal(value)

    def add_path(self, path: str | None, *values: int | Decimal | None) -> None:
        """Count a row recorded at the unit with ``path`` for that unit and every requested ancestor."""
        if not path:
            return
        for part in path.strip("/").split("/"):
            subject = self._by_unit.get(int(part)) if part else None
            if subject is not None:
                self._add(subject, values)

    def add_person(self, person_id: int | None, *values: int | Decimal | None) -> None:
        subject = self._by_person.get(person_id) if person_id is not None else None
        if subject is not None:
            self._add(subject, values)

    @property
    def person_ids(self) -> list[int]:
        return sorted(self._by_person)

    @property
    def unit_paths(self) -> list[str]:
        return sorted({s.path for s in self._by_unit.values()})

    def figures(self, make: Callable[[list[Decimal]], Figure]) -> dict[Subject, Figure]:
        return {s: make(v) for s, v in self.totals.items()}


def common_prefix_paths(subjects: Iterable[Subject]) -> list[str]:
    """The fewest unit paths whose subtrees cover every unit subject (to bound a query with ``path LIKE``)."""
    paths = sorted({s.path for s in subjects if s.kind == SubjectKind.UNIT})
    kept: list[str] = []
    for path in paths:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


#: Above this many separate subtrees a query is not narrowed by path (the OR of LIKEs costs more than it saves).
MAX_PATH_FILTERS = 30


def subtree_q(field: str, subjects: Iterable[Subject]) -> Q:
    """``field`` (a unit path lookup such as ``lead_unit__path``) inside the subjects' subtrees."""
    prefixes = common_prefix_paths(subjects)
    if not prefixes or len(prefixes) > MAX_PATH_FILTERS:
        return Q()
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def tally_queryset(
    subjects: Sequence[Subject],
    queryset: QuerySet[Any],
    *,
    unit_path: str | None,
    person: str | None = None,
    aggregates: Mapping[str, Any],
) -> Tally:
    """Aggregate ``queryset`` per unit path and per person in (at most) two grouped queries, rolled up.

    ``unit_path`` names the path of the unit a row counts for (e.g. ``lead_unit__path``) and
    ``person`` the person it counts for (e.g. ``responsible_leader_id``); ``aggregates`` are
    Django aggregates (``Count``, ``Sum`` …) whose results fill the tally's columns in order.
    """
    tally = Tally(subjects, width=len(aggregates))
    names = list(aggregates)
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    if units and unit_path:
        rows = queryset.filter(subtree_q(unit_path, units)).order_by().values(unit_path).annotate(**aggregates)
        for row in rows:
            tally.add_path(row[unit_path], *(row[n] for n in names))
    if tally.person_ids and person:
        rows = queryset.filter(**{f"{person}__in": tally.person_ids}).order_by().values(person).annotate(**aggregates)
        for row in rows:
            tally.add_person(row[person], *(row[n] for n in names))
    return tally


def spread_rows(
    subjects: Sequence[Subject],
    rows: Iterable[tuple[str | None, int | None, Record | Callable[[], Record]]],
    limit: int,
) -> dict[Subject, list[Record]]:
    """Hand out ``(unit path, person id, record)`` rows, already in display order, to the requested
    subjects they count for: a unit subject takes the rows recorded anywhere in its subtree, a person
    subject the rows naming that person; each subject keeps its first ``limit`` rows.

    The helper behind a metric's ``records_bulk``: one query over the subjects' subtrees
    (:func:`subtree_q`) gives the rows, this puts them in their places. A row's record may be
    given as a function that makes it: it is then made only if some subject still wants it.
    """
    out: dict[Subject, list[Record]] = {s: [] for s in subjects}
    by_unit = {s.id: s for s in subjects if s.kind == SubjectKind.UNIT}
    by_person = {s.id: s for s in subjects if s.kind == SubjectKind.PERSON}
    for path, person_id, given in rows:
        wanting: list[Subject] = []
        if path and by_unit:
            for part in path.strip("/").split("/"):
                subject = by_unit.get(int(part)) if part else None
                if subject is not None and len(out[subject]) < limit:
                    wanting.append(subject)
        if person_id is not None and by_person:
            subject = by_person.get(person_id)
            if subject is not None and len(out[subject]) < limit:
                wanting.append(subject)
        if wanting:
            record = given() if callable(given) else given
            for subject in wanting:
                out[subject].append(record)
    return out
