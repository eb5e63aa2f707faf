from __future__ import annotations

import math
from typing import Any

import pytest

from luoshi.cases import standards
from luoshi.cases.tests.factories import World, world
from luoshi.core import workdays


@pytest.fixture
def w(db: Any) -> World:
    return world()


@pytest.fixture
def steady_caches(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-process caches of the working-day calendar and the category standards kept for the
    whole test, for tests that count queries: they expire after a minute, and one expiring between
    two measured requests (a slow run) adds a query to the second. Cleared first, then warmed."""
    monkeypatch.setattr(workdays, "CACHE_SECONDS", math.inf)
    monkeypatch.setattr(standards, "CACHE_SECONDS", math.inf)
    workdays.clear_cache()
    standards.clear_cache()
    workdays.calendar()
