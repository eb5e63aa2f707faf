"""Sending and reading in-app notifications.

``notify`` writes rows in the caller's transaction (so a rolled-back action
sends nothing) and queues outbound delivery hooks to run after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from luoshi.accounts.types import Actor, signed_in
from luoshi.notifications import rules
from luoshi.notifications.models import Notification
from luoshi.org.models import RoleGrant

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
    """Tell ``recipients`` of an event of ``kind``, as the rule table says (:mod:`.rules`): people
    whose roles are all quiet for it are left out; a grouped kind adds to today's unread notice of
    that kind instead of making another. Returns the notices created (grouped ones not included)."""
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    if not users:
        return []
    rule = rules.rule_for(kind)
    if rule.quiet:
        users = _without_quiet(users, rule)
    content_type = ContentType.objects.get_for_model(type(obj)) if obj is not None else None
    if rule.group is not None and users:
        users = _add_to_groups(users, rule, kind, title, url, content_type, obj)
    if not users:
        return []
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


def _without_quiet(users: dict[int, Any], rule: rules.NoticeRule) -> dict[int, Any]:
    """``users`` less those whose every role is quiet for ``rule`` (one query)."""
    held: dict[int, set[str]] = {}
    for user_id, role in RoleGrant.objects.filter(user_id__in=list(users)).values_list("user_id", "role"):
        held.setdefault(user_id, set()).add(role)
    return {
        pk: u
        for pk, u in users.items()
        if not rules.is_quiet(rule, frozenset(held.get(pk, ())), is_all=bool(getattr(u, "is_superuser", False)))
    }


def _add_to_groups(
    users: dict[int, Any],
    rule: rules.NoticeRule,
    kind: str,
    title: str,
    url: str,
    content_type: ContentType | None,
    obj: models.Model | None,
) -> dict[int, Any]:
    """Add the event to each user's unread notice of ``kind`` from today; answer the users who
    have none (they get a notice of their own)."""
    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    groups = {
        n.recipient_id: n
        for n in Notification.objects.select_for_update()
        .filter(recipient_id__in=list(users), kind=kind, read_at__isnull=True, created_at__gte=start)
        .order_by("created_at", "id")
    }
    for note in groups.values():
        lines = [title] + (note.body.splitlines() if note.count > 1 else [note.title])
        note.count += 1
        note.title = rules.group_title(rule, note.count)[:200]
        note.body = "\n".join(lines[: rules.GROUP_LINES])
        note.url = url[:300]
        note.content_type = content_type
        note.object_id = str(obj.pk) if obj is not None else ""
        note.created_at = now
        note.save(update_fields=["count", "title", "body", "url", "content_type", "object_id", "created_at"])
    return {pk: u for pk, u in users.items() if pk not in groups}


def mark_read(*, user: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them."""
    qs = Notification.objects.filter(recipient=signed_in(user), read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
