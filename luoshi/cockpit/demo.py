"""Demo: the daily aggregates the cockpit and the case statistics read, built once every app's demo data
is in (the worker keeps them fresh afterwards), so a new user sees the trends right after ``luoshi demo``."""

from __future__ import annotations

from typing import Any

from luoshi.core import aggregates


def load(*, stdout: Any = None) -> dict[str, int]:
    """Refresh every aggregate family (the first time: the backfill of its last days); idempotent."""
    done = aggregates.refresh()
    return {"aggregate_days": sum(done.values())}
