"""Bulletin section of the assessment app: the published assessment results (考核结果 · 擂台), as of ``until``.

For the bulletin's unit, the schemes it (or a unit in its subtree) organises and the schemes of the
units above it that score units in its subtree. Of each, the latest run that had been published
before ``until`` (a run's first publication is its ``assessment.publish`` entry in the activity log;
an upheld appeal publishes a new revision, which counts from the moment it was decided), in the
revision in force then, with the movement of each subject's rank against the scheme's run before.

Text is written in Chinese directly: it is the text of an official document (docs/bulletins.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.utils import timezone

from luoshi.assessment.models import Appeal, AppealState, Result, Run, RunState, Scheme, SubjectType
from luoshi.core import bulletin_sections as bs
from luoshi.core.metrics import Period, PeriodKind
from luoshi.core.models import ActivityLog
from luoshi.org.models import Unit

#: Schemes reported in one bulletin (the newest first); a unit organises a handful.
MAX_SCHEMES = 10
#: States of a run that had been published once (an archived run was published before).
PUBLISHED_STATES = (RunState.PUBLISHED, RunState.ARCHIVED)
HEADER = ["名次", "考核对象", "所属单位", "总分", "加分", "扣分", "等次", "较上期"]


def period_text(key: str) -> str:
    """A period key in the words of a document: 2026年11月, 2026年第3季度, 2026年上半年, 2026年度."""
    try:
        period = Period.parse(key)
    except ValueError:
        return key
    if period.kind == PeriodKind.MONTH:
        return f"{period.year}年{period.index}月"
    if period.kind == PeriodKind.QUARTER:
        return f"{period.year}年第{period.index}季度"
    if period.kind == PeriodKind.HALF:
        return f"{period.year}年{'上' if period.index == 1 else '下'}半年"
    return f"{period.year}年度"


@dataclass
class PublishedRun:
    run: Run
    published_at: dt.datetime
    revision: int


def published_runs(schemes: list[int], until: dt.datetime) -> dict[int, list[PublishedRun]]:
    """Per scheme, its runs published before ``until`` (newest period first), with the revision in force then."""
    runs = list(
        Run.objects.filter(scheme_id__in=schemes, state__in=PUBLISHED_STATES)
        .select_related("scheme")
        .order_by("scheme_id", "-period_key", "-id")
    )
    if not runs:
        return {}
    run_type = ContentType.objects.get_for_model(Run)
    first_publish = dict(
        ActivityLog.objects.filter(
            content_type=run_type, object_id__in=[str(r.pk) for r in runs], verb="assessment.publish"
        )
        .values("object_id")
        .annotate(first=Min("created_at"))
        .values_list("object_id", "first")
    )
    upheld: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for run_id, decided_at, revision in Appeal.objects.filter(
        run_id__in=[r.pk for r in runs], state=AppealState.UPHELD, revision__isnull=False, decided_at__isnull=False
    ).values_list("run_id", "decided_at", "revision"):
        if decided_at is not None and revision is not None:
            upheld[run_id].append((decided_at, revision))
    out: dict[int, list[PublishedRun]] = defaultdict(list)
    for run in runs:
        moments = [m for m in (first_publish.get(str(run.pk)), run.published_at) if m is not None]
        moments += [decided for decided, _rev in upheld[run.pk]]
        if not moments or min(moments) >= until:
            continue
        revision = max((rev for decided, rev in upheld[run.pk] if decided < until), default=1)
        out[run.scheme_id].append(PublishedRun(run, min(moments), revision))
    return out


def _ranks(run: PublishedRun, subjects: Q) -> dict[int, tuple[int | None, str, str, Decimal, Decimal, Decimal, str]]:
    rows = (
        Result.objects.filter(run=run.run, revision=run.revision)
        .filter(subjects)
        .order_by("rank", "name", "id")
        .values_list("subject_id", "rank", "name", "unit__name", "total", "bonus", "deduction", "band")
    )
    return {sid: (rank, name, unit, total, bonus, deduction, band) for sid, rank, name, unit, total, bonus, deduction,
            band in rows}  # fmt: skip


def _movement(now: int | None, before: int | None) -> str:
    if now is None or before is None:
        return "—"
    if now < before:
        return f"↑{before - now}"
    if now > before:
        return f"↓{now - before}"
    return "持平"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _points(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def build_results(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    ancestors = [*unit.ancestor_ids]
    schemes = list(
        Scheme.objects.filter(Q(owner__path__startswith=unit.path) | Q(owner_id__in=ancestors))
        .values_list("pk", "owner_id")
        .order_by("pk")
    )
    owned_above = {pk for pk, owner in schemes if owner in set(ancestors)}
    found = published_runs([pk for pk, _owner in schemes], until)
    newest_first = sorted(found.values(), key=lambda runs: (runs[0].run.period_key, runs[0].run.pk), reverse=True)
    latest = newest_first[:MAX_SCHEMES]
    content = bs.SectionContent()
    in_subtree = Q(unit__path__startswith=unit.path)
    for runs in latest:
        current = runs[0]
        scheme = current.run.scheme
        subjects = in_subtree if scheme.pk in owned_above else Q()
        now = _ranks(current, subjects)
        if not now:
            continue
        before = _ranks(runs[1], subjects) if len(runs) > 1 else {}
        who = "干部" if scheme.subject_type == SubjectType.PERSON else "单位"
        period = period_text(current.run.period_key)
        rows = [
            [str(rank or "—"), name, unit_name, _points(total), _points(bonus), _points(deduction), band or "—",
             _movement(rank, before.get(sid, (None,))[0])]
            for sid, (rank, name, unit_name, total, bonus, deduction, band) in now.items()
        ]  # fmt: skip
        first = next(iter(now.values()))
        text = (
            f"{scheme.name}{period}考核结果于{_cn_date(timezone.localdate(current.published_at))}公布，"
            f"{'本单位范围内' if scheme.pk in owned_above else '共'}{len(now)}个{who}参加考核，"
            f"{first[1]}以{_points(first[3])}分位列第{first[0] or '—'}名。"
        )
        if current.revision > 1:
            text += f"（经申诉复核后第{current.revision}版结果。）"
        content.paragraphs.append(text)
        caption = f"{scheme.name}{period}考核结果"
        content.tables.append(bs.Table(HEADER, bs.cap(rows), caption))
        content.annexes.append(bs.Annex(caption, HEADER, rows))
    if not content.paragraphs:
        content.paragraphs.append("截至本期，暂无已公布的考核结果。")
    return content


def register() -> None:
    bs.register_section(
        bs.SectionProvider("assessment.results", "考核结果", 60, frozenset({bs.MONTHLY, bs.RANKING}), build_results)
    )
