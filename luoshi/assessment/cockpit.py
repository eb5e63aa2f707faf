"""What the assessment app shows on the cockpit: the standings of the latest published run the user
may read (考核 · 擂台), registered with :mod:`luoshi.core.panels`.

The run is the newest published (or archived) one among those :func:`selectors.run_list` gives the
user — a run of scored units before a run of cadres of the same period. Its rows are the results the
user may read (the whole run for readers over the organising unit, else the results in their own
scope), best first; every figure and row opens a result's breakdown (the points item by item, and
the records behind them) or the run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from luoshi.accounts.types import Actor
from luoshi.assessment import permissions, selectors
from luoshi.assessment.models import Result, Run, SubjectType
from luoshi.core.panels import Panel, PanelFigure, PanelRow, register_panel

#: Rows shown on the cockpit (the run's page lists them all).
ROWS_SHOWN = 10
PUBLISHED = permissions.PUBLIC_STATES


#: 0 for a run of scored units, 1 for a run of cadres (units first within a period).
UNITS_FIRST = Case(
    When(scheme__subject_type=SubjectType.UNIT, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def latest_published_run(user: Actor) -> Run | None:
    return (
        selectors.run_list(user)
        .filter(state__in=PUBLISHED)
        .annotate(units_first=UNITS_FIRST)
        .order_by("-period_key", "units_first", "-published_at", "-id")
        .first()
    )


def _points(value: Any) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _breakdown(result: Result) -> str:
    return reverse("assessment:result", args=[result.run_id, result.subject_id])


def _rank(result: Result) -> str:
    return str(result.rank) if result.rank is not None else "—"


def _row(r: Result) -> PanelRow:
    cells = [f"{_rank(r)}. {r.name}", _points(r.total), r.band or "—", _points(r.bonus), _points(r.deduction)]
    return PanelRow(cells, url=_breakdown(r))


def assessment_panel(user: Actor, today: dt.date) -> Panel | None:
    run = latest_published_run(user)
    if run is None:
        return None
    visible = permissions.results_visible_to(user, run).defer("items", "records", "sections")
    rows = list(visible.order_by("rank", "name", "id")[:ROWS_SHOWN])
    if not rows:
        return None
    whole = permissions.sees_whole_run(user, run)
    total = visible.count()
    run_url = reverse("assessment:run", args=[run.pk])
    top = rows[0]
    figures = [
        PanelFigure("assessment_scored", _("Scored") if whole else _("Scored in your scope"), str(total), run_url),
        PanelFigure(
            "assessment_first", _("First place") if whole else _("Best in your scope"), _points(top.total),
            _breakdown(top), note=f"{top.name} · {_('rank %(rank)s') % {'rank': _rank(top)}}",
        ),
    ]  # fmt: skip
    if whole and total > 1 and len(rows) < total:
        last = visible.order_by("-rank", "-total", "name", "-id").first()
    else:
        last = rows[-1] if len(rows) > 1 else None
    if last is not None and last.pk != top.pk:
        figures.append(
            PanelFigure(
                "assessment_last", _("Last place") if whole else _("Lowest in your scope"), _points(last.total),
                _breakdown(last), note=f"{last.name} · {_('rank %(rank)s') % {'rank': _rank(last)}}",
            )
        )  # fmt: skip
    title = f"{run.scheme.name} · {run.period_key}"
    head: list[str | Promise] = [_("Rank · %(run)s") % {"run": title}, _("Total score")]
    head += [pgettext("assessment", "Grade"), _("Bonus"), _("Deduction")]
    return Panel(
        key="assessment",
        title=gettext_lazy("Assessment standings"),
        figures=figures,
        head=head,
        rows=[_row(r) for r in rows],
        more_url=run_url,
        empty_text=gettext_lazy("No published results."),
        # the command centre's wall keeps its eight live panels (4 × 2, no scrolling)
        big_screen=False,
    )


def register() -> None:
    register_panel("assessment", 60, assessment_panel)
