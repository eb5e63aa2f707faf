"""Optimistic locking: re-read a row for update and refuse a stale ``version``.

Every editable object carries an integer ``version`` that each write bumps.
A client sends back the version it read; if someone else wrote in between,
the write is refused with :class:`~luoshi.core.errors.Conflict` (HTTP 409)
and the one error code :data:`STALE` (``"stale"``), on every app and on pages
and the API alike.

    task = lock(Task.objects.select_related("lead_unit"), task.pk)
    check_version(task, version)

or both at once with :func:`lock_checked`. ``version=None`` skips the check
(internal callers that hold no version, e.g. periodic jobs).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import Conflict, ErrorCode

M = TypeVar("M", bound=Model)

#: The one error code for "someone else changed this in the meantime".
STALE = ErrorCode.STALE

DEFAULT_MESSAGE = _("Someone else changed this in the meantime. Reload the page and try again.")


def lock(source: QuerySet[M] | type[M], pk: Any) -> M:
    """Re-read the row ``pk`` with ``SELECT … FOR UPDATE`` (only the row itself, not joined ones).

    ``source`` is a model or a queryset (to add ``select_related``). On SQLite,
    which serialises writers anyway, this is a plain read.
    """
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    of = ("self",) if connection.features.has_select_for_update_of else ()
    return queryset.select_for_update(of=of).get(pk=pk)


def check_version(obj: Any, version: int | None, *, message: str | Promise | None = None) -> None:
    """Raise ``Conflict(code="stale")`` when ``version`` is given and differs from ``obj.version``."""
    if version is None:
        return
    if int(version) != obj.version:
        raise Conflict(message or DEFAULT_MESSAGE, code=STALE)


def lock_checked(
    source: QuerySet[M] | type[M], pk: Any, version: int | None, *, message: str | Promise | None = None
) -> M:
    """:func:`lock` then :func:`check_version`: the usual first two lines of an edit."""
    obj = lock(source, pk)
    check_version(obj, version, message=message)
    return obj


#: The error code for an edit posted without the version it was read at.
MISSING = ErrorCode.VERSION_MISSING

MISSING_MESSAGE = _(
    "The form did not say which version of the record you edited, so it was not saved (it could overwrite "
    "someone else's changes). Reload the page and make your changes again."
)


def required(version: Any) -> int:
    """``version`` as sent by an edit form or API body; ValidationFailed (``version_missing``) when absent.

    Pages and the API edit only with the version they read: an edit without one is refused,
    never saved as "last write wins". Internal callers (jobs) call the services with
    ``version=None`` directly.
    """
    from luoshi.core.errors import ValidationFailed

    if version is None or version == "":
        raise ValidationFailed(MISSING_MESSAGE, code=MISSING)
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed(MISSING_MESSAGE, code=MISSING) from None
    if number < 0:
        raise ValidationFailed(MISSING_MESSAGE, code=MISSING)
    return number
