"""Demo data that has a past: run the real services as if at an earlier moment.

A demo that must show last month's figures (a request filed in March and closed in April) cannot
file and close everything "now": the monthly figures would all fall into the current month. Inside
``running_at(moment)`` Django's ``timezone.now()`` answers ``moment``, so every service called there
(its checks, its timestamps, its deadlines on the working-day calendar, its history entries) acts as
it would have then. Only for loading demo data, from one thread (``luoshi demo``); never in a request.
Rows whose model default is ``timezone.now`` itself (bound when the model was defined, e.g. an audit
entry's or a notification's time) keep the real time: they record when the demo was loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def running_at(moment: dt.datetime) -> Iterator[None]:
    """``timezone.now()`` is ``moment`` (an aware datetime, not in the future) inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("running_at needs an aware datetime")
    real = timezone.now()
    if moment > real:
        raise ValueError("running_at cannot run services in the future")
    with mock.patch.object(timezone, "now", return_value=moment):
        yield
