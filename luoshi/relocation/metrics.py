"""What the relocation app measures for a unit (its subtree, through the campaign's task force) or a
person (the households they are the responsible cadre, 包户干部, of).

Registered in :mod:`luoshi.core.metrics` from ``RelocationConfig.ready()``; see
docs/metrics.md. Every figure is read from the household ledger (one grouped query
whatever the number of subjects). A campaign counts for the units above its task
force, which lies in the campaign's township, so a township's figure covers every
campaign it runs and a task force's covers its own.

- ``relocation.households_signed``: households that signed in the period (征迁签约户数,
  the figure that flows into the monthly indicators); for a person, the households they
  are the responsible cadre of that signed (what a 征迁岗 cadre is assessed on).
- ``relocation.households_vacated`` / ``relocation.households_demolished``: the same for
  the later steps.
- ``relocation.area_signed``: house area signed in the period, in m².
- ``relocation.signing_rate``: of the households on ledgers of campaigns whose signing
  had started by the end of the period, the share signed by then (a stock, not a flow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import metrics
from luoshi.core.metrics import Direction, Figure, Metric, Period, Record, Subject, SubjectKind
from luoshi.relocation.models import Household

UNIT_PATH = "campaign__team__path"
PERSON = "cadre_id"
UNITS = frozenset({SubjectKind.UNIT})
BOTH = frozenset({SubjectKind.UNIT, SubjectKind.PERSON})
STEPS = {"signed": "signed_on", "vacated": "vacated_on", "demolished": "demolished_on"}


def _in_period(step: str, period: Period) -> QuerySet[Household]:
    return Household.objects.filter(**{f"{STEPS[step]}__range": (period.start, period.end)})


def _count(step: str) -> metrics.BulkCompute:
    def compute(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
        tally = metrics.tally_queryset(
            subjects, _in_period(step, period), unit_path=UNIT_PATH, person=PERSON, aggregates={"n": Count("id")}
        )
        return tally.figures(lambda v: Figure(Decimal(int(v[0])), count=int(v[0])))

    return compute


def _subject_q(subject: Subject) -> Q:
    if subject.kind == SubjectKind.PERSON:
        return Q(**{PERSON: subject.id})
    return Q(**{f"{UNIT_PATH}__startswith": subject.path})


def _bulk_q(subjects: Sequence[Subject]) -> Q:
    """Rows that count for any of the subjects: in a unit subject's subtree, or carried by a person subject."""
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
    q = Q(pk__in=[])
    if units:
        narrowed = metrics.subtree_q(UNIT_PATH, units)
        q |= narrowed if narrowed else Q(**{f"{UNIT_PATH}__startswith": "/"})
    if people:
        q |= Q(**{f"{PERSON}__in": people})
    return q


def _household_url(campaign_id: int, pk: int) -> str:
    return reverse("relocation:household", args=[campaign_id, pk])


def _step_record(pk: int, campaign_id: int, name: str, number: str, day: object) -> Record:
    return Record("relocation.household", pk, f"{name} {number}", _household_url(campaign_id, pk), str(day))


_STEP_FIELDS = ("id", "campaign_id", "campaign__name", "number")


def _records(step: str) -> metrics.RecordLister:
    def records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
        rows = (
            _in_period(step, period)
            .filter(_subject_q(subject))
            .order_by(STEPS[step], "id")
            .values_list(*_STEP_FIELDS, STEPS[step])[:limit]
        )
        return [_step_record(*row) for row in rows]

    return records


def _bulk_records(step: str) -> metrics.BulkRecordLister:
    def records(
        subjects: Sequence[Subject], period: Period, param: str, limit: int
    ) -> Mapping[Subject, Sequence[Record]]:
        rows = (
            _in_period(step, period)
            .filter(_bulk_q(subjects))
            .order_by(STEPS[step], "id")
            .values_list(UNIT_PATH, PERSON, *_STEP_FIELDS, STEPS[step])
        )
        return metrics.spread_rows(
            subjects, ((r[0], r[1], partial(_step_record, *r[2:])) for r in rows.iterator()), limit
        )

    return records


def area_signed(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _in_period("signed", period),
        unit_path=UNIT_PATH,
        person=PERSON,
        aggregates={"area": Sum("house_area"), "n": Count("id")},
    )
    return tally.figures(
        lambda v: Figure(
            Decimal(str(v[0] or 0)).quantize(metrics.CENT),
            count=int(v[1]),
            basis=_("%(n)d households") % {"n": int(v[1])},
        )
    )


def _started_by(period: Period) -> QuerySet[Household]:
    return Household.objects.filter(campaign__signing_starts_on__lte=period.end)


def signing_rate(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _started_by(period),
        unit_path=UNIT_PATH,
        aggregates={"all": Count("id"), "signed": Count("id", filter=Q(signed_on__lte=period.end))},
    )
    return tally.figures(
        lambda v: Figure(metrics.ratio_pct(v[1], v[0]), count=int(v[0]), basis=f"{int(v[1])} / {int(v[0])}")
    )


def _unsigned_by(period: Period) -> QuerySet[Household]:
    return (
        _started_by(period)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=period.end))
        .order_by("campaign_id", "number")
    )


def _unsigned_record(period: Period, pk: int, campaign_id: int, name: str, number: str) -> Record:
    note = _("not signed by %(date)s") % {"date": period.end.isoformat()}
    return Record("relocation.household", pk, f"{name} {number}", _household_url(campaign_id, pk), note)


def signing_rate_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    """The households not signed by the end of the period (what keeps the rate down)."""
    rows = _unsigned_by(period).filter(**{f"{UNIT_PATH}__startswith": subject.path}).values_list(*_STEP_FIELDS)[:limit]
    return [_unsigned_record(period, *row) for row in rows]


def signing_rate_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    rows = _unsigned_by(period).filter(_bulk_q(subjects)).values_list(UNIT_PATH, *_STEP_FIELDS)
    return metrics.spread_rows(
        subjects, ((r[0], None, partial(_unsigned_record, period, *r[1:])) for r in rows.iterator()), limit
    )


def register() -> None:
    """Called from ``RelocationConfig.ready()``."""
    households = gettext_lazy("households")
    for step, label, description, order in (
        ("signed", gettext_lazy("Households signed (land acquisition)"),
         gettext_lazy("Households whose relocation agreement was signed in the period; for a cadre, those they are the "
                      "responsible cadre (包户干部) of."), 10),
        ("vacated", gettext_lazy("Households vacated (land acquisition)"),
         gettext_lazy("Households that moved out in the period."), 11),
        ("demolished", gettext_lazy("Houses demolished (land acquisition)"),
         gettext_lazy("Houses demolished in the period."), 12),
    ):  # fmt: skip
        metrics.register_metric(
            Metric(
                f"relocation.households_{step}",
                label,
                households,
                Direction.HIGHER,
                BOTH,
                _count(step),
                _records(step),
                description=description,
                order=order,
                records_bulk=_bulk_records(step),
            )
        )
    metrics.register_metric(
        Metric(
            "relocation.area_signed",
            gettext_lazy("House area signed (land acquisition)"),
            "m²",
            Direction.HIGHER,
            BOTH,
            area_signed,
            _records("signed"),
            description=gettext_lazy("House area of the households that signed in the period."),
            order=13,
            records_bulk=_bulk_records("signed"),
        )
    )
    metrics.register_metric(
        Metric(
            "relocation.signing_rate",
            gettext_lazy("Signing rate (land acquisition)"),
            "%",
            Direction.HIGHER,
            UNITS,
            signing_rate,
            signing_rate_records,
            records_bulk=signing_rate_records_bulk,
            description=gettext_lazy(
                "Of the households on the ledgers of campaigns whose signing had started, the share signed "
                "by the end of the period."
            ),
            order=14,
        )
    )
