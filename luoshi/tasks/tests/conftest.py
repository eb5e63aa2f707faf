from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.core import workdays
from luoshi.tasks.tests.factories import Scene, scene


@pytest.fixture
def s(tree: dict[str, Any]) -> Scene:
    workdays.clear_cache()
    return scene(tree)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin 'today' to Thursday 2026-04-16 for the services and selectors."""
    day = dt.date(2026, 4, 16)
    for module in ("luoshi.tasks.services", "luoshi.tasks.selectors", "luoshi.tasks.excel"):
        monkeypatch.setattr(f"{module}.local_today", lambda: day)
    return day
