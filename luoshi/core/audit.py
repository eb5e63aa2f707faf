"""Writing and reading the activity log.

Services call :func:`record` inside their transaction, after the change::

    before = audit.snapshot(unit, FIELDS)
    ...change and save...
    audit.record(actor=user, obj=unit, verb="update", changes=audit.diff(before, audit.snapshot(unit, FIELDS)))
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core.models import ActivityLog

_VERB_LABELS: dict[str, str | Promise] = {
    "create": pgettext_lazy("audit verb", "created"),
    "update": pgettext_lazy("audit verb", "changed"),
    "delete": pgettext_lazy("audit verb", "deleted"),
    "move": pgettext_lazy("audit verb", "moved"),
    "grant": pgettext_lazy("audit verb", "granted a role"),
    "revoke": pgettext_lazy("audit verb", "revoked a role"),
    "login": pgettext_lazy("audit verb", "logged in"),
    "view": pgettext_lazy("audit verb", "viewed"),
}


def register_verbs(labels: dict[str, str | Promise]) -> None:
    """Let an app name its own verbs (e.g. workflow actions) for display."""
    _VERB_LABELS.update(labels)


def verb_label(verb: str) -> str:
    return str(_VERB_LABELS.get(verb, verb))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _plain_changes(changes: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """``changes`` as JSON can store them: a lazy label (``RiskLevel(x).label``) or a date
    handed in by a caller becomes text here instead of failing the whole write."""
    return {str(name): _plain(change) for name, change in (changes or {}).items()}


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Readable values of ``fields``: labels for choices and related objects."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if getattr(field, "choices", None):
            value: Any = getattr(obj, f"get_{name}_display")()
        elif field.is_relation and field.many_to_one:
            value = getattr(obj, name)
        else:
            value = getattr(obj, name)
        values[name] = _plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"before": old, "after": new}}`` for the fields that changed."""
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def record(
    *,
    actor: Actor | None,
    obj: models.Model,
    verb: str,
    changes: dict[str, dict[str, Any]] | None = None,
    comment: str = "",
) -> ActivityLog:
    """Append one row to the activity log (``actor`` None or anonymous: by the system)."""
    user = actor if isinstance(actor, User) else None
    name = (user.get_full_name() or user.get_username()) if user else ""
    entry = ActivityLog(
        actor=user,
        actor_name=name,
        verb=verb,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=_plain_changes(changes),
        comment=comment,
    )
    entry.save()
    return entry


@dataclass(frozen=True)
class Entry:
    """One row for :func:`record_many`."""

    obj: models.Model
    verb: str
    changes: dict[str, dict[str, Any]] | None = None
    comment: str = ""


def record_many(*, actor: Actor | None, entries: Iterable[Entry]) -> list[ActivityLog]:
    """Append many rows to the activity log by one actor: one multi-row INSERT per 500 rows.

    The rows are the same as :func:`record` would write one by one (same time for all),
    and like it this only ever inserts. A big import writes one entry per unit it
    touched without a round trip each. (A plain ``VALUES`` list: ``bulk_create`` on
    PostgreSQL sends the columns as arrays, and quoting arrays of JSON text on the
    client takes seconds for a thousand entries with their details.)
    """
    user = actor if isinstance(actor, User) else None
    name = (user.get_full_name() or user.get_username()) if user else ""
    now = timezone.now()
    types: dict[type[models.Model], ContentType] = {}
    rows: list[ActivityLog] = []
    for entry in entries:
        model = type(entry.obj)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            ActivityLog(
                created_at=now,
                actor=user,
                actor_name=name,
                verb=entry.verb,
                content_type=types[model],
                object_id=str(entry.obj.pk),
                object_repr=str(entry.obj)[:200],
                changes=_plain_changes(entry.changes),
                comment=entry.comment,
            )
        )
    if not rows:
        return []
    fields = [f for f in ActivityLog._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table = qn(ActivityLog._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            params = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for row in chunk for f in fields]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING {qn('id')}"  # noqa: S608
            cursor.execute(sql, params)
            for row, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                row.pk = pk
                row._state.adding = False
                row._state.db = connection.alias
    return rows


_ROWS_PER_INSERT = 500


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a name that is not a field (e.g. "positions")
        return str(_FIELD_LABELS.get(name, name))


_FIELD_LABELS: dict[str, str | Promise] = {"positions": _("positions"), "role": _("role")}


def entries_for(obj: models.Model, limit: int = 200) -> list[ActivityLog]:
    """The newest entries about ``obj``, each with ``change_rows`` of (label, before, after).

    Callers check that the user may see ``obj`` before showing these.
    """
    entries = list(ActivityLog.objects.for_object(obj).order_by("-created_at", "-id")[:limit])
    for entry in entries:
        entry.change_rows = [  # type: ignore[attr-defined]
            (field_label(type(obj), name), change.get("before"), change.get("after"))
            for name, change in entry.changes.items()
        ]
    return entries
