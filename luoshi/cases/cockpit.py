"""What the cases app shows on the cockpit (驾驶舱): cases today and this month, SLA heat by
township, daily-report compliance, key persons by risk, and its early warnings.

Registered with :mod:`luoshi.core.panels`; every figure links to the case pages with the
filters that list the records behind it. Finished days come from the daily aggregates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from luoshi.accounts.types import Actor
from luoshi.cases import aggregates as case_aggregates
from luoshi.cases.models import DailyKind, DailyReport, RiskLevel
from luoshi.cases.permissions import STATS_ROLES
from luoshi.cases.selectors.daily import _expected_units
from luoshi.cases.selectors.keypersons import key_persons_visible_to, may_open_registry
from luoshi.cases.selectors.stats import _stat_areas, case_stats
from luoshi.cases.selectors.visibility import cases_visible_to
from luoshi.core import aggregates, workdays
from luoshi.core.panels import (
    Panel,
    PanelChart,
    PanelFigure,
    PanelMap,
    PanelRow,
    Warning,
    register_panel,
    register_warnings,
)
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

TREND_DAYS = 30


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _inbox(**params: Any) -> str:
    return reverse("cases:inbox") + "?" + urlencode({"box": "all", **{k: v for k, v in params.items() if v}})


def may_see_stats(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & STATS_ROLES)


def _heat(overdue: int, total: int) -> str:
    """Light of a township's SLA heat: red from 10 % of the month's cases overdue, yellow from 3 %."""
    if not total:
        return "green" if not overdue else "yellow"
    share = overdue / total
    return "red" if share >= 0.10 else "yellow" if share >= 0.03 else "green"


def cases_panel(user: Actor, today: dt.date) -> Panel | None:
    if not may_see_stats(user):
        return None
    month_start = today.replace(day=1)
    rows = case_stats(user, start=month_start, end=today, group="township")
    today_rows = case_stats(user, start=today, end=today, group="township")
    total = sum(r.total for r in rows)
    closed = sum(r.closed for r in rows)
    on_time = sum(r.on_time for r in rows)
    rated = sum(r.rated for r in rows)
    pleased = sum(r.satisfied + r.basic for r in rows)
    overdue = sum(r.overdue_open for r in rows)
    iso = today.isoformat()
    figures = [
        PanelFigure("cases_today", _("Cases reported today"), str(sum(r.total for r in today_rows)),
                    _inbox(date_from=iso, date_to=iso)),
        PanelFigure("cases_month", _("Cases this month"), str(total),
                    _inbox(date_from=month_start.isoformat(), date_to=iso)),
        PanelFigure("cases_on_time", _("Closed on time this month"), _pct(on_time, closed),
                    reverse("cases:stats") + "?" + urlencode({"group": "township"}),
                    note=_("%(n)s of %(d)s closed") % {"n": on_time, "d": closed}),
        PanelFigure("cases_satisfied", _("Satisfied this month"), _pct(pleased, rated),
                    reverse("cases:stats") + "?" + urlencode({"group": "township"}),
                    note=_("%(n)s of %(d)s rated") % {"n": pleased, "d": rated}),
        PanelFigure("cases_overdue", _("Open and overdue (reported this month)"), str(overdue),
                    _inbox(light="red", date_from=month_start.isoformat(), date_to=iso),
                    light="red" if overdue else "green"),
    ]  # fmt: skip
    table = []
    for r in sorted(rows, key=lambda r: (-r.overdue_open, r.name)):
        light = _heat(r.overdue_open, r.total)
        table.append(
            PanelRow(
                [r.name, str(r.total), _pct(r.on_time, r.closed), _pct(r.satisfied + r.basic, r.rated),
                 str(r.overdue_open)],
                url=_inbox(light="red", unit=r.key or "", date_from=month_start.isoformat(), date_to=iso),
                light=light,
            )
        )  # fmt: skip
    return Panel(
        key="cases",
        title=gettext_lazy("Cases this month · SLA heat by township"),
        figures=figures,
        head=[_("Township"), _("Cases"), _("On time"), _("Satisfaction"), _("Overdue open")],
        rows=table,
        chart=_trend(user, today, live=sum(r.total for r in today_rows)),
        more_url=reverse("cases:stats") + "?" + urlencode({"group": "township"}),
        as_of=getattr(rows, "as_of", None),
        empty_text=gettext_lazy("No cases reported this month."),
    )


def _trend(user: Actor, today: dt.date, *, live: int | None = None) -> PanelChart | None:
    """Cases reported per day over the last 30 days (stored days, and today counted live — or ``live``, today's
    count the panel has already made in the same scope: today's cases are not counted twice)."""
    usable, areas = _stat_areas(user, None)
    first = today - dt.timedelta(days=TREND_DAYS - 1)
    covered = aggregates.covered_from(case_aggregates.UNIT_FAMILY)
    if not usable or covered is None or covered > first:
        return None
    sums = aggregates.sum_figures(
        case_aggregates.UNIT_FAMILY,
        first=first,
        last=today - dt.timedelta(days=1),
        by="day",
        areas=areas,
        measures=["total", "closed"],
    )
    if live is None:
        live = case_aggregates.reported_between(today, today, cases_visible_to(user)).count()
    days = [first + dt.timedelta(days=i) for i in range(TREND_DAYS)]
    reported = [sums.get(d, {}).get("total", 0) for d in days[:-1]] + [live]
    return PanelChart(
        kind="line",
        title=gettext_lazy("Cases reported per day, last 30 days"),
        x=[f"{d:%m-%d}" for d in days],
        series=[{"name": _("Reported per day"), "data": reported}],
    )


def map_panel(user: Actor, today: dt.date) -> Panel | None:
    """The case map: grids shaded by their open cases, open cases as points (as on /cases/map/)."""
    if not may_see_stats(user):
        return None
    return Panel(
        key="case_map",
        title=gettext_lazy("Case map"),
        map=PanelMap(
            data_url=reverse("cases:map_data"),
            list_url=_inbox(),
            label=gettext_lazy("Open cases and grids"),
            record_url=reverse("cases:detail", args=[0]),
        ),
        more_url=reverse("cases:map"),
    )


def daily_panel(user: Actor, today: dt.date) -> Panel | None:
    """Daily-report compliance today: units that owe a report and those that filed it."""
    if not may_see_stats(user):
        return None
    scope = scope_for(user)
    base = Unit.objects.all() if scope.is_all else Unit.objects.filter(scope.unit_q())
    working = workdays.calendar().is_working_day(today)
    figures = []
    rows = []
    labels = dict(DailyKind.choices)
    for kind in (DailyKind.SCREENING, DailyKind.ASSESSMENT):
        expected = _expected_units(kind, base).order_by()
        owed = expected.count() if working else 0
        filed = DailyReport.objects.filter(
            kind=kind, person__isnull=True, report_date=today, unit__in=expected.values("pk")
        ).count()
        missing = max(owed - filed, 0)
        url = reverse("cases:daily") + "?" + urlencode({"kind": kind, "day": today.isoformat()})
        figures.append(
            PanelFigure(
                f"daily_{kind}",
                _("%(kind)s filed today") % {"kind": labels[kind]},
                f"{filed}/{owed}",
                url,
                light="red" if missing else "green",
                note=_("%(n)s missing") % {"n": missing} if working else _("A day off: no report is owed."),
            )
        )
        rows.append(PanelRow([str(labels[kind]), str(owed), str(filed), str(missing)], url=url))
    return Panel(
        key="daily",
        title=gettext_lazy("Daily reports today"),
        figures=figures,
        head=[_("Report"), _("Owed"), pgettext("daily report", "filed"), _("Missing")],
        rows=rows,
        more_url=reverse("cases:daily"),
        empty_text=gettext_lazy("Nothing owed today."),
    )


def keypersons_panel(user: Actor, today: dt.date) -> Panel | None:
    """Key persons under watch by risk — only for those who may open the registry."""
    if not may_open_registry(user):
        return None
    counts = dict(
        key_persons_visible_to(user)
        .filter(is_active=True)
        .order_by()
        .values_list("risk_level")
        .annotate(n=Count("pk"))
        .values_list("risk_level", "n")
    )
    light: dict[str, str] = {RiskLevel.HIGH: "red", RiskLevel.MEDIUM: "yellow", RiskLevel.LOW: "green"}
    figures = [
        PanelFigure(
            f"keypersons_{level}",
            _("Risk: %(level)s") % {"level": label},
            str(counts.get(level, 0)),
            reverse("cases:keypersons") + "?" + urlencode({"risk": level}),
            light=light.get(level, ""),
        )
        for level, label in RiskLevel.choices
    ]
    return Panel(
        key="keypersons",
        title=gettext_lazy("Key persons by risk"),
        figures=figures,
        more_url=reverse("cases:keypersons"),
    )


def warnings(user: Actor, today: dt.date) -> list[Warning]:
    if not may_see_stats(user):
        return []
    out = []
    now = timezone.now()
    # ``due_at`` is set only while a case is open (a check constraint): no status test needed,
    # so the (township, due_at) index answers both counts alone.
    soon = cases_visible_to(user).filter(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=24)).count()
    if soon:
        out.append(
            Warning(
                "cases.breach",
                "yellow",
                _("%(n)s open cases fall overdue within 24 hours") % {"n": soon},
                _inbox(light="yellow"),
            )
        )
    fresh = cases_visible_to(user).filter(due_at__gte=now - dt.timedelta(hours=24), due_at__lt=now).count()
    if fresh:
        out.append(
            Warning(
                "cases.overdue",
                "red",
                _("%(n)s cases fell overdue since yesterday") % {"n": fresh},
                _inbox(light="red"),
            )
        )
    yesterday = today - dt.timedelta(days=1)
    scope = scope_for(user)
    units = None if scope.is_all else list(Unit.objects.filter(scope.unit_q()).values_list("pk", flat=True))
    sums = aggregates.sum_figures(case_aggregates.DAILY_FAMILY, first=yesterday, last=yesterday, by="dim", units=units)
    missed = sum(max(v.get("owed", 0) - v.get("filed", 0), 0) for v in sums.values())
    if missed:
        out.append(
            Warning(
                "cases.daily",
                "red",
                _("%(n)s daily reports were not filed yesterday") % {"n": missed},
                reverse("cases:daily") + "?" + urlencode({"day": yesterday.isoformat()}),
            )
        )
    return out


def register() -> None:
    register_panel("cases", 20, cases_panel)
    register_panel("case_map", 25, map_panel)
    register_panel("daily", 30, daily_panel)
    register_panel("keypersons", 40, keypersons_panel)
    register_warnings("cases", warnings)
