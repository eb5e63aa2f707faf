"""Daily reports (一日一排查 · 一日一研判 · 一日一报告) and the reminders for missing ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor, signed_in
from luoshi.cases import sla, standards
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    DailyKind,
    DailyReport,
    ReminderSent,
)
from luoshi.core import audit, workdays
from luoshi.core.errors import Forbidden, ValidationFailed
from luoshi.notifications.services import notify
from luoshi.org.models import Person, Unit
from luoshi.org.permissions import require

# --- Daily reports (一日一排查 · 一日一研判 · 一日一报告) ----------------------------------------------


def cadre_person(actor: Actor) -> Person | None:
    """The actor's person if they are the responsible cadre of someone under watch."""
    if not isinstance(actor, User):
        return None
    return Person.objects.filter(user=actor, key_persons__is_active=True).distinct().first()


@transaction.atomic
def daily_report_file(
    *,
    actor: Actor,
    kind: str,
    unit: Unit,
    summary: str = "",
    nothing_to_report: bool = False,
    issues_found: int = 0,
    report_date: dt.date | None = None,
) -> DailyReport:
    """File (or correct) today's report; one per unit (or cadre) and day."""
    today = sla.local_date(timezone.now())
    report_date = report_date or today
    if report_date > today or report_date < today - dt.timedelta(days=7):
        raise ValidationFailed(
            _("Reports can be filed for today and the last seven days."), code=CaseErrorCode.BAD_DATE
        )
    person = None
    if kind == DailyKind.SCREENING:
        if unit.kind not in standards.PLACE_KINDS:
            raise ValidationFailed(
                _("Daily screening is filed by communities and villages."), code=CaseErrorCode.BAD_UNIT
            )
        require(actor, "daily.screening", unit)
    elif kind == DailyKind.ASSESSMENT:
        if unit.kind not in standards.TOWNSHIP_KINDS:
            raise ValidationFailed(
                _("The daily assessment is filed by townships and subdistricts."), code=CaseErrorCode.BAD_UNIT
            )
        require(actor, "daily.assessment", unit)
    elif kind == DailyKind.CADRE:
        person = cadre_person(actor)
        if person is None:
            raise Forbidden(_("Only responsible cadres of persons under watch file this report."))
    else:
        raise ValidationFailed(_("Unknown report."), code=CaseErrorCode.BAD_KIND)
    summary = (summary or "").strip()
    if not nothing_to_report and not summary:
        raise ValidationFailed(
            _("Write a summary, or tick “nothing unusual today”."),
            code=CaseErrorCode.REQUIRED,
            details={"summary": [_("This field is required.")]},
        )
    lookup: dict[str, Any] = {"kind": kind, "report_date": report_date}
    if person is not None:
        lookup["person"] = person
    else:
        lookup.update(unit=unit, person__isnull=True)
    report = DailyReport.objects.select_for_update().filter(**lookup).first()
    verb = "update" if report else "create"
    if report is None:
        report = DailyReport(kind=kind, unit=unit, person=person, report_date=report_date, filed_by=signed_in(actor))
    report.summary = summary
    report.nothing_to_report = nothing_to_report
    report.issues_found = max(0, int(issues_found or 0))
    report.filed_by = signed_in(actor)
    report.filed_at = timezone.now()
    report.save()
    audit.record(actor=actor, obj=report, verb=verb, comment=summary[:200])
    return report


def daily_report_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """After the reminder hour on a working day, remind whoever has not reported today; once a day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    hour = int(getattr(settings, "LUOSHI_DAILY_REPORT_REMIND_HOUR", 16))
    today = local.date()
    if local.hour < hour or not workdays.is_working_day(today):
        return {"screening": 0, "assessment": 0, "cadre": 0}
    from luoshi.cases.selectors import missing_daily_reports

    counts = {"screening": 0, "assessment": 0, "cadre": 0}
    for kind, key, recipients, label in missing_daily_reports(today):
        try:
            with transaction.atomic():
                ReminderSent.objects.create(kind=kind, key=key, day=today)
                if recipients:
                    notify(
                        recipients=recipients,
                        kind="daily_report_missing",
                        title=_("%(report)s for %(who)s has not been filed today")
                        % {"report": DailyKind(kind).label, "who": label},
                        url=reverse("cases:daily"),
                    )
        except IntegrityError:
            continue
        counts[kind] += 1
    return counts
