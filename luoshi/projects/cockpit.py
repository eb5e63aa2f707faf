"""What the key-projects app shows on the cockpit: standings of the projects in the user's
scope (lights, behind schedule, this year's investment against plan, open problems),
registered with :mod:`luoshi.core.panels`; each figure links to the filtered project list."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.panels import Panel, PanelFigure, register_panel
from luoshi.projects import selectors
from luoshi.projects.models import Schedule


def _list(**params: str) -> str:
    return reverse("projects:list") + ("?" + urlencode(params) if params else "")


def projects_panel(user: Actor, today: dt.date) -> Panel | None:
    t = selectors.tally(selectors.filtered_projects(user))
    if not t.count:
        return None
    figures = [
        PanelFigure("projects_count", _("Key projects"), str(t.count), _list()),
        PanelFigure("projects_red", _("Red light"), str(t.red), _list(light="red"), light="red" if t.red else "green"),
        PanelFigure("projects_yellow", _("Yellow light"), str(t.yellow), _list(light="yellow"), light="yellow"),
        PanelFigure("projects_behind", _("Behind schedule"), str(t.behind), _list(schedule=Schedule.BEHIND),
                    light="red" if t.behind else "green"),
        PanelFigure("projects_year_share", _("Annual plan invested"), f"{t.year_share}%", _list(),
                    note=_("%(done)s of %(plan)s (10,000 yuan)")
                    % {"done": f"{t.completed_year:,.0f}", "plan": f"{t.annual_plan:,.0f}"}),
        PanelFigure("projects_problems", _("Open problems"), str(t.open_problems), _list(),
                    light="yellow" if t.open_problems else ""),
    ]  # fmt: skip
    return Panel(key="projects", title=gettext_lazy("Key projects"), figures=figures, more_url=_list())


def register() -> None:
    register_panel("projects", 50, projects_panel)
