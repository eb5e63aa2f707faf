"""Task list rows rendered in Python.

A Django template loop over a page of tasks resolved a dozen variables per row and
translated the status and light labels for every row (``get_FOO_display`` makes
every lazy choice label hashable, which translates each one); on a 50-row page that
was most of the page's CPU time. Here the labels are translated once per page and
each row is one string format (see bench/RESULTS-tasks.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from luoshi.org.labels import unit_labels
from luoshi.tasks.models import Light, Status

register = template.Library()

ROW = (
    '<tr data-task="{pk}"><td data-label="{l_light}">{light}{late}</td>'
    '<td><a href="{url}">{title}</a><div class="small muted">{number}{subtask}</div></td>'
    '<td data-label="{l_unit}">{unit}</td><td class="hide-mobile">{leader}</td>'
    '<td data-label="{l_deadline}">{deadline}{overdue}</td>'
    '<td data-label="{l_status}"><span class="tag tag-status-{status}">{status_label}</span>{missed}</td>'
    '<td data-label="{l_progress}"><progress max="100" value="{percent}"></progress> {percent}%</td></tr>\n'
)


@register.simple_tag
def task_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The ``<tr>`` of each task in a list table (see ``tasks/_task_table.html``).

    ``rows`` are the plain values of :data:`luoshi.tasks.selectors.API_LIST_FIELDS`
    (``IdsFirst(..., values=True)``).
    """
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    lights = {
        value: f'<span class="light light-{value}" role="img" aria-label="{escape(str(label))}" '
        f'data-light="{value}"></span>'
        for value, label in Light.choices
        if value
    }
    labels: dict[str, Any] = {
        "l_light": escape(_("Light")),
        "l_unit": escape(_("Lead unit")),
        "l_deadline": escape(_("Deadline")),
        "l_status": escape(_("Status")),
        "l_progress": escape(_("Progress")),
    }
    # Translated outside the f-strings, where makemessages would not find them.
    t_late, t_overdue, t_subtask = escape(_("late")), escape(_("overdue")), escape(_("subtask"))
    late = f'<span class="tag tag-late">{t_late}</span>'
    overdue = f' <span class="tag tag-late">{t_overdue}</span>'
    subtask = f" · {t_subtask}"
    t_missed = escape(_("%(n)d reports missed"))
    missed = f' <span class="tag tag-warn">{t_missed}</span>'
    url = reverse("tasks:detail", args=[0])[: -len("0/")]
    rows = list(rows)
    units = unit_labels(r["lead_unit_id"] for r in rows)  # named with their township, one query
    parts = []
    for r in rows:
        pk = r["id"]
        parts.append(
            ROW.format(
                pk=pk,
                url=f"{url}{pk}/",
                light=lights.get(r["light"], ""),
                late=late if r["closed_on_time"] is False else "",
                title=escape(r["title"]),
                number=escape(r["number"]),
                subtask=subtask if r["parent_id"] else "",
                unit=escape(units.get(r["lead_unit_id"], r["lead_unit__name"])),
                leader=escape(r["responsible_leader__name"] or "—"),
                deadline=r["deadline"].isoformat(),
                overdue=overdue if r["is_overdue"] else "",
                status=r["status"],
                status_label=statuses.get(r["status"], escape(r["status"])),
                missed=missed.replace("%(n)d", str(r["missed_reports"])) if r["missed_reports"] else "",
                percent=int(r["progress"].to_integral_value()),
                **labels,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
