"""Database CHECK constraints for the bounds of docs/limits.md (luoshi.core.bounds), in one place.

Services, forms and API schemas refuse out-of-range numbers first, with a Chinese message; the
database constraint is the last line that keeps a row any other way in (a shell, a data
migration, a bug) from breaking every page that shows it.

    class Meta:
        constraints = [between("weight", 0, WEIGHT_MAX, "task_weight_range", null=True)]
"""

from __future__ import annotations

from typing import Any

from django.db.models import CheckConstraint, Q


def between(field: str, low: Any, high: Any, name: str, *, null: bool = False) -> CheckConstraint:
    """``low <= field <= high`` (or NULL when ``null``)."""
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if null:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(condition=condition, name=name)
