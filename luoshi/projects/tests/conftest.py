from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.core import workdays
from luoshi.projects.tests.factories import FIXED_TODAY, Scene, scene


@pytest.fixture
def s(tree: dict[str, Any]) -> Scene:
    workdays.clear_cache()
    return scene(tree)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin 'today' to Thursday 2026-04-16 for the projects app."""
    for module in ("luoshi.projects.services", "luoshi.projects.selectors", "luoshi.projects.views"):
        monkeypatch.setattr(
            f"{module}.local_today" if module != "luoshi.projects.views" else f"{module}.today", lambda: FIXED_TODAY
        )
    # A problem's task is dispatched by the tasks app, which refuses a deadline already past.
    monkeypatch.setattr("luoshi.tasks.services.local_today", lambda: FIXED_TODAY)
    return FIXED_TODAY
