"""What the tasks app measures for a unit (its subtree, by lead unit) or a person (as responsible leader).

Registered in :mod:`luoshi.core.metrics` from ``TasksConfig.ready()``; see docs/metrics.md.
Every figure is read from the task rows and their timeline (:class:`TaskEvent`), in two
grouped queries at most whatever the number of subjects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from luoshi.core import metrics, timeutil
from luoshi.core.metrics import Direction, Figure, Metric, Period, Record, Subject, SubjectKind
from luoshi.tasks.models import EventKind, Status, Task, TaskEvent
from luoshi.tasks.workflow import Action

UNIT_PATH = "lead_unit__path"
PERSON = "responsible_leader_id"
#: Tasks that are not (or no longer) being carried out do not count.
NOT_COUNTED = [Status.DRAFT, Status.CANCELLED, Status.SUSPENDED]
BOTH = frozenset({SubjectKind.UNIT, SubjectKind.PERSON})


def _subject_q(subject: Subject, prefix: str = "") -> Q:
    if subject.kind == SubjectKind.UNIT:
        return Q(**{f"{prefix}{UNIT_PATH}__startswith": subject.path})
    return Q(**{f"{prefix}{PERSON}": subject.id})


def _bulk_q(subjects: Sequence[Subject], prefix: str = "") -> Q:
    """Rows that count for any of ``subjects``: in a unit subject's subtree or naming a person subject."""
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
    q = Q(pk__in=[])
    if units:
        narrowed = metrics.subtree_q(f"{prefix}{UNIT_PATH}", units)
        q |= narrowed if narrowed else Q(**{f"{prefix}{UNIT_PATH}__startswith": "/"})
    if people:
        q |= Q(**{f"{prefix}{PERSON}__in": people})
    return q


def _count_rows(
    subjects: Sequence[Subject], rows: QuerySet[Task] | QuerySet[TaskEvent], prefix: str = ""
) -> Mapping[Subject, Figure]:
    """How many of ``rows`` count for each subject, in one grouped query (``prefix`` leads from an
    event to its task)."""
    tally = metrics.tally_queryset(
        subjects,
        rows,
        unit_path=f"{prefix}{UNIT_PATH}",
        person=f"{prefix}{PERSON}",
        aggregates={"n": Count("id")},
    )
    return tally.figures(lambda v: Figure(v[0], count=int(v[0])))


def _task_url(pk: int) -> str:
    return reverse("tasks:detail", args=[pk])


def _task_urls() -> Callable[[int], str]:
    """A task's page address without resolving the URL each time (a frozen run lists thousands)."""
    head, tail = reverse("tasks:detail", args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


def _label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


# --- On-time completion rate ------------------------------------------------------------------


def _due_in(period: Period) -> QuerySet[Task]:
    """Tasks whose deadline falls in the period and is past (or that are closed already)."""
    today = timeutil.today()
    return (
        Task.objects.filter(deadline__range=(period.start, period.end))
        .exclude(status__in=NOT_COUNTED)
        .filter(Q(closed_at__isnull=False) | Q(deadline__lt=today))
    )


def on_time_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _due_in(period),
        unit_path=UNIT_PATH,
        person=PERSON,
        aggregates={"due": Count("id"), "on_time": Count("id", filter=Q(closed_on_time=True))},
    )
    return tally.figures(
        lambda v: Figure(metrics.ratio_pct(v[1], v[0]), count=int(v[0]), basis=f"{int(v[1])} / {int(v[0])}")
    )


_ON_TIME_FIELDS = ("id", "number", "title", "deadline", "closed_at", "closed_on_time")


def _on_time_maker() -> Callable[..., Record]:
    """Makes the record of one due task; the notes translated and the URL resolved once."""
    on_time, late, not_done = _("due %(due)s, done on time"), _("due %(due)s, done late"), _("due %(due)s, not done")
    url = _task_urls()

    def make(pk: int, number: str, title: str, deadline: dt.date, closed_at: object, done_on_time: bool) -> Record:
        note = on_time if done_on_time else (late if closed_at is not None else not_done)
        return Record("tasks.task", pk, _label(number, title), url(pk), note % {"due": deadline})

    return make


def on_time_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = _due_in(period).filter(_subject_q(subject)).order_by("deadline", "id").values_list(*_ON_TIME_FIELDS)
    make = _on_time_maker()
    return [make(*row) for row in rows[:limit]]


def on_time_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    rows = (
        _due_in(period)
        .filter(_bulk_q(subjects))
        .order_by("deadline", "id")
        .values_list(UNIT_PATH, PERSON, *_ON_TIME_FIELDS)
    )
    make = _on_time_maker()
    return metrics.spread_rows(subjects, ((r[0], r[1], partial(make, *r[2:])) for r in rows.iterator()), limit)


# --- Overdue open tasks at the end of the period ---------------------------------------------------


def _overdue_at_end(period: Period) -> QuerySet[Task]:
    """Tasks past their deadline at the period's end (or today, if sooner) and not finished by then.

    Finished means signed off, or submitted for review and then signed off or still in review.
    """
    cutoff = min(period.end + dt.timedelta(days=1), timeutil.today())
    finished = Q(closed_at__lt=period.end_at) | Q(
        status__in=[Status.PENDING_REVIEW, Status.DONE], submitted_at__lt=period.end_at
    )
    return Task.objects.filter(deadline__lt=cutoff).exclude(status__in=NOT_COUNTED).exclude(finished)


def overdue_open(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    return _count_rows(subjects, _overdue_at_end(period))


def _overdue_maker(end: dt.date) -> Callable[..., Record]:
    note = _("due %(due)s, %(days)s days overdue on %(day)s")
    url = _task_urls()

    def make(pk: int, number: str, title: str, due: dt.date) -> Record:
        return Record(
            "tasks.task", pk, _label(number, title), url(pk), note % {"due": due, "days": (end - due).days, "day": end}
        )

    return make


def overdue_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    end = min(period.end, timeutil.today())
    rows = (
        _overdue_at_end(period)
        .filter(_subject_q(subject))
        .order_by("deadline", "id")
        .values_list("id", "number", "title", "deadline")[:limit]
    )
    make = _overdue_maker(end)
    return [make(*row) for row in rows]


def overdue_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    end = min(period.end, timeutil.today())
    rows = (
        _overdue_at_end(period)
        .filter(_bulk_q(subjects))
        .order_by("deadline", "id")
        .values_list(UNIT_PATH, PERSON, "id", "number", "title", "deadline")
    )
    make = _overdue_maker(end)
    return metrics.spread_rows(subjects, ((r[0], r[1], partial(make, *r[2:])) for r in rows.iterator()), limit)


# --- Events on the timeline: missed reports, reminders, returns ------------------------------------------

#: Metric key → which timeline events count.
EVENT_FILTERS: dict[str, Q] = {
    "tasks.missed_reports": Q(kind=EventKind.REPORT_MISSED),
    # Reminders sent by a supervisor (催办); the scheduler's due-soon notices carry an action key.
    "tasks.reminders": Q(kind=EventKind.REMINDER, action=""),
    "tasks.returned": Q(kind=EventKind.TRANSITION, action=Action.RETURN),
}


def _events(key: str, period: Period) -> QuerySet[TaskEvent]:
    return TaskEvent.objects.filter(
        EVENT_FILTERS[key], created_at__gte=period.start_at, created_at__lt=period.end_at
    ).exclude(task__status=Status.DRAFT)


def _event_counter(key: str) -> metrics.BulkCompute:
    def compute(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
        return _count_rows(subjects, _events(key, period), "task__")

    return compute


def _event_maker(period: Period) -> Callable[[Mapping[str, object]], Record]:
    note, label, url = _("%(n)s times in %(period)s"), period.label, _task_urls()

    def make(row: Mapping[str, object]) -> Record:
        pk = int(row["task_id"])  # type: ignore[call-overload]
        title = _label(str(row["task__number"]), str(row["task__title"]))
        return Record("tasks.task", pk, title, url(pk), note % {"n": row["n"], "period": label})

    return make


def _event_lister(key: str) -> metrics.RecordLister:
    def records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
        rows = (
            _events(key, period)
            .filter(_subject_q(subject, "task__"))
            .order_by()
            .values("task_id", "task__number", "task__title")
            .annotate(n=Count("id"))
            .order_by("-n", "task_id")[:limit]
        )
        make = _event_maker(period)
        return [make(r) for r in rows]

    return records


def _event_bulk_lister(key: str) -> metrics.BulkRecordLister:
    def records(
        subjects: Sequence[Subject], period: Period, param: str, limit: int
    ) -> Mapping[Subject, Sequence[Record]]:
        rows = (
            _events(key, period)
            .filter(_bulk_q(subjects, "task__"))
            .order_by()
            .values("task_id", "task__number", "task__title", f"task__{UNIT_PATH}", f"task__{PERSON}")
            .annotate(n=Count("id"))
            .order_by("-n", "task_id")
        )
        make = _event_maker(period)
        return metrics.spread_rows(
            subjects,
            ((r[f"task__{UNIT_PATH}"], r[f"task__{PERSON}"], partial(make, r)) for r in rows.iterator()),
            limit,
        )

    return records


def register() -> None:
    times = pgettext_lazy("unit of measure", "times")
    for metric in [
        Metric(
            key="tasks.on_time_rate",
            label=gettext_lazy("Tasks done on time"),
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=BOTH,
            compute=on_time_rate,
            records=on_time_records,
            records_bulk=on_time_records_bulk,
            description=gettext_lazy(
                "Of the tasks due in the period (deadline passed or already signed off), the share signed off on time."
            ),
            order=10,
        ),
        Metric(
            key="tasks.overdue_open",
            label=gettext_lazy("Overdue open tasks"),
            unit=pgettext_lazy("unit of measure", "tasks"),
            direction=Direction.LOWER,
            subject_kinds=BOTH,
            compute=overdue_open,
            records=overdue_records,
            records_bulk=overdue_records_bulk,
            description=gettext_lazy("Tasks past their deadline and not finished at the end of the period."),
            order=20,
        ),
        Metric(
            key="tasks.missed_reports",
            label=gettext_lazy("Missed progress reports"),
            unit=times,
            direction=Direction.LOWER,
            subject_kinds=BOTH,
            compute=_event_counter("tasks.missed_reports"),
            records=_event_lister("tasks.missed_reports"),
            records_bulk=_event_bulk_lister("tasks.missed_reports"),
            description=gettext_lazy("Required progress reports not filed on time during the period."),
            order=30,
        ),
        Metric(
            key="tasks.reminders",
            label=gettext_lazy("Reminders received"),
            unit=times,
            direction=Direction.LOWER,
            subject_kinds=BOTH,
            compute=_event_counter("tasks.reminders"),
            records=_event_lister("tasks.reminders"),
            records_bulk=_event_bulk_lister("tasks.reminders"),
            description=gettext_lazy("Reminders (催办) a supervisor sent on the tasks during the period."),
            order=40,
        ),
        Metric(
            key="tasks.returned",
            label=gettext_lazy("Returned submissions"),
            unit=times,
            direction=Direction.LOWER,
            subject_kinds=BOTH,
            compute=_event_counter("tasks.returned"),
            records=_event_lister("tasks.returned"),
            records_bulk=_event_bulk_lister("tasks.returned"),
            description=gettext_lazy("Submissions sent back by the reviewer during the period."),
            order=50,
        ),
    ]:
        metrics.register_metric(metric)
