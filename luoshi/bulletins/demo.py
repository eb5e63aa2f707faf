"""Demo bulletins: three issued weekly bulletins of 城东街道, a monthly one and a ranking bulletin
(擂台, the assessment results published by the assessment demo) of the district, a draft.

Runs after the other apps' demo data so the sections report on it; idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from luoshi.bulletins import services, workflow
from luoshi.bulletins.models import Bulletin, Kind, Schedule

#: What the supervisor added to the requests section before issuing (invented).
NOTES = [
    "本周东星、东海社区诉求办理按期率偏低，请对照清单逐件复核，确保按时办结、群众满意。",
    "霞美社区反映的背街小巷照明问题已交城市管理组限期整改，下周督查组将现场复查。",
    "请各社区落实首接负责制，对群众不满意的诉求在三个工作日内完成回访。",
]


def load(*, stdout: Any = None) -> dict[str, int]:
    from luoshi.accounts.models import User
    from luoshi.org.models import Unit

    township = Unit.objects.filter(code="CD").first()
    district = Unit.objects.filter(parent__isnull=True, kind="district").order_by("pk").first()
    supervisor = User.objects.filter(username="supervisor").first()
    admin = User.objects.filter(username="admin").first()
    if township is None or district is None or supervisor is None or admin is None:
        return {"bulletins": 0}
    if Bulletin.objects.filter(unit__in=[township, district]).exists():
        return {"bulletins": 0}
    today = timezone.localdate()
    last_sunday = today - dt.timedelta(days=today.weekday() + 1)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for weeks_back in (2, 1, 0):  # the last one up to last Sunday: this week's bulletin starts on Monday
            as_of = last_sunday - dt.timedelta(weeks=weeks_back)
            draft = services.create_draft(actor=supervisor, data=services.DraftData(Kind.WEEKLY, township, as_of))
            draft.sections.filter(key="cases.townships").update(text=NOTES[weeks_back % len(NOTES)])
            services.act(
                actor=supervisor, bulletin=draft, action=workflow.ISSUE, issue_day=as_of + dt.timedelta(days=1)
            )
            made += 1
        month_end = today.replace(day=1) - dt.timedelta(days=1)
        monthly = services.create_draft(actor=admin, data=services.DraftData(Kind.MONTHLY, district, month_end))
        monthly.cc = "区委办公室，区政府办公室"
        monthly.save(update_fields=["cc"])
        services.act(
            actor=admin, bulletin=monthly, action=workflow.ISSUE, issue_day=min(today, month_end + dt.timedelta(days=3))
        )
        made += 1
        # The 擂台: the district's ranking bulletin on the assessment results published today.
        ranking = services.create_draft(actor=admin, data=services.DraftData(Kind.RANKING, district, today))
        ranking.cc = "区委办公室，区政府办公室"
        ranking.save(update_fields=["cc"])
        services.act(actor=admin, bulletin=ranking, action=workflow.ISSUE, issue_day=today)
        made += 1
        # this week's bulletin, up to today, waits for the supervisor
        services.create_draft(actor=supervisor, data=services.DraftData(Kind.WEEKLY, township, today))
        made += 1
        Schedule.objects.get_or_create(
            unit=township, kind=Kind.WEEKLY, defaults={"weekday": 0, "hour": 9, "created_by": supervisor}
        )
    return {"bulletins": made}
