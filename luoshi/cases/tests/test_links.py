"""The cases app's side of core.links: closed cases linked to a subject, counted by unit for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.cases.links import CaseLinks
from luoshi.cases.models import Case
from luoshi.cases.tests.factories import to_state, world
from luoshi.core.metrics import Period

pytestmark = pytest.mark.django_db


def test_closed_cases_of_a_subject_kind_are_counted_by_unit_within_the_period(db: Any) -> None:
    w = world()
    closed = to_state(w, "closed", attributes={"enterprise": "91110000600037341L"})
    rated = to_state(w, "rated", attributes={"enterprise": "91110000600037341L"})
    to_state(w, "handled", attributes={"enterprise": "91110000600037341L"})  # not closed
    to_state(w, "closed")  # not linked to an enterprise
    march = Period.month(2026, 3)
    inside = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    Case.objects.filter(pk__in=[closed.pk, rated.pk]).update(closed_at=inside)
    links = CaseLinks()
    assert links.closed_by_unit("enterprise", march.start_at, march.end_at) == {w.grid_unit.path: 2}
    # The last instant of March in Shanghai is in, the first of April is not.
    Case.objects.filter(pk=rated.pk).update(closed_at=march.end_at)
    assert links.closed_by_unit("enterprise", march.start_at, march.end_at) == {w.grid_unit.path: 1}
    Case.objects.filter(pk=rated.pk).update(closed_at=march.end_at - dt.timedelta(seconds=1))
    assert links.closed_by_unit("enterprise", march.start_at, march.end_at) == {w.grid_unit.path: 2}
    assert links.closed_by_unit("other", march.start_at, march.end_at) == {}
    assert links.closed_by_unit("not a code", march.start_at, march.end_at) == {}
