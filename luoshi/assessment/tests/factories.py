"""A small assessment world on the org test tree: a district scheme scoring the two subdistricts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.assessment import services
from luoshi.assessment.models import ItemKind, Scheme, SubjectType
from luoshi.assessment.rules import SectionKind
from luoshi.org.models import Role, UnitKind
from luoshi.org.tests.factories import user_with_role


def scheme_world(tree: dict[str, Any], *, manual: bool = True) -> dict[str, Any]:
    district = tree["district"]
    organiser = user_with_role(Role.SUPERVISOR, district, username="org_sup")
    scheme = services.scheme_create(
        actor=organiser, owner=district, name="测试考核方案", subject_type=SubjectType.UNIT,
        unit_kinds=[UnitKind.SUBDISTRICT], effective_from=dt.date(2026, 1, 1),
    )  # fmt: skip
    version = scheme.versions.get()
    work = services.section_save(actor=organiser, version=version, name="重点工作")
    on_time = services.item_save(
        actor=organiser, section=work, name="按期完成率", kind=ItemKind.AUTO, points="30",
        metric_key="tasks.on_time_rate", rule={"kind": "linear", "worst": "0", "best": "100"},
    )  # fmt: skip
    overdue = services.item_save(
        actor=organiser, section=work, name="逾期任务", kind=ItemKind.AUTO, points="20",
        metric_key="tasks.overdue_open", rule={"kind": "per_event", "each": "5", "cap": "20"},
    )  # fmt: skip
    out: dict[str, Any] = {"organiser": organiser, "scheme": scheme, "version": version, "on_time": on_time,
                           "overdue": overdue, "work": work}  # fmt: skip
    deduction = services.section_save(actor=organiser, version=version, name="扣分", kind=SectionKind.DEDUCTION)
    out["reminders"] = services.item_save(
        actor=organiser, section=deduction, name="催办", kind=ItemKind.AUTO, points="5",
        metric_key="tasks.reminders", rule={"kind": "per_event", "each": "1", "cap": "5"},
    )  # fmt: skip
    if manual:
        out["manual"] = services.item_save(
            actor=organiser, section=work, name="群众评议", kind=ItemKind.MANUAL, points="10"
        )
    services.version_publish(actor=organiser, version=version)
    return out


def reload(scheme: Scheme) -> Scheme:
    return Scheme.objects.select_related("owner").get(pk=scheme.pk)
