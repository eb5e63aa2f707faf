from __future__ import annotations

from typing import Any

import pytest

from luoshi.relocation.tests.factories import Scene, scene


@pytest.fixture
def s(tree: dict[str, Any]) -> Scene:
    return scene(tree)
