"""Daily reports: the board and the reports still missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases import standards
from luoshi.cases.models import (
    DailyKind,
    DailyReport,
)
from luoshi.cases.selectors.keypersons import may_open_registry
from luoshi.cases.selectors.visibility import _units
from luoshi.core import workdays
from luoshi.core.masking import mask_name
from luoshi.org.labels import Labeller
from luoshi.org.models import Person, RoleGrant, Unit
from luoshi.org.scope import scope_for

# --- Daily reports ----------------------------------------------------------------------------------


@dataclass
class BoardRow:
    key: str
    label: str
    unit: Unit | None
    filed_today: bool
    filed_days: int
    expected_days: int
    last_summary: str = ""
    expected_today: bool = True  # False on a day off: nobody is late then

    @property
    def missing(self) -> bool:
        return self.expected_today and not self.filed_today

    @property
    def rate(self) -> float:
        return self.filed_days / self.expected_days if self.expected_days else 1.0


def _expected_units(kind: str, base: QuerySet[Unit]) -> QuerySet[Unit]:
    kinds = standards.PLACE_KINDS if kind == DailyKind.SCREENING else standards.TOWNSHIP_KINDS
    return base.filter(kind__in=list(kinds), is_active=True).order_by("path")


_LINE_FIELDS = ("unit_id", "person_id", "summary", "nothing_to_report", "issues_found")


def _daily_line(report: DailyReport) -> str:
    """What a filed report says, in one line: issues found, then the summary (or "nothing unusual")."""
    parts = []
    if report.issues_found:
        parts.append(_("%(n)s issues found") % {"n": report.issues_found})
    if report.summary:
        parts.append(report.summary)
    elif report.nothing_to_report:
        parts.append(_("nothing unusual"))
    return "；".join(parts)


def daily_board(user: Actor, *, kind: str, day: dt.date, days: int = 7) -> list[BoardRow]:
    """Who has and has not reported on ``day``, and how many of the last ``days`` working days they covered.

    Reports are due on working days (reminders go out on working days only), so a report filed on
    a day off shows on that day but does not count towards the working days covered.
    """
    scope = scope_for(user)
    cal = workdays.calendar()
    start = day - dt.timedelta(days=days - 1)
    working = [d for d in (start + dt.timedelta(days=i) for i in range(days)) if cal.is_working_day(d)]
    expected = len(working)
    expected_today = cal.is_working_day(day)
    period = DailyReport.objects.filter(kind=kind, report_date__range=(start, day))
    covered = period.filter(report_date__in=working)
    if kind == DailyKind.CADRE:
        people = (
            Person.objects.filter(key_persons__is_active=True)
            .filter(Q() if scope.is_all else Q(key_persons__unit__in=_units(scope)))
            .distinct()
            .order_by("name")
        )
        counts = dict(covered.values_list("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))
        today_by_person = {r.person_id: _daily_line(r) for r in period.filter(report_date=day).only(*_LINE_FIELDS)}
        # Cadres are named after the key persons they look after: only those who may open the
        # registry see names and what was reported; others (a district viewer) see who is late, masked.
        named = may_open_registry(user)
        return [
            BoardRow(
                f"p{p.pk}",
                p.name if named else mask_name(p.name),
                None,
                p.pk in today_by_person,
                counts.get(p.pk, 0),
                expected,
                today_by_person.get(p.pk, "") if named else "",
                expected_today,
            )
            for p in people
        ]
    units = _expected_units(kind, Unit.objects.filter(scope.unit_q()))
    unit_covered = covered.filter(person__isnull=True)
    counts = dict(unit_covered.values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    unit_today = period.filter(person__isnull=True, report_date=day).only(*_LINE_FIELDS)
    today = {r.unit_id: _daily_line(r) for r in unit_today}
    label = Labeller()  # communities of several townships: named with their township
    return [
        BoardRow(
            f"u{u.pk}", label(u), u, u.pk in today, counts.get(u.pk, 0), expected, today.get(u.pk, ""), expected_today
        )
        for u in units.only("pk", "name", "path", "kind")
    ]


def missing_daily_reports(day: dt.date) -> list[tuple[str, str, list[Any], str]]:
    """(kind, key, recipients, label) for every expected report not filed on ``day`` (for reminders)."""
    from luoshi.cases.permissions import ASSESSMENT_ROLES, SCREENING_ROLES

    out: list[tuple[str, str, list[Any], str]] = []
    filed = DailyReport.objects.filter(report_date=day)
    for kind, roles in ((DailyKind.SCREENING, SCREENING_ROLES), (DailyKind.ASSESSMENT, ASSESSMENT_ROLES)):
        done = filed.filter(kind=kind, person__isnull=True).values("unit_id")
        units = list(_expected_units(kind, Unit.objects.all()).exclude(pk__in=done).only("pk", "name"))
        grants: dict[int, list[Any]] = {}
        for g in RoleGrant.objects.filter(unit__in=units, role__in=list(roles), user__is_active=True).select_related(
            "user"
        ):
            grants.setdefault(g.unit_id, []).append(g.user)
        for unit in units:
            out.append((kind, f"u{unit.pk}", grants.get(unit.pk, []), unit.name))
    done_people = filed.filter(kind=DailyKind.CADRE).values("person_id")
    cadres = (
        Person.objects.filter(key_persons__is_active=True, user__isnull=False)
        .exclude(pk__in=done_people)
        .distinct()
        .select_related("user")
    )
    for person in cadres:
        out.append((DailyKind.CADRE, f"p{person.pk}", [person.user], person.name))
    return out
