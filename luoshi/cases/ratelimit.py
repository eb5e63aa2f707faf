"""A small fixed-window rate limiter kept in the database (works across processes and servers)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from luoshi.cases.models import RateLimitBucket
from luoshi.core.clientip import client_ip as core_client_ip


def client_ip(request: Any) -> str:
    """The client's address through the trusted proxies (``LUOSHI_TRUSTED_PROXIES``, luoshi.core.clientip)."""
    return core_client_ip(request)


def hit(key: str, *, limit: int, window: int, now: float | None = None) -> bool:
    """Count one hit for ``key``; ``False`` when the window already had ``limit`` hits.

    A bucket is stored under the epoch second at which its window started.
    """
    current = now if now is not None else time.time()
    start = int(current // window) * window
    key = f"{key}:{window}"[:100]
    with transaction.atomic():
        updated = RateLimitBucket.objects.filter(key=key, window=start).update(hits=F("hits") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateLimitBucket.objects.create(key=key, window=start, hits=1)
            except IntegrityError:
                RateLimitBucket.objects.filter(key=key, window=start).update(hits=F("hits") + 1)
        hits = RateLimitBucket.objects.filter(key=key, window=start).values_list("hits", flat=True).first() or 0
    return hits <= limit


def used(key: str, *, window: int, now: float | None = None) -> int:
    """How many hits ``key`` has had in the current window (nothing is counted)."""
    current = now if now is not None else time.time()
    start = int(current // window) * window
    stored = f"{key}:{window}"[:100]
    return RateLimitBucket.objects.filter(key=stored, window=start).values_list("hits", flat=True).first() or 0


#: Attempts (valid or not) a connection may post per window, as a multiple of the accepted limit:
#: a resident correcting a form is never stopped, a script posting garbage is.
ATTEMPTS_PER_ACCEPTED = 6


def public_limit() -> tuple[int, int]:
    limit, window = getattr(settings, "LUOSHI_PUBLIC_RATE_LIMIT", (5, 600))
    return int(limit), int(window)


def purge(*, older_than: int = 86400, now: float | None = None) -> int:
    """Delete buckets that started more than ``older_than`` seconds ago (a scheduled job)."""
    current = now if now is not None else time.time()
    deleted, _ = RateLimitBucket.objects.filter(window__lt=int(current - older_than)).delete()
    return deleted
