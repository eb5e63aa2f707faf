"""Sending and reading in-app notifications.

``notify`` writes rows in the caller's transaction (so a rolled-back action
sends nothing) and queues outbound delivery hooks to run after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from luoshi.notifications.models import Notification

#: Outbound delivery adapters (e.g. a WeCom/DingTalk webhook), called after commit
#: with the list of created notifications.
_deliverers: list[Callable[[list[Notification]], None]] = []


def register_deliverer(func: Callable[[list[Notification]], None]) -> None:
    if func not in _deliverers:
        _deliverers.append(func)


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
) -> list[Notification]:
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    if not users:
        return []
    content_type = ContentType.objects.get_for_model(type(obj)) if obj is not None else None
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:300],
            content_type=content_type,
            object_id=str(obj.pk) if obj is not None else "",
        )
        for pk in users
    ]
    created = Notification.objects.bulk_create(rows)
    if _deliverers:
        transaction.on_commit(lambda: [deliver(created) for deliver in list(_deliverers)])
    return created


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
