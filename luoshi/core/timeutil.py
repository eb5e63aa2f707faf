"""Time helpers: store UTC, show Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Today's date in the configured local time zone (Asia/Shanghai)."""
    return timezone.localdate()
