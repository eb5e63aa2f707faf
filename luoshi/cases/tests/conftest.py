from __future__ import annotations

from typing import Any

import pytest

from luoshi.cases.tests.factories import World, world


@pytest.fixture
def w(db: Any) -> World:
    return world()
