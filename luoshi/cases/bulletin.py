"""Bulletin sections of the cases app (found by ``core.bulletin_sections.autodiscover``).

As of ``until``: a case counts as reported in the period by ``reported_at``, as
closed by ``closed_at`` (on time when it never went overdue, which is final
once it is closed), as rated by ``rated_at``, whenever it was reported; supervision
cards (督办) by ``issued_at``. Each of the three is one read on its own
(township, time) index: ``case_township_time_idx``, ``case_township_closed_idx``,
``case_township_rated_idx``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from luoshi.cases.models import CardLevel, Rating, Status, SupervisionCard
from luoshi.cases.models import Case as CaseModel
from luoshi.core import bulletin_sections as bs
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit, UnitKind

PLACE_KINDS = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)


def _group(unit: Unit) -> tuple[str, str, str]:
    """By township for a district (or anything above townships), by handling unit inside one."""
    if unit.kind in PLACE_KINDS or unit.depth > 1:
        return "handling_unit_id", "handling_unit__name", "承办单位"
    return "township_id", "township__name", "镇（街道）"


def build_townships(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    """Cases on time and satisfaction by township."""
    key, name, label = _group(unit)
    # the townships of the subtree by id, so each read walks its (township, time) index
    townships = list(Unit.objects.filter(path__startswith=unit.path, kind__in=PLACE_KINDS).values_list("pk", flat=True))
    base = CaseModel.objects.filter(township_id__in=townships).exclude(status=Status.MERGED)
    zero = {"reported": 0, "closed": 0, "on_time": 0, "rated": 0, "satisfied": 0}
    rows: dict[Any, dict[str, Any]] = {}
    reads: list[tuple[Q, dict[str, Any]]] = [
        (Q(reported_at__gte=since, reported_at__lt=until), {"reported": Count("pk")}),
        (Q(closed_at__gte=since, closed_at__lt=until),
         {"closed": Count("pk"), "on_time": Count("pk", filter=Q(was_overdue=False))}),
        (Q(rated_at__gte=since, rated_at__lt=until),
         {"rated": Count("pk", filter=~Q(rating="")),
          "satisfied": Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC]))}),
    ]  # fmt: skip
    for period, counts in reads:
        for d in base.filter(period).values(key, name).annotate(**counts).order_by():
            row = rows.setdefault(d[key], {key: d[key], name: d[name], **zero})
            row.update({k: d[k] for k in counts})
    rows = {k: d for k, d in rows.items() if d["reported"] or d["closed"] or d["rated"]}
    labels = unit_labels(rows)
    for d in rows.values():
        d[name] = labels.get(d[key]) or d[name]
    ordered = sorted(rows.values(), key=lambda d: (-(d["reported"]), str(d[name] or "")))
    header = [label, "受理量", "办结量", "按期办结", "按期办结率", "评价数", "满意率"]
    table = [
        [d[name] or "尚未派遣", str(d["reported"]), str(d["closed"]), str(d["on_time"]),
         bs.percent(d["on_time"], d["closed"]), str(d["rated"]), bs.percent(d["satisfied"], d["rated"])]
        for d in ordered
    ]  # fmt: skip
    reported = sum(d["reported"] for d in ordered)
    closed = sum(d["closed"] for d in ordered)
    on_time = sum(d["on_time"] for d in ordered)
    rated = sum(d["rated"] for d in ordered)
    satisfied = sum(d["satisfied"] for d in ordered)
    text = (
        f"本期共受理群众诉求{reported}件，办结{closed}件，按期办结率{bs.percent(on_time, closed)}；"
        f"群众评价{rated}件，满意及基本满意率{bs.percent(satisfied, rated)}。"
    )
    content = bs.SectionContent(paragraphs=[text])
    if table:
        content.tables.append(bs.Table(header, bs.cap(table), "诉求办理按期率和满意率"))
        content.annexes.append(bs.Annex("各单位诉求办理情况", header, table))
    return content


def build_cards(unit: Unit, since: dt.datetime, until: dt.datetime) -> bs.SectionContent:
    """Supervision cards (督办) issued in the period, per unit."""
    cards = SupervisionCard.objects.filter(unit__path__startswith=unit.path, issued_at__gte=since, issued_at__lt=until)
    per_unit = list(
        cards.values("unit_id", unit_name=F("unit__name"))
        .annotate(
            total=Count("pk"),
            yellow=Count("pk", filter=Q(level=CardLevel.YELLOW)),
            red=Count("pk", filter=Q(level=CardLevel.RED)),
            points=Sum("points"),
        )
        .order_by("-red", "-yellow", "-total", "unit_name")
    )
    header = ["单位", "督办数", "黄牌", "红牌", "扣分"]
    labels = unit_labels(d["unit_id"] for d in per_unit)
    for d in per_unit:
        d["unit_name"] = labels.get(d["unit_id"], d["unit_name"])
    table = [
        [d["unit_name"], str(d["total"]), str(d["yellow"]), str(d["red"]), str(d["points"] or 0)] for d in per_unit
    ]
    total = sum(d["total"] for d in per_unit)
    text = f"本期共发出督办单{total}份，涉及{len(per_unit)}个单位。"
    content = bs.SectionContent(paragraphs=[text])
    if table:
        content.tables.append(bs.Table(header, bs.cap(table), "各单位督办情况"))
        detail = cards.order_by("issued_at", "pk").values_list(
            "issued_at",
            "unit__name",
            "level",
            "points",
            "case__tracking_no",
            "comment",
            "unit_id",
        )
        levels = dict(CardLevel.choices)
        content.annexes.append(
            bs.Annex(
                "督办单清单",
                ["督办时间", "单位", "级别", "扣分", "诉求编号", "督办意见"],
                [
                    [
                        timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),  # Asia/Shanghai, as on the pages
                        labels.get(uid, u),
                        str(levels.get(lv, lv)),
                        p,
                        no,
                        c,
                    ]
                    for at, u, lv, p, no, c, uid in detail
                ],
            )
        )
    return content


def register() -> None:
    bs.register_section(
        bs.SectionProvider(
            "cases.townships", "诉求办理按期率和满意率", 30,
            frozenset({bs.WEEKLY, bs.MONTHLY, bs.SPECIAL, bs.RANKING}), build_townships,
        )
    )  # fmt: skip
    bs.register_section(
        bs.SectionProvider(
            "cases.cards", "督办单发出情况", 25,
            frozenset({bs.WEEKLY, bs.MONTHLY, bs.SPECIAL}), build_cards,
        )
    )  # fmt: skip
