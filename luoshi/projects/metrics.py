"""What the projects app measures for a unit (its subtree, by the lead unit) or a person.

Registered in :mod:`luoshi.core.metrics` from ``ProjectsConfig.ready()`` (see docs/metrics.md).
Each figure is one grouped query whatever the number of subjects.

- ``projects.investment_completed``: key-project investment recorded for the months of the
  period, in 万元 (unit: by the project's lead unit; person: the projects linked to them).
- ``projects.leads_signed`` / ``projects.leads_signed_amount``: 招商 leads signed in the period
  (count; intended investment in 万元), not dropped (unit: the lead's unit; person: its cadre).
- ``projects.leads_in_talks`` / ``projects.leads_in_talks_amount``: leads in talks at the end of
  the period (a stock: talks started by then, neither signed nor dropped by then).
- ``projects.enterprise_requests_closed``: enterprise requests (小微管家, cases linked to an
  enterprise) closed in the period, by the unit the case concerns (counted by the cases app
  through :func:`luoshi.core.links.cases_closed_by_unit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy

from luoshi.core import links, metrics
from luoshi.core.metrics import Direction, Figure, Metric, Period, Record, Subject, SubjectKind
from luoshi.projects.models import Investment, Lead, LeadStage
from luoshi.projects.services import ENTERPRISE_QUESTION

BOTH = frozenset({SubjectKind.UNIT, SubjectKind.PERSON})
TEN_THOUSAND = gettext_lazy("10,000 yuan")


ZERO = Decimal("0.00")


def _cents(value: Decimal) -> Decimal:
    """Money to the cent (most subjects have nothing: skip the arithmetic for them)."""
    return value.quantize(metrics.CENT) if value else ZERO


def _investments(period: Period) -> QuerySet[Investment]:
    return Investment.objects.filter(month__range=(period.start, period.end))


def investment_completed(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.tally_queryset(
        subjects,
        _investments(period),
        unit_path="project__unit__path",
        person="project__leaders",
        aggregates={"amount": Sum("amount"), "n": Count("project_id", distinct=True)},
    )
    return tally.figures(lambda v: Figure(_cents(v[0]), count=int(v[1])))


def _investment_record(row: Mapping[str, Any]) -> Record:
    return Record(
        "projects.project",
        row["project_id"],
        f"{row['project__code']} {row['project__name']}",
        reverse("projects:detail", args=[row["project_id"]]),
        f"{_cents(Decimal(row['amount']))} 万元",
    )


def _by_project(qs: QuerySet[Investment], *group: str) -> QuerySet[Investment, dict[str, Any]]:
    """The period's investment summed per project (and per ``group`` field), largest first."""
    return (
        qs.values(*group, "project_id", "project__code", "project__name")
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "project_id")
    )


def investment_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    qs = _investments(period)
    if subject.kind == SubjectKind.UNIT:
        qs = qs.filter(project__unit__path__startswith=subject.path)
    else:
        qs = qs.filter(project__leaders=subject.id)
    return [_investment_record(r) for r in _by_project(qs)[:limit]]


def investment_records_bulk(
    subjects: Sequence[Subject], period: Period, param: str, limit: int
) -> Mapping[Subject, Sequence[Record]]:
    """The projects behind many subjects' figures in two queries: one over the unit subjects'
    subtrees (summed per project), one over the person subjects' linked projects (per leader)."""
    units = [s for s in subjects if s.kind == SubjectKind.UNIT]
    people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
    rows: list[tuple[str | None, int | None, Callable[[], Record]]] = []
    if units:
        narrowed = metrics.subtree_q("project__unit__path", units)
        qs = _investments(period).filter(narrowed or Q(project__unit__path__startswith="/"))
        rows += [
            (r["project__unit__path"], None, partial(_investment_record, r))
            for r in _by_project(qs, "project__unit__path")
        ]
    if people:
        qs = _investments(period).filter(project__leaders__in=people)
        rows += [
            (None, r["project__leaders"], partial(_investment_record, r)) for r in _by_project(qs, "project__leaders")
        ]
    return metrics.spread_rows(subjects, rows, limit)


def _signed(period: Period) -> QuerySet[Lead]:
    return Lead.objects.filter(signed_on__range=(period.start, period.end)).exclude(stage=LeadStage.DROPPED)


def _in_talks(period: Period) -> QuerySet[Lead]:
    end = period.end
    return Lead.objects.filter(talks_on__lte=end).filter(
        Q(signed_on__isnull=True) | Q(signed_on__gt=end), Q(dropped_on__isnull=True) | Q(dropped_on__gt=end)
    )


def _lead_metric(source: str, *, amount: bool) -> metrics.BulkCompute:
    def compute(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
        qs = _signed(period) if source == "signed" else _in_talks(period)
        tally = metrics.tally_queryset(
            subjects, qs, unit_path="unit__path", person="cadre_id",
            aggregates={"n": Count("id"), "amount": Sum("amount")},
        )  # fmt: skip
        if amount:
            return tally.figures(lambda v: Figure(_cents(v[1]), count=int(v[0])))
        return tally.figures(lambda v: Figure(Decimal(int(v[0])), count=int(v[0])))

    return compute


def _lead_records(source: str) -> metrics.RecordLister:
    def records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
        qs = _signed(period) if source == "signed" else _in_talks(period)
        if subject.kind == SubjectKind.UNIT:
            qs = qs.filter(unit__path__startswith=subject.path)
        else:
            qs = qs.filter(cadre_id=subject.id)
        return [
            _lead_record(pk, name, amount)
            for pk, name, amount in qs.order_by("-amount", "id").values_list("id", "name", "amount")[:limit]
        ]

    return records


def _lead_record(pk: int, name: str, amount: Decimal) -> Record:
    return Record("projects.lead", pk, name, reverse("projects:lead", args=[pk]), f"{_cents(amount)} 万元")


def _lead_records_bulk(source: str) -> metrics.BulkRecordLister:
    def records(
        subjects: Sequence[Subject], period: Period, param: str, limit: int
    ) -> Mapping[Subject, Sequence[Record]]:
        """One query for every subject: leads in the unit subjects' subtrees or owned by the person subjects."""
        units = [s for s in subjects if s.kind == SubjectKind.UNIT]
        people = [s.id for s in subjects if s.kind == SubjectKind.PERSON]
        wanted = Q(pk__in=[])
        if units:
            wanted |= metrics.subtree_q("unit__path", units) or Q(unit__path__startswith="/")
        if people:
            wanted |= Q(cadre_id__in=people)
        qs = (_signed(period) if source == "signed" else _in_talks(period)).filter(wanted)
        rows: Iterator[tuple[str | None, int | None, Callable[[], Record]]] = (
            (path, cadre, partial(_lead_record, pk, name, amount))
            for path, cadre, pk, name, amount in qs.order_by("-amount", "id")
            .values_list("unit__path", "cadre_id", "id", "name", "amount")
            .iterator()
        )
        return metrics.spread_rows(subjects, rows, limit)

    return records


def enterprise_requests_closed(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    tally = metrics.Tally(subjects)
    for path, n in links.cases_closed_by_unit(ENTERPRISE_QUESTION, period.start_at, period.end_at).items():
        tally.add_path(path, n)
    return tally.figures(lambda v: Figure(Decimal(int(v[0])), count=int(v[0])))


def register() -> None:
    """Called from ``ProjectsConfig.ready()``."""
    leads = gettext_lazy("leads")
    metrics.register_metric(
        Metric(
            "projects.investment_completed",
            gettext_lazy("Key-project investment completed"),
            TEN_THOUSAND,
            Direction.HIGHER,
            BOTH,
            investment_completed,
            investment_records,
            description=gettext_lazy("Investment recorded for the key projects in the months of the period."),
            order=10,
            records_bulk=investment_records_bulk,
        )
    )
    for source, amount, label, unit, description, order in (
        ("signed", False, gettext_lazy("Investment leads signed"), leads,
         gettext_lazy("Leads signed in the period (not dropped since)."), 20),
        ("signed", True, gettext_lazy("Investment signed"), TEN_THOUSAND,
         gettext_lazy("Intended investment of the leads signed in the period."), 21),
        ("talks", False, gettext_lazy("Investment leads in talks"), leads,
         gettext_lazy("Leads in talks at the end of the period."), 22),
        ("talks", True, gettext_lazy("Investment in talks"), TEN_THOUSAND,
         gettext_lazy("Intended investment of the leads in talks at the end of the period."), 23),
    ):  # fmt: skip
        key = f"projects.leads_{'signed' if source == 'signed' else 'in_talks'}{'_amount' if amount else ''}"
        metrics.register_metric(
            Metric(
                key,
                label,
                unit,
                Direction.HIGHER,
                BOTH,
                _lead_metric(source, amount=amount),
                _lead_records(source),
                description=description,
                order=order,
                records_bulk=_lead_records_bulk(source),
            )
        )
    metrics.register_metric(
        Metric(
            "projects.enterprise_requests_closed",
            gettext_lazy("Enterprise requests closed"),
            gettext_lazy("requests"),
            Direction.HIGHER,
            frozenset({SubjectKind.UNIT}),
            enterprise_requests_closed,
            description=gettext_lazy(
                "Requests of enterprises (小微管家) closed in the case loop in the period, by the place they concern."
            ),
            order=30,
        )
    )
