"""Home-page section for leaders linked to key projects (挂钩领导): what is late, what needs me."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeItem, HomeSection
from luoshi.projects import selectors
from luoshi.projects.permissions import person_of

HOME_LIMIT = 8


def linked_projects_section(request: Any, user: Actor) -> HomeSection | None:
    """Shown only to people linked to at least one project."""
    if person_of(user) is None:
        return None
    folio = selectors.portfolio(user)
    if not folio.projects:
        return None
    items = [
        HomeItem(
            title=p.name,
            url=reverse("projects:detail", args=[p.pk]),
            meta=_("%(stage)s · %(status)s · %(problems)d open problems")
            % {
                "stage": p.get_stage_display(),
                "status": p.get_schedule_display() if p.schedule else _("not measured"),
                "problems": p.open_problems,
            },
            light=p.light,
        )
        for p in folio.projects[:HOME_LIMIT]
    ]
    return HomeSection(
        key="linked_projects",
        title=gettext_lazy("My linked key projects"),
        items=items,
        empty_text=gettext_lazy("No project is linked to you."),
        more_url=reverse("projects:portfolio"),
        count=len(folio.projects),
        order=15,
    )
