"""Bulletin section of the projects app: key projects lagging behind, as of ``until``.

A project registered before ``until`` and not finished then lags when one of its
milestones was due before that day and not done by it, or when the investment
recorded before ``until`` for that year is more than :data:`LAG_POINTS` behind
the share of the year that has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from luoshi.core import bulletin_sections as bs
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit
from luoshi.projects.models import Investment, Milestone, Project

LAG_POINTS = 10


def build_lagging(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    day = timezone.localdate(until - dt.timedelta(microseconds=1))
    projects = list(
        Project.objects.filter(unit__path__startswith=unit.path, created_at__lt=until)
        .filter(Q(actual_finish__isnull=True) | Q(actual_finish__gt=day))
        .values("pk", "code", "name", "unit_id", "unit__name", "annual_plan", "plan_year")
        .order_by("code")
    )
    ids = [p["pk"] for p in projects]
    labels = unit_labels(p["unit_id"] for p in projects)
    late = dict(
        Milestone.objects.filter(project_id__in=ids, due_date__lt=day)
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=day))
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    invested: dict[int, Decimal] = defaultdict(Decimal)
    for pid, total in (
        Investment.objects.filter(project_id__in=ids, month__year=day.year, recorded_at__lt=until)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    ):
        invested[pid] = total or Decimal(0)
    year_share = Decimal(day.timetuple().tm_yday * 100) / Decimal(366 if day.year % 4 == 0 else 365)
    rows: list[list[str]] = []
    for p in projects:
        plan = p["annual_plan"] if p["plan_year"] == day.year else None
        done = invested.get(p["pk"], Decimal(0))
        share = (done * 100 / plan) if plan else None
        behind = share is not None and share < year_share - LAG_POINTS
        if not (late.get(p["pk"]) or behind):
            continue
        rows.append(
            [
                p["code"], p["name"], labels.get(p["unit_id"], p["unit__name"]),
                f"{plan:.0f}" if plan else "—", f"{done:.0f}",
                f"{share:.1f}%" if share is not None else "—", f"{year_share:.1f}%", str(late.get(p["pk"], 0)),
            ]
        )  # fmt: skip
    header = [
        "编号", "项目", "牵头单位", "年度计划（万元）", "已完成投资（万元）",
        "完成率", "序时进度", "滞后节点",
    ]  # fmt: skip
    text = f"在建重点项目{len(projects)}个，其中进度滞后{len(rows)}个（节点逾期或投资完成率落后于时间进度）。"
    content = bs.SectionContent(paragraphs=[text])
    if rows:
        content.tables.append(bs.Table(header, bs.cap(rows), "进度滞后重点项目"))
        content.annexes.append(bs.Annex("进度滞后重点项目", header, rows))
    return content


def register() -> None:
    bs.register_section(
        bs.SectionProvider(
            "projects.lagging", "进度滞后重点项目", 50,
            frozenset({bs.WEEKLY, bs.MONTHLY, bs.SPECIAL}), build_lagging,
        )
    )  # fmt: skip
