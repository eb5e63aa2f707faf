"""The type of the acting user in services, selectors and permissions (instead of ``Any``).

``request.user`` is a :class:`~luoshi.accounts.models.User` or Django's ``AnonymousUser``; services
and selectors take either and refuse or answer nothing for the anonymous one (``org.permissions``
checks ``is_authenticated`` first), so views pass ``request.user`` as it is.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from luoshi.accounts.models import User

#: Whoever acts or reads: a login, or an anonymous caller (who may do and see nothing).
Actor: TypeAlias = User | AnonymousUser


def signed_in(actor: Actor) -> User:
    """``actor`` as the login it is. Services call it where they store who acted, after their
    permission check has refused anonymous callers (so this only narrows the type)."""
    if not isinstance(actor, User):
        from luoshi.core.errors import NotAuthenticated

        raise NotAuthenticated()
    return actor
