"""The grid worker's home: today's patrols and visits (走访巡查), with the way to record one."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.cases import sla
from luoshi.cases.selectors import patrols as reads
from luoshi.core.registry import HomeItem, HomeSection
from luoshi.org.models import Role
from luoshi.org.scope import scope_for


def my_patrols(request: Any, user: Actor) -> HomeSection | None:
    """Grid workers: how many patrols and visits they recorded today, this week and this month."""
    scope = scope_for(user)
    if scope.is_all or Role.GRID_WORKER not in scope.roles:
        return None
    today = sla.local_date(timezone.now())
    counts = reads.my_counts(user, today)
    items = [
        HomeItem(
            title=_("Recorded today: %(n)d") % {"n": counts.today},
            url=reverse("cases:patrols"),
            meta=_("this week %(week)d, this month %(month)d") % {"week": counts.week, "month": counts.month},
            light="" if counts.today else "yellow",
        ),
        HomeItem(title=_("New record"), url=reverse("cases:patrol_new")),
    ]
    return HomeSection(
        key="patrols",
        title=gettext_lazy("Today's patrols and visits"),
        items=items,
        more_url=reverse("cases:patrols"),
        count=counts.today,
        order=32,
    )
