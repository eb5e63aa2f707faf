"""What the cases app measures for a unit (its subtree) or a person (the handler who replied).

Registered in :mod:`luoshi.core.metrics` from ``CasesConfig.ready()``; see docs/metrics.md.
Every compute answers in a fixed number of queries whatever the number of subjects.

Who a case counts for:

- the **command unit** (``owner_unit``) for the accept and verify stages,
- the **handling unit** for the handle stage, satisfaction and reopened cases,
- the **township where it happened** for the referred-up rate,
- the **unit a card was issued against** for supervision cards,
- a **person**: the cadre whose login replied to the case (the handler), and for daily
  reports the responsible cadre who owes the 一日一报告.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from luoshi.cases import sla, standards
from luoshi.cases.models import (
    DONE_STATUSES,
    CardLevel,
    Case,
    CaseEvent,
    DailyKind,
    DailyReport,
    ExtensionRequest,
    ExtensionStatus,
    Outcome,
    Patrol,
    PatrolKind,
    Rating,
    Stage,
    Status,
    SupervisionCard,
)
from luoshi.core import metrics, timeutil, workdays
from luoshi.core.metrics import Choice, Direction, Figure, Metric, MetricParam, Period, Record, Subject, SubjectKind
from luoshi.org.models import Person, Unit

BOTH = frozenset({SubjectKind.UNIT, SubjectKind.PERSON})
UNITS = frozenset({SubjectKind.UNIT})
HANDLER_PATH = "handling_unit__path"
OWNER_PATH = "owner_unit__path"
HANDLER_PERSON = "replied_by__person"


def _label(tracking_no: str, title: str) -> str:
    return f"{tracking_no} {title}".strip()


def _in(field: str, period: Period) -> Q:
    """``field`` (a datetime) inside the period, reckoned in Asia/Shanghai."""
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at})


def _subject_q(subject: Subject, unit_path: str, person: str | None) -> Q:
    if subject.kind == SubjectKind.UNIT:
        return Q(**{f"{unit_path}__startswith": subject.path})
    if person is None:
        return Q(pk__in=[])
    return Q(**{person: subject.id})


def _rate(v: list[Decimal]) -> Figure:
    return Figure(metrics.ratio_pct(v[1], v[0]), count=int(v[0]), basis=f"{int(v[1])} / {int(v[0])}")


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(metrics.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


# --- On-time rate per stage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _StageSpec:
    start: str  # when the stage's clock started
    end: str  # when the stage ended
    unit_kind: str  # the acting unit's kind (for the category's limits)
    unit_path: str  # who the stage counts for
    person: str | None  # the person it counts for, if any
    ended: Q  # which cases ended the stage this way


STAGES: dict[str, _StageSpec] = {
    Stage.ACCEPT: _StageSpec("reported_at", "accepted_at", "owner_unit__kind", OWNER_PATH, None, Q()),
    Stage.HANDLE: _StageSpec(
        "dispatched_at",
        "replied_at",
        "handling_unit__kind",
        HANDLER_PATH,
        HANDLER_PERSON,
        Q(handling_unit__isnull=False),
    ),
    Stage.VERIFY: _StageSpec(
        "replied_at", "closed_at", "owner_unit__kind", OWNER_PATH, None, Q(outcome=Outcome.RESOLVED)
    ),
}


def _stage_choices() -> list[Choice]:
    return [Choice(s.value, str(s.label)) for s in (Stage.ACCEPT, Stage.HANDLE, Stage.VERIFY)]


def _spec(param: str) -> _StageSpec:
    try:
        return STAGES[param]
    except KeyError:
        raise ValueError(f"not a case stage: {param!r}") from None


def _plain_rows(rows: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver returns them, without Django's
    per-value converters: a city's month of stages is 64,000 rows of two datetimes, and the
    converters cost more than everything else done with them (bench/RESULTS-assessment.md).
    Datetimes come back as text (SQLite) or as datetimes (PostgreSQL): :func:`_aware` reads both."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (no subject it could count for)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def _aware(value: Any) -> dt.datetime:
    """A datetime the database returned (stored in UTC) as an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class _StageRow:
    pk: int
    number: str
    title: str
    path: str | None
    person: int | None
    late: bool
    due: dt.date
    end: dt.datetime

    def record(self, notes: tuple[str, str], url: Callable[[int], str]) -> Record:
        note = notes[0] if self.late else notes[1]
        return Record(
            "cases.case",
            self.pk,
            _label(self.number, self.title),
            url(self.pk),
            note % {"due": self.due.isoformat(), "done": _local(self.end)},
        )


def _stage_notes() -> tuple[str, str]:
    return _("due %(due)s, done %(done)s (late)"), _("due %(due)s, done %(done)s")


def _stage_rows(period: Period, stage: str, where: Q, *, labels: bool = True) -> list[_StageRow]:
    """Every stage of kind ``stage`` that ended in the period, with its unit path, person and lateness.

    A stage is on time when it ended before the end of its last working day: its start plus the
    category's limit for the acting unit's kind plus the extension days approved on it (the same
    arithmetic as the live clock, :func:`luoshi.cases.sla.deadline`). A stage restarted by a send-back
    is measured from its first start to its last end.

    Without ``labels`` (what a figure needs) the case's number and title are not read.
    The limits and the deadlines are worked out once per category and unit kind and once per start
    day and number of days: a city's month has tens of thousands of stages and a few hundred of those.
    """
    spec = _spec(stage)
    extension = Subquery(
        ExtensionRequest.objects.filter(case=OuterRef("pk"), stage=stage, status=ExtensionStatus.APPROVED)
        .order_by()
        .values("case")
        .annotate(s=Sum("approved_days"))
        .values("s"),
        output_field=IntegerField(),
    )
    rows = (
        Case.objects.filter(_in(spec.end, period), spec.ended, **{f"{spec.start}__isnull": False})
        .exclude(status=Status.MERGED)
        .filter(where)
        .annotate(ext=extension)
        .order_by(spec.end, "id")
        .values_list(
            "id",
            "tracking_no" if labels else "id",
            "title" if labels else "id",
            "category_id",
            spec.unit_kind,
            spec.unit_path,
            spec.person or "id",
            spec.start,
            spec.end,
            "ext",
        )
    )
    cal = workdays.calendar()
    tz = sla.local_tz()
    limits: dict[tuple[int, str], int] = {}
    dues: dict[tuple[dt.date, int], sla.Deadline] = {}
    out = []
    for pk, number, title, category_id, kind, path, person, raw_start, raw_end, ext in _plain_rows(rows):
        start, end = _aware(raw_start), _aware(raw_end)
        limit = limits.get((category_id, kind))
        if limit is None:
            limit = limits[(category_id, kind)] = standards.limits_for(category_id, kind).for_stage(stage)
        total = limit + (ext or 0)
        key = (start.astimezone(tz).date(), total)  # sla.local_date, the zone looked up once
        due = dues.get(key)
        if due is None:  # the due day and time depend on the start's day only, not its hour
            due = dues[key] = sla.deadline(start, limit, ext or 0, cal)
        out.append(
            _StageRow(pk, number if labels else "", title if labels else "", path, person if spec.person else None,
                      end >= due.due_at, due.due_date, end)
        )  # fmt: skip
    return out


def _where(subjects: Sequence[Subject], unit_path: str, person: str | None) -> Q:
    """The rows any of the subjects may count: inside a unit subject's subtree, or carried by a person subject."""
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
    parts: list[Q] = []
    if units:
        unit_q = metrics.subtree_q(unit_path, units)
        if not unit_q:  # too many separate subtrees to narrow by: read them all
            return Q()
        parts.append(unit_q)
    if people and person:
        parts.append(Q(**{f"{person}__in": people}))
    if not parts:
        return Q(pk__in=[])
    where = parts[0]
    for part in parts[1:]:
        where |= part
    return where


def on_time_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    spec = _spec(param)
    # Count per unit path and person first: tens of thousands of stages, a few thousand places.
    counts: Counter[tuple[str | None, int | None, bool]] = Counter(
        (row.path, row.person, row.late)
        for row in _stage_rows(period, param, _where(subjects, spec.unit_path, spec.person), labels=False)
    )
    tally = metrics.Tally(subjects, width=2)
    for (path, person, late), n in counts.items():
        tally.add_path(path, n, 0 if late else n)
        tally.add_person(person, n, 0 if late else n)
    return tally.figures(_rate)


def on_time_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    spec = _spec(param)
    rows = _stage_rows(period, param, _subject_q(subject, spec.unit_path, spec.person))
    rows.sort(key=lambda r: not r.late)  # the late ones first
    notes, url = _stage_notes(), _case_urls()
    return [r.record(notes, url) for r in rows[:limit]]


def on_time_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    spec = _spec(param)
    rows = _stage_rows(period, param, _where(subjects, spec.unit_path, spec.person))
    rows.sort(key=lambda r: not r.late)  # the late ones first (stable: then by when the stage ended)
    notes, url = _stage_notes(), _case_urls()
    return metrics.spread_rows(subjects, ((r.path, r.person, partial(r.record, notes, url)) for r in rows), limit)


def _case_urls() -> Callable[[int], str]:
    """A case's page address without resolving the URL each time (a frozen run lists thousands)."""
    head, tail = reverse("cases:detail", args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


# --- Satisfaction -------------------------------------------------------------------------------------

SATISFIED = [Rating.SATISFIED, Rating.BASIC]


def _rated(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(_in("rated_at", period)).exclude(rating="").exclude(status=Status.MERGED)


def satisfaction_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _rated(period),
        unit_path=HANDLER_PATH,
        person=HANDLER_PERSON,
        aggregates={"rated": Count("id"), "ok": Count("id", filter=Q(rating__in=SATISFIED))},
    )
    return tally.figures(_rate)


def _satisfaction_record(
    url: Callable[[int], str], pk: int, no: str, title: str, rating: str, at: dt.datetime
) -> Record:
    note = _("rated %(rating)s on %(day)s") % {"rating": Rating(rating).label, "day": _local(at)[:10]}
    return Record("cases.case", pk, _label(no, title), url(pk), note)


_SATISFACTION_FIELDS = ("id", "tracking_no", "title", "rating", "rated_at")


def satisfaction_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = (
        _rated(period)
        .filter(_subject_q(subject, HANDLER_PATH, HANDLER_PERSON))
        .order_by("rated_at", "id")
        .values_list(*_SATISFACTION_FIELDS)[:limit]
    )
    url = _case_urls()
    return [_satisfaction_record(url, *row) for row in rows]


def satisfaction_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    rows = (
        _rated(period)
        .filter(_where(subjects, HANDLER_PATH, HANDLER_PERSON))
        .order_by("rated_at", "id")
        .values_list(HANDLER_PATH, HANDLER_PERSON, *_SATISFACTION_FIELDS)
    )
    url = _case_urls()
    return metrics.spread_rows(
        subjects, ((r[0], r[1], partial(_satisfaction_record, url, *r[2:])) for r in rows.iterator()), limit
    )


# --- Supervision cards (督办) ---------------------------------------------------------------------------


def _cards(period: Period, level: str = "") -> QuerySet[SupervisionCard]:
    qs = SupervisionCard.objects.filter(_in("issued_at", period))
    return qs.filter(level=level) if level else qs


def card_points(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects, _cards(period), unit_path="unit__path", aggregates={"points": Sum("points"), "n": Count("id")}
    )
    return tally.figures(
        lambda v: Figure(Decimal(int(v[0])), count=int(v[1]), basis=_("%(n)d cards") % {"n": int(v[1])})
    )


def red_cards(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects, _cards(period, CardLevel.RED), unit_path="unit__path", aggregates={"n": Count("id")}
    )
    return tally.figures(lambda v: Figure(Decimal(int(v[0])), count=int(v[0])))


_CARD_FIELDS = ("case_id", "case__tracking_no", "case__title", "level", "points", "issued_at", "unit__name")


def _card_record(
    url: Callable[[int], str], case_id: int, no: str, title: str, lvl: str, points: int, at: dt.datetime, unit: str
) -> Record:
    note = _("%(level)s against %(unit)s on %(day)s, %(points)s points") % {
        "level": CardLevel(lvl).label,
        "unit": unit,
        "day": _local(at)[:10],
        "points": points,
    }
    return Record("cases.case", case_id, _label(no, title), url(case_id), note)


def _card_lister(level: str) -> metrics.RecordLister:
    def records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
        rows = (
            _cards(period, level)
            .filter(unit__path__startswith=subject.path)
            .order_by("issued_at", "id")
            .values_list(*_CARD_FIELDS)[:limit]
        )
        url = _case_urls()
        return [_card_record(url, *row) for row in rows]

    return records


def _card_bulk_lister(level: str) -> metrics.BulkRecordLister:
    def records(
        subjects: Sequence[Subject], period: Period, param: str, limit: int
    ) -> Mapping[Subject, Sequence[Record]]:
        rows = (
            _cards(period, level)
            .filter(_where(subjects, "unit__path", None))
            .order_by("issued_at", "id")
            .values_list("unit__path", *_CARD_FIELDS)
        )
        url = _case_urls()
        return metrics.spread_rows(
            subjects, ((r[0], None, partial(_card_record, url, *r[1:])) for r in rows.iterator()), limit
        )

    return records


# --- Referred up, reopened ---------------------------------------------------------------------------------


def _has_event(action: str) -> Exists:
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=action))


def _reported(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(_in("reported_at", period)).exclude(status=Status.MERGED)


def referred_up_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _reported(period),
        unit_path="township__path",
        aggregates={"n": Count("id"), "up": Count("id", filter=_has_event("refer_up"))},
    )
    return tally.figures(_rate)


_REFERRED_FIELDS = ("id", "tracking_no", "title", "reported_at", "owner_unit__name")


def _referred_record(url: Callable[[int], str], pk: int, no: str, title: str, at: dt.datetime, owner: str) -> Record:
    note = _("reported %(day)s, referred up to %(unit)s") % {"day": _local(at)[:10], "unit": owner}
    return Record("cases.case", pk, _label(no, title), url(pk), note)


def referred_up_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = (
        _reported(period)
        .filter(_has_event("refer_up"), township__path__startswith=subject.path)
        .order_by("reported_at", "id")
        .values_list(*_REFERRED_FIELDS)[:limit]
    )
    url = _case_urls()
    return [_referred_record(url, *row) for row in rows]


def referred_up_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    rows = (
        _reported(period)
        .filter(_has_event("refer_up"), _where(subjects, "township__path", None))
        .order_by("reported_at", "id")
        .values_list("township__path", *_REFERRED_FIELDS)
    )
    url = _case_urls()
    return metrics.spread_rows(
        subjects, ((r[0], None, partial(_referred_record, url, *r[1:])) for r in rows.iterator()), limit
    )


def _closed(period: Period) -> QuerySet[Case]:
    return (
        Case.objects.filter(_in("closed_at", period), status__in=list(DONE_STATUSES), handling_unit__isnull=False)
        .exclude(outcome=Outcome.DECLINED)
        .exclude(duplicate_of__isnull=False)
    )


def reopened_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _closed(period),
        unit_path=HANDLER_PATH,
        person=HANDLER_PERSON,
        aggregates={"n": Count("id"), "reopened": Count("id", filter=_has_event("reopen"))},
    )
    return tally.figures(_rate)


def _reopened_record(url: Callable[[int], str], pk: int, no: str, title: str, at: dt.datetime | None) -> Record:
    return Record(
        "cases.case",
        pk,
        _label(no, title),
        url(pk),
        _("closed %(day)s after being reopened") % {"day": _local(at)[:10]},
    )


def reopened_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = (
        _closed(period)
        .filter(_has_event("reopen"))
        .filter(_subject_q(subject, HANDLER_PATH, HANDLER_PERSON))
        .order_by("closed_at", "id")
        .values_list("id", "tracking_no", "title", "closed_at")[:limit]
    )
    url = _case_urls()
    return [_reopened_record(url, *row) for row in rows]


def reopened_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    rows = (
        _closed(period)
        .filter(_has_event("reopen"))
        .filter(_where(subjects, HANDLER_PATH, HANDLER_PERSON))
        .order_by("closed_at", "id")
        .values_list(HANDLER_PATH, HANDLER_PERSON, "id", "tracking_no", "title", "closed_at")
    )
    url = _case_urls()
    return metrics.spread_rows(
        subjects, ((r[0], r[1], partial(_reopened_record, url, *r[2:])) for r in rows.iterator()), limit
    )


# --- Daily reports (一日一排查 · 一日一研判 · 一日一报告) -----------------------------------------------------

#: Which kinds of unit owe which daily report.
UNIT_REPORTS: dict[str, frozenset[str]] = {
    DailyKind.SCREENING: standards.PLACE_KINDS,
    DailyKind.ASSESSMENT: standards.TOWNSHIP_KINDS,
}


def _working_days(period: Period) -> list[dt.date]:
    """The period's working days up to today (reports are owed on working days only)."""
    cal = workdays.calendar()
    last = min(period.end, timeutil.today())
    days = (last - period.start).days + 1
    return [d for d in (period.start + dt.timedelta(days=i) for i in range(max(0, days))) if cal.is_working_day(d)]


def _owing_units(subjects: Sequence[Subject]) -> QuerySet[Unit]:
    kinds = sorted(standards.PLACE_KINDS | standards.TOWNSHIP_KINDS)
    return Unit.objects.filter(metrics.subtree_q("path", subjects), kind__in=kinds, is_active=True)


def _unit_filed(days: list[dt.date]) -> QuerySet[DailyReport]:
    owed = Q()
    for kind, unit_kinds in UNIT_REPORTS.items():
        owed |= Q(kind=kind, unit__kind__in=sorted(unit_kinds))
    return DailyReport.objects.filter(owed, person__isnull=True, report_date__in=days, unit__is_active=True)


def _cadres(person_ids: list[int] | None = None) -> QuerySet[Person]:
    """Responsible cadres who owe a daily report: those looking after a key person under watch."""
    qs = Person.objects.filter(key_persons__is_active=True)
    if person_ids is not None:
        qs = qs.filter(pk__in=person_ids)
    return qs.distinct()


def daily_compliance(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.Tally(subjects, width=2)
    days = _working_days(period)
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    if units and days:
        for path in _owing_units(units).values_list("path", flat=True):
            tally.add_path(path, len(days), 0)
        filed = (
            _unit_filed(days)
            .filter(metrics.subtree_q("unit__path", units))
            .order_by()
            .values("unit__path")
            .annotate(n=Count("id"))
        )
        for row in filed:
            tally.add_path(row["unit__path"], 0, row["n"])
    if tally.person_ids and days:
        for pk in _cadres(tally.person_ids).values_list("pk", flat=True):
            tally.add_person(pk, len(days), 0)
        filed = (
            DailyReport.objects.filter(kind=DailyKind.CADRE, person_id__in=tally.person_ids, report_date__in=days)
            .order_by()
            .values("person_id")
            .annotate(n=Count("id"))
        )
        for row in filed:
            tally.add_person(row["person_id"], 0, row["n"])
    return tally.figures(_rate)


def _daily_url(kind: str, day: dt.date) -> str:
    return f"{reverse('cases:daily')}?{urlencode({'kind': kind, 'day': day.isoformat()})}"


def _missing_note(missing: list[dt.date], owed: int) -> str:
    shown = "、".join(d.strftime("%m-%d") for d in missing[:10])
    more = "…" if len(missing) > 10 else ""
    return _("%(n)s of %(owed)s working days missing: %(days)s%(more)s") % {
        "n": len(missing),
        "owed": owed,
        "days": shown,
        "more": more,
    }


def daily_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    """Who missed reports in the period: one row per unit (or the cadre) with the days missed."""
    days = _working_days(period)
    if not days:
        return []
    out: list[Record] = []
    if subject.kind == SubjectKind.PERSON:
        person = _cadres([subject.id]).values_list("pk", "name").first()
        if person is None:
            return []
        filed = set(
            DailyReport.objects.filter(kind=DailyKind.CADRE, person_id=subject.id, report_date__in=days).values_list(
                "report_date", flat=True
            )
        )
        missing = [d for d in days if d not in filed]
        if missing:
            out.append(
                Record("org.person", person[0], person[1], _daily_url(DailyKind.CADRE, missing[0]),
                       _missing_note(missing, len(days)))
            )  # fmt: skip
        return out
    filed_by_unit: dict[int, set[dt.date]] = defaultdict(set)
    for unit_id, day in (
        _unit_filed(days).filter(unit__path__startswith=subject.path).values_list("unit_id", "report_date")
    ):
        filed_by_unit[unit_id].add(day)
    units = Unit.objects.filter(path__startswith=subject.path, is_active=True).filter(
        kind__in=sorted(standards.PLACE_KINDS | standards.TOWNSHIP_KINDS)
    )
    for pk, name, kind in units.order_by("path").values_list("pk", "name", "kind"):
        missing = [d for d in days if d not in filed_by_unit[pk]]
        if not missing:
            continue
        report_kind = DailyKind.SCREENING if kind in standards.PLACE_KINDS else DailyKind.ASSESSMENT
        out.append(Record("org.unit", pk, name, _daily_url(report_kind, missing[0]), _missing_note(missing, len(days))))
        if len(out) >= limit:
            break
    return out


def _missing_record(kind: str, pk: int, name: str, report_kind: str, missing: list[dt.date], owed: int) -> Record:
    return Record(kind, pk, name, _daily_url(report_kind, missing[0]), _missing_note(missing, owed))


def daily_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    """:func:`daily_records` for many subjects: three queries for the units, two for the cadres."""
    days = _working_days(period)
    if not days:
        return {s: [] for s in subjects}
    rows: list[tuple[str | None, int | None, Record | Callable[[], Record]]] = []
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    if units:
        filed_by_unit: dict[int, set[dt.date]] = defaultdict(set)
        for unit_id, day in (
            _unit_filed(days).filter(metrics.subtree_q("unit__path", units)).values_list("unit_id", "report_date")
        ):
            filed_by_unit[unit_id].add(day)
        for pk, name, kind, path in _owing_units(units).order_by("path").values_list("pk", "name", "kind", "path"):
            missing = [d for d in days if d not in filed_by_unit[pk]]
            if missing:
                report_kind = DailyKind.SCREENING if kind in standards.PLACE_KINDS else DailyKind.ASSESSMENT
                rows.append(
                    (path, None, partial(_missing_record, "org.unit", pk, name, report_kind, missing, len(days)))
                )
    people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
    if people:
        cadres = list(_cadres(people).order_by("pk").values_list("pk", "name"))
        filed_by_person: dict[int, set[dt.date]] = defaultdict(set)
        for person_id, day in DailyReport.objects.filter(
            kind=DailyKind.CADRE, person_id__in=[pk for pk, _n in cadres], report_date__in=days
        ).values_list("person_id", "report_date"):
            filed_by_person[person_id].add(day)
        for pk, name in cadres:
            missing = [d for d in days if d not in filed_by_person[pk]]
            if missing:
                rows.append((None, pk, _missing_record("org.person", pk, name, DailyKind.CADRE, missing, len(days))))
    return metrics.spread_rows(subjects, rows, limit)


# --- Registration ----------------------------------------------------------------------------------


# --- Patrols and household visits (走访巡查) ------------------------------------------------------------


def _patrols(period: Period) -> QuerySet[Patrol]:
    return Patrol.objects.filter(patrol_date__gte=period.start, patrol_date__lte=period.end)


def patrols_recorded(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects, _patrols(period), unit_path="grid__path", person="recorded_by__person", aggregates={"n": Count("id")}
    )
    return tally.figures(lambda v: Figure(Decimal(int(v[0])), count=int(v[0])))


def _patrol_record(pk: int, kind: str, day: dt.date, grid: str, places: str) -> Record:
    label = f"{PatrolKind(kind).label} {day:%Y-%m-%d} {grid}"
    return Record("cases.patrol", pk, label, reverse("cases:patrol", args=[pk]), places[:80])


_PATROL_FIELDS = ("pk", "kind", "patrol_date", "grid__name", "places")


def patrol_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = (
        _patrols(period)
        .filter(_subject_q(subject, "grid__path", "recorded_by__person"))
        .order_by("patrol_date", "id")
        .values_list(*_PATROL_FIELDS)[:limit]
    )
    return [_patrol_record(*row) for row in rows]


def register() -> None:
    """Called from ``CasesConfig.ready()``."""
    for metric in [
        Metric(
            key="cases.on_time_rate",
            label=gettext_lazy("Case stages done on time"),
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=BOTH,
            compute=on_time_rate,
            records=on_time_records,
            records_bulk=on_time_records_bulk,
            description=gettext_lazy(
                "Of the case stages (accept, handle or verify) that ended in the period, the share that ended "
                "within the time limit. Accept and verify count for the command unit, handling for the handling "
                "unit and the person who replied."
            ),
            param=MetricParam(pgettext_lazy("metric parameter", "Stage"), _stage_choices),
            order=10,
        ),
        Metric(
            key="cases.satisfaction_rate",
            label=gettext_lazy("Satisfaction with cases"),
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=BOTH,
            compute=satisfaction_rate,
            records=satisfaction_records,
            records_bulk=satisfaction_records_bulk,
            description=gettext_lazy(
                "Of the cases rated in the period, the share rated satisfied or basically satisfied "
                "(by the handling unit and the person who replied)."
            ),
            order=20,
        ),
        Metric(
            key="cases.card_points",
            label=gettext_lazy("Supervision card points"),
            unit=pgettext_lazy("unit of measure", "points"),
            direction=Direction.HIGHER,
            subject_kinds=UNITS,
            compute=card_points,
            records=_card_lister(""),
            records_bulk=_card_bulk_lister(""),
            description=gettext_lazy(
                "The points of the supervision cards (督办) issued against the unit in the period; deductions are "
                "negative, so closer to zero is better."
            ),
            order=30,
        ),
        Metric(
            key="cases.red_cards",
            label=gettext_lazy("Red supervision cards"),
            unit=pgettext_lazy("unit of measure", "cards"),
            direction=Direction.LOWER,
            subject_kinds=UNITS,
            compute=red_cards,
            records=_card_lister(CardLevel.RED),
            records_bulk=_card_bulk_lister(CardLevel.RED),
            description=gettext_lazy("Red supervision cards issued against the unit in the period."),
            order=31,
        ),
        Metric(
            key="cases.referred_up_rate",
            label=gettext_lazy("Cases referred up"),
            unit="%",
            direction=Direction.LOWER,
            subject_kinds=UNITS,
            compute=referred_up_rate,
            records=referred_up_records,
            records_bulk=referred_up_records_bulk,
            description=gettext_lazy(
                "Of the cases reported in the period in the unit's area, the share referred up a level."
            ),
            order=40,
        ),
        Metric(
            key="cases.reopened_rate",
            label=gettext_lazy("Cases reopened"),
            unit="%",
            direction=Direction.LOWER,
            subject_kinds=BOTH,
            compute=reopened_rate,
            records=reopened_records,
            records_bulk=reopened_records_bulk,
            description=gettext_lazy(
                "Of the cases closed in the period, the share that had been reopened (by the handling unit and "
                "the person who replied)."
            ),
            order=50,
        ),
        Metric(
            key="cases.daily_compliance",
            label=gettext_lazy("Daily reports filed"),
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=BOTH,
            compute=daily_compliance,
            records=daily_records,
            records_bulk=daily_records_bulk,
            description=gettext_lazy(
                "Of the daily reports owed on the working days of the period (community screening, township "
                "assessment, a responsible cadre's report), the share filed."
            ),
            order=60,
        ),
        Metric(
            key="cases.patrols_recorded",
            label=gettext_lazy("Patrols and visits recorded"),
            unit=pgettext_lazy("unit of measure", "records"),
            direction=Direction.HIGHER,
            subject_kinds=BOTH,
            compute=patrols_recorded,
            records=patrol_records,
            description=gettext_lazy(
                "Patrols of a grid and household visits (走访巡查) recorded in the period: in the unit's grids, "
                "or by the person."
            ),
            order=70,
        ),
    ]:
        metrics.register_metric(metric)
