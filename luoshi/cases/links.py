"""The cases app's side of :mod:`luoshi.core.links`: other apps file cases and count them by subject.

Registered from ``CasesConfig.ready``. A *subject* is ``"<question code>:<answer>"``, e.g.
``"enterprise:91330100MA2XXXXXXX"``: the cases whose answer to the category question with
that code is that value (the 企业服务（小微管家） category asks for the enterprise's unified
social credit code). Filing goes through :func:`luoshi.cases.services.case_report`, the one
intake of every channel, as a staff entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases import services
from luoshi.cases.models import DONE_STATUSES, Case, Category, Channel, Status
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.core.links import CaseCount, CaseRef, CaseRequest
from luoshi.org.models import Unit

MAX_SUBJECTS = 500


def _split(subject: str) -> tuple[str, str] | None:
    code, sep, value = subject.partition(":")
    if not sep or not code.isidentifier() or not value or len(value) > 100:
        return None
    return code, value


def _ref(case: Case) -> CaseRef:
    return CaseRef(
        id=case.pk,
        number=case.tracking_no,
        title=case.title,
        status=case.status,
        status_label=str(case.get_status_display()),
        closed=case.status in DONE_STATUSES,
        url=reverse("cases:detail", args=[case.pk]),
    )


class CaseLinks:
    def counts(self, subjects: Iterable[str]) -> dict[str, CaseCount]:
        by_code: dict[str, list[str]] = {}
        for subject in list(subjects)[:MAX_SUBJECTS]:
            parts = _split(subject)
            if parts:
                by_code.setdefault(parts[0], []).append(parts[1])
        out: dict[str, CaseCount] = {}
        for code, values in by_code.items():
            key = f"attributes__{code}"
            rows = (
                Case.objects.filter(**{f"{key}__in": values})
                .exclude(status=Status.MERGED)
                .values(key)
                .annotate(total=Count("pk"), closed=Count("pk", filter=Q(status__in=sorted(DONE_STATUSES))))
            )
            for row in rows:
                out[f"{code}:{row[key]}"] = CaseCount(total=row["total"], closed=row["closed"])
        return out

    def refs(self, subject: str, *, limit: int = 50) -> list[CaseRef]:
        parts = _split(subject)
        if parts is None:
            return []
        code, value = parts
        qs = (
            Case.objects.filter(**{f"attributes__{code}": value})
            .exclude(status=Status.MERGED)
            .only("pk", "tracking_no", "title", "status")
            .order_by("-reported_at", "-pk")
        )
        return [_ref(c) for c in qs[: max(1, min(limit, 500))]]

    def closed_by_unit(self, subject_code: str, start_at: dt.datetime, end_at: dt.datetime) -> dict[str, int]:
        if not subject_code.isidentifier():
            return {}
        rows = (
            Case.objects.filter(
                status__in=sorted(DONE_STATUSES), closed_at__gte=start_at, closed_at__lt=end_at,
                attributes__has_key=subject_code,
            )
            .values("unit__path")
            .annotate(n=Count("pk"))
            .order_by()
        )  # fmt: skip
        return {row["unit__path"]: row["n"] for row in rows}

    def file(self, *, actor: Actor, request: CaseRequest) -> CaseRef:
        category = Category.objects.filter(code=request.category_code, is_active=True).first()
        if category is None:
            raise ValidationFailed(_("Unknown category."), details={"category": [request.category_code]})
        unit = Unit.objects.filter(pk=request.unit_id).first()
        if unit is None:
            raise NotFound()
        case = services.case_report(
            actor=actor,
            channel=Channel.STAFF,
            category=category,
            unit=unit,
            title=request.title,
            description=request.description,
            reporter_name=request.reporter_name,
            reporter_phone=request.reporter_phone,
            attributes=dict(request.attributes),
        )
        return _ref(case)
