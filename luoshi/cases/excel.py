"""Excel export of a case list (write-only workbook, streamed in one response)."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from luoshi.cases import sla
from luoshi.cases.models import OPEN_STATUSES, Case
from luoshi.core import cells, downloads, workdays


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def cases_workbook(cases: QuerySet[Case], *, limit: int = 20000) -> bytes:
    """One row per case; reporter contact data is never exported."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    cells.append(
        sheet,
        [
            _("Tracking number"),
            _("Title"),
            _("Category"),
            _("Kind"),
            _("Channel"),
            _("Place"),
            _("Command unit"),
            _("Handling unit"),
            _("Status"),
            _("Light"),
            _("Days left / over"),
            _("Reported"),
            _("Due"),
            _("Closed"),
            _("Outcome"),
            _("Rating"),
        ],
    )
    now = timezone.now()
    cal = workdays.calendar()
    lights = {sla.GREEN: _("green"), sla.YELLOW: _("yellow"), sla.RED: _("red"), "": ""}
    from luoshi.org.labels import Labeller  # (here: the imports above are the download-name lane's)

    label = Labeller()  # units named with their township (several townships in one sheet)
    for case in cases[:limit].iterator(chunk_size=2000):
        light, days = "", ""
        if case.status in OPEN_STATUSES and case.due_at is not None:
            light = sla.light(now, case.warn_at, case.due_at)
            rem = sla.remaining(now, case.due_at, cal)
            days = (_("%(n)d days over") if rem.overdue else _("%(n)d days left")) % {"n": rem.days}
        cells.append(
            sheet,
            [
                case.tracking_no,
                case.title,
                case.category.name,
                str(case.get_kind_display()),
                str(case.get_channel_display()),
                label(case.unit),
                label(case.owner_unit),
                label(case.handling_unit) if case.handling_unit_id else "",
                str(case.get_status_display()),
                str(lights[light]),
                str(days),
                _local(case.reported_at),
                _local(case.due_at) if case.status in OPEN_STATUSES else None,
                _local(case.closed_at),
                str(case.get_outcome_display()) if case.outcome else "",
                str(case.get_rating_display()) if case.rating else "",
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cases_workbook_response(cases: QuerySet[Case], *, limit: int = 20000) -> HttpResponse:
    content = cases_workbook(cases, limit=limit)
    return downloads.download(content, pgettext("file name", "Case list"), day=timezone.localdate())
