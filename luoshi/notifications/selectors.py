from __future__ import annotations

from django.db.models import QuerySet

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.notifications.models import Notification


def notifications_for(user: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not isinstance(user, User):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Actor) -> int:
    if not isinstance(user, User):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
