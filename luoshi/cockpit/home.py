"""A home-page link to the cockpit for those who may open it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.cockpit.permissions import may_open
from luoshi.core.registry import HomeItem, HomeSection


def cockpit_link(request: Any, user: Actor) -> HomeSection | None:
    if not may_open(user):
        return None
    return HomeSection(
        key="cockpit",
        title=gettext_lazy("Cockpit"),
        items=[
            HomeItem(_("Open the cockpit: every loop on one screen"), reverse("cockpit:index")),
            HomeItem(_("Big screen for the command centre"), reverse("cockpit:screen")),
        ],
        order=5,
    )
