"""Home-page sections contributed by the organisation app."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeItem, HomeSection
from luoshi.org.models import Role, Unit, UnitKind
from luoshi.org.permissions import is_org_admin
from luoshi.org.scope import scope_for
from luoshi.org.selectors import person_for_user, units_visible_to


def my_positions(request: Any, user: Actor) -> HomeSection:
    """Where this person works and which roles they hold."""
    person = person_for_user(user)
    items = []
    if person is not None:
        for pos in person.positions.all():
            items.append(
                HomeItem(
                    title=f"{pos.unit.name} · {pos.title}",
                    url=reverse("org:unit", args=[pos.unit_id]),
                    meta=_("Leader post") if pos.is_leader else "",
                )
            )
    scope = scope_for(user)
    grant_units = {u.pk: u for u in Unit.objects.filter(pk__in=scope.home_units())}
    for grant in scope.grants:
        unit = grant_units.get(grant.unit_id)
        if unit is None:
            continue
        items.append(
            HomeItem(
                title=_("%(role)s for %(unit)s and its sub-units")
                % {"role": Role(grant.role).label, "unit": unit.name},
                url=reverse("org:unit", args=[unit.pk]),
            )
        )
    return HomeSection(
        key="my_positions",
        title=gettext_lazy("My posts and roles"),
        items=items,
        empty_text=gettext_lazy(
            "You hold no post or role yet, so there is nothing for you to see. "
            "Ask an administrator to grant you a role."
        ),
        order=950,
    )


def org_data_quality(request: Any, user: Actor) -> HomeSection | None:
    """For administrators: gaps in the organisation data to fix today."""
    if not is_org_admin(user):
        return None
    units = units_visible_to(user).filter(is_active=True)
    stats = units.aggregate(
        places_without_code=Count(
            "pk",
            filter=Q(
                kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.COMMUNITY, UnitKind.VILLAGE],
                division_code="",
            ),
        ),
    )
    unstaffed = units.filter(
        kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.GRID, UnitKind.TASK_FORCE]
    ).exclude(positions__isnull=False)
    unstaffed_count = unstaffed.count()
    items = []
    if stats["places_without_code"]:
        items.append(
            HomeItem(
                title=_("%(n)d townships, communities or villages have no division code")
                % {"n": stats["places_without_code"]},
                url=reverse("org:units") + "?missing=division_code",
                light="yellow",
            )
        )
    if unstaffed_count:
        items.append(
            HomeItem(
                title=_("%(n)d units have nobody assigned") % {"n": unstaffed_count},
                url=reverse("org:units") + "?missing=people",
                light="yellow",
            )
        )
    return HomeSection(
        key="org_quality",
        title=gettext_lazy("Organisation data to complete"),
        items=items,
        empty_text=gettext_lazy("The organisation data is complete. Nothing to fix today."),
        order=900,
    )
