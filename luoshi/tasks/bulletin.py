"""Bulletin sections of the tasks app (found by ``core.bulletin_sections.autodiscover``).

Everything is read as of ``until``: a task is open when it was assigned before
``until`` and not closed before it; its deadline is the one in force then (an
extension approved later is undone); its progress is the last report made
before ``until``; its light is the task light rule on that day, without the
missed-report part (the report schedule of the past is not kept).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from luoshi.core import bulletin_sections as bs
from luoshi.core import workdays
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit
from luoshi.tasks import lights
from luoshi.tasks.models import ExtensionRequest, ExtensionStatus, ProgressReport, Task


def _tasks(unit: Unit, until: dt.datetime) -> Any:
    return Task.objects.filter(lead_unit__path__startswith=unit.path, assigned_at__lt=until)


class _PrefixCalendar(workdays.WorkCalendar):
    """The same calendar, counting working days between two dates in a range from a running total."""

    def __init__(self, base: workdays.WorkCalendar, first: dt.date, last: dt.date) -> None:
        super().__init__(base.holidays, base.workdays)
        totals, count, day = [0], 0, first
        while day < last:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
            totals.append(count)
        object.__setattr__(self, "_first", first)
        object.__setattr__(self, "_last", last)
        object.__setattr__(self, "_totals", totals)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        first, last, totals = self._first, self._last, self._totals  # type: ignore[attr-defined]
        if first <= start <= last and first <= end <= last:
            return int(totals[(end - first).days] - totals[(start - first).days])
        return super().working_days_between(start, end)


def _open_as_of(unit: Unit, until: dt.datetime) -> list[dict[str, Any]]:
    """Read once per bulletin build: the flow and the lights sections share the list."""
    rows: list[dict[str, Any]] = bs.memo(("tasks.open", unit.pk, until), lambda: _read_open_as_of(unit, until))
    return rows


def _read_open_as_of(unit: Unit, until: dt.datetime) -> list[dict[str, Any]]:
    """Open tasks on ``until`` with the deadline and progress of that moment."""
    later_extension = ExtensionRequest.objects.filter(
        task=OuterRef("pk"), status=ExtensionStatus.APPROVED, decided_at__gte=until
    ).order_by("decided_at", "id")
    last_report = ProgressReport.objects.filter(task=OuterRef("pk"), created_at__lt=until).order_by(
        "-created_at", "-id"
    )
    rows = (
        _tasks(unit, until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=until))
        .annotate(
            old_deadline=Subquery(later_extension.values("old_deadline")[:1]),
            percent=Subquery(last_report.values("percent")[:1]),
            unit_name=F("lead_unit__name"),
        )
        .values(
            "pk",
            "number",
            "title",
            "unit_name",
            "lead_unit_id",
            "start_date",
            "deadline",
            "old_deadline",
            "percent",
        )
        .order_by("deadline", "pk")
    )
    day = timezone.localdate(until - dt.timedelta(microseconds=1))
    rows = list(rows)
    dates = [day] + [r["start_date"] for r in rows] + [r["old_deadline"] or r["deadline"] for r in rows]
    cal = _PrefixCalendar(workdays.calendar(), min(dates), max(dates))
    labels = unit_labels(r["lead_unit_id"] for r in rows)
    out = []
    for r in rows:
        deadline = r["old_deadline"] or r["deadline"]
        result = lights.compute(
            status="in_progress", start=r["start_date"], deadline=deadline, today=day,
            progress=float(r["percent"] or 0), cal=cal,
        )  # fmt: skip
        r["unit_name"] = labels.get(r["lead_unit_id"], r["unit_name"])
        out.append({**r, "deadline": deadline, "light": result.light, "overdue_days": (day - deadline).days})
    return out


def build_flow(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    """Assigned, closed and overdue since the last bulletin."""
    tasks = _tasks(unit, until)
    assigned = tasks.filter(assigned_at__gte=since).count()
    closed = tasks.filter(closed_at__gte=since, closed_at__lt=until, closed_on_time__isnull=False).count()
    on_time = tasks.filter(closed_at__gte=since, closed_at__lt=until, closed_on_time=True).count()
    open_rows = _open_as_of(unit, until)
    overdue = [r for r in open_rows if r["overdue_days"] > 0]
    text = (
        f"{_day(since)}至{_day(until - dt.timedelta(seconds=1))}，新交办任务{assigned}项，"
        f"办结{closed}项（其中按期办结{on_time}项）；在办任务{len(open_rows)}项，其中逾期{len(overdue)}项。"
    )
    header = ["编号", "任务名称", "牵头单位", "完成时限", "逾期天数"]
    overdue.sort(key=lambda r: (-r["overdue_days"], r["pk"]))
    rows = [
        [r["number"], r["title"], r["unit_name"], r["deadline"].isoformat(), str(r["overdue_days"])] for r in overdue
    ]
    content = bs.SectionContent(paragraphs=[text])
    if rows:
        content.tables.append(bs.Table(header, bs.cap(rows), "逾期任务（按逾期天数排列）"))
        content.annexes.append(bs.Annex("逾期任务", header, rows))
    return content


def build_lights(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    """Red and yellow lights by lead unit."""
    open_rows = _open_as_of(unit, until)
    red: Counter[str] = Counter()
    yellow: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in open_rows:
        total[r["unit_name"]] += 1
        if r["light"] == lights.RED:
            red[r["unit_name"]] += 1
        elif r["light"] == lights.YELLOW:
            yellow[r["unit_name"]] += 1
    names = sorted(total, key=lambda n: (-red[n], -yellow[n], n))
    header = ["单位", "在办任务", "红灯", "黄灯"]
    rows = [[n, str(total[n]), str(red[n]), str(yellow[n])] for n in names if red[n] or yellow[n]]
    text = (
        f"截至{_day(until - dt.timedelta(seconds=1))}，在办任务亮红灯{sum(red.values())}项、"
        f"亮黄灯{sum(yellow.values())}项，涉及{len(rows)}个单位。"
    )
    content = bs.SectionContent(paragraphs=[text])
    if rows:
        content.tables.append(bs.Table(header, bs.cap(rows), "亮灯单位情况"))
        lit = [r for r in open_rows if r["light"] in (lights.RED, lights.YELLOW)]
        content.annexes.append(
            bs.Annex(
                "亮灯任务清单",
                ["编号", "任务名称", "牵头单位", "完成时限", "亮灯"],
                [
                    [r["number"], r["title"], r["unit_name"], r["deadline"].isoformat(),
                     "红灯" if r["light"] == lights.RED else "黄灯"]
                    for r in lit
                ],
            )
        )  # fmt: skip
    return content


def _day(moment: dt.datetime) -> str:
    d = timezone.localdate(moment)
    return f"{d.year}年{d.month}月{d.day}日"


def register() -> None:
    kinds = frozenset({bs.WEEKLY, bs.MONTHLY, bs.SPECIAL})
    bs.register_section(bs.SectionProvider("tasks.flow", "任务交办、办结和逾期情况", 10, kinds, build_flow))
    bs.register_section(bs.SectionProvider("tasks.lights", "各单位亮灯情况", 20, kinds, build_lights))
