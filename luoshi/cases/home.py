"""Home-page sections: the cases waiting for this person today."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.cases import selectors, sla
from luoshi.cases.models import DailyKind, DailyReport
from luoshi.core.registry import HomeCount, HomeItem, HomeSection
from luoshi.org.permissions import only_views, oversees
from luoshi.org.scope import scope_for

LABELS = {
    "accept": gettext_lazy("cases to accept"),
    "dispatch": gettext_lazy("cases to dispatch"),
    "handle": gettext_lazy("cases to handle"),
    "verify": gettext_lazy("cases to verify"),
    "overdue": gettext_lazy("overdue cases"),
    "visits": gettext_lazy("return visits to make"),
}


def my_cases(request: Any, user: Actor) -> HomeSection | None:
    if scope_for(user).is_empty or only_views(user):
        return None  # a read-only viewer has no case to act on: the strip shows the overdue ones
    counts = selectors.inbox_counts(user)
    base = reverse("cases:inbox")
    items = [
        HomeItem(
            title=f"{counts[box]} {LABELS[box]}",
            url=f"{base}?box={box}",
            light="red" if box == "overdue" else "",
        )
        for box in ("accept", "dispatch", "handle", "verify", "visits", "overdue")
        if counts.get(box)
    ]
    urgent = list(selectors.case_list(user, selectors.CaseFilters(box="handle")).filter(due_at__isnull=False)[:5])
    now = timezone.now()
    for row in selectors.rows(urgent, now):
        meta = ""
        if row.remaining is not None:
            n = row.remaining.days
            meta = (_("%(n)d days over") if row.remaining.overdue else _("%(n)d days left")) % {"n": n}
        items.append(
            HomeItem(
                title=f"{row.case.tracking_no} {row.case.title}",
                url=reverse("cases:detail", args=[row.case.pk]),
                meta=meta,
                light=row.light,
            )
        )
    return HomeSection(
        key="cases",
        title=gettext_lazy("Cases waiting for you"),
        items=items,
        empty_text=gettext_lazy("No case is waiting for you."),
        more_url=base,
        count=sum(counts.get(b, 0) for b in ("accept", "dispatch", "handle", "verify")),
        order=30,
    )


def oversight_counts(request: Any, user: Actor) -> list[HomeCount]:
    """Open cases past their time limit, for those who oversee (the inbox's overdue box)."""
    if not oversees(user):
        return []
    overdue = selectors.box_queryset(user, "overdue").order_by()[: selectors.COUNT_CAP].count()
    return [
        HomeCount(
            "cases_overdue",
            gettext_lazy("Overdue cases"),
            overdue,
            reverse("cases:inbox") + "?box=overdue",
            light="red" if overdue else "green",
            order=30,
        )
    ]


def my_daily_report(request: Any, user: Actor) -> HomeSection | None:
    """Community staff: has today's screening been filed?"""
    from luoshi.cases.permissions import SCREENING_ROLES
    from luoshi.org.models import Role, Unit

    scope = scope_for(user)
    if scope.is_all or Role.COMMUNITY_STAFF not in scope.roles:
        return None
    today = sla.local_date(timezone.now())
    units = list(
        Unit.objects.filter(scope.unit_q(roles=SCREENING_ROLES), kind__in=["community", "village"], is_active=True)[:20]
    )
    done = set(
        DailyReport.objects.filter(kind=DailyKind.SCREENING, report_date=today, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    url = reverse("cases:daily") + "?kind=screening"
    items = [
        HomeItem(title=_("%(unit)s: not filed yet") % {"unit": u.name}, url=url, light="yellow")
        for u in units
        if u.pk not in done
    ]
    return HomeSection(
        key="daily",
        title=gettext_lazy("Today's screening (一日一排查)"),
        items=items,
        empty_text=gettext_lazy("Today's screening has been filed."),
        more_url=url,
        order=31,
    )
