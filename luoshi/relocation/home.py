"""Home-page section: the campaigns this person follows, with days left and lagging signing first."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeItem, HomeSection
from luoshi.relocation import selectors
from luoshi.relocation.permissions import may_open_campaigns

HOME_LIMIT = 6
#: Campaigns looked at for the section (the most recently launched active ones).
SCAN_LIMIT = 30


def _meta(campaign: Any) -> str:
    f, s = campaign.figures, campaign.schedule
    rate = f"{f.signing_rate}%" if f.signing_rate is not None else "—"
    parts = [
        str(campaign.get_stage_display()),
        _("signed %(signed)d/%(total)d (%(rate)s)") % {"signed": f.signed, "total": f.households, "rate": rate},
    ]
    if not f.all_signed:
        days = s.signing_days_left
        parts.append(
            _("signing %(n)d days overdue") % {"n": -days} if days < 0 else _("%(n)d days left to sign") % {"n": days}
        )
    elif not f.cleared:
        days = s.clearance_days_left
        parts.append(
            _("cleared land %(n)d days overdue") % {"n": -days}
            if days < 0
            else _("%(n)d days left to clear the land") % {"n": days}
        )
    if s.lagging:
        parts.append(_("signing lags"))
    return " · ".join(parts)


def campaigns_section(request: Any, user: Actor) -> HomeSection | None:
    if not may_open_campaigns(user):
        return None
    active = list(selectors.campaign_list(user, selectors.CampaignFilters(active=True))[:SCAN_LIMIT])
    if not active:
        return None
    selectors.with_figures(active, brief=True)
    ordered = sorted(
        active,
        key=lambda c: (not c.schedule.lagging, c.figures.all_signed, c.schedule.signing_days_left),  # type: ignore[attr-defined]
    )
    lagging = len([c for c in active if c.schedule.lagging])  # type: ignore[attr-defined]
    items = [
        HomeItem(
            title=c.name,
            url=reverse("relocation:detail", args=[c.pk]),
            meta=_meta(c),
            light="red" if c.schedule.lagging else ("green" if c.figures.all_signed else ""),  # type: ignore[attr-defined]
        )
        for c in ordered[:HOME_LIMIT]
    ]
    return HomeSection(
        key="relocation",
        title=gettext_lazy("Land acquisition campaigns"),
        items=items,
        empty_text=gettext_lazy("No campaign is under way."),
        more_url=reverse("relocation:list") + "?active=1",
        count=lagging or None,
        order=40,
    )
