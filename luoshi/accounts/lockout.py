"""Login lockout: per user name, plus a separate, higher limit per client address.

django-axes counts failed logins in ``AccessAttempt`` rows keyed by user name, address and
browser. Luoshi asks it for two counts (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``):

- a user name is locked after ``AXES_FAILURE_LIMIT`` failures (5 by default) from anywhere, so
  guessing one person's password from many addresses does not help;
- an address is locked after ``LUOSHI_LOGIN_ADDRESS_LIMIT`` failures (50 by default) over all user
  names, so one machine cannot try a password against every account — high enough that an office
  behind one NAT address is not locked by a few people mistyping.

Axes compares a single number against a single limit, so :meth:`get_failures` scales the
address's count onto the user-name scale: ``floor(by_address × user_limit / address_limit)``
reaches ``user_limit`` exactly when ``by_address`` reaches ``address_limit``.

A successful login clears that user name's failures only: logging in to one's own account must
not clear the failures one's address made against other accounts.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_limit() -> int:
    return max(1, int(getattr(settings, "LUOSHI_LOGIN_ADDRESS_LIMIT", 50)))


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        user_limit = int(settings.AXES_FAILURE_LIMIT)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        by_user, by_address = [*counts, 0, 0][:2]
        return max(by_user, by_address * user_limit // address_limit())

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(deleted)
