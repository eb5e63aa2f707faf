"""Home-page section: unread notifications (reminders, warnings) to act on today."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.types import Actor
from luoshi.core.registry import HomeItem, HomeSection
from luoshi.notifications.selectors import notifications_for

SHOWN = 5


def unread_notifications(request: Any, user: Actor) -> HomeSection:
    unread = list(notifications_for(user, unread_only=True)[: SHOWN + 1])
    items = [
        HomeItem(
            title=note.title,
            url=reverse("notifications:open", args=[note.pk]),
            meta=localtime(note.created_at).strftime("%m-%d %H:%M"),
        )
        for note in unread[:SHOWN]
    ]
    return HomeSection(
        key="notifications",
        title=_("Unread notifications"),
        items=items,
        empty_text=_("No unread notifications."),
        more_url=reverse("notifications:list") + "?unread=1" if len(unread) > SHOWN else "",
        order=5,
    )
