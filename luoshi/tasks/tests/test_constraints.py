"""The database keeps the bounds of docs/limits.md even when the services are bypassed (issue 15, finding 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from luoshi.org.models import Unit
from luoshi.tasks.models import Task
from luoshi.tasks.tests.helpers import make_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [("weight", Decimal("-1")), ("progress", Decimal("100.01")), ("reported_progress", 101)],
)
def test_a_task_number_out_of_range_is_refused_by_the_database(s, field, value):
    task = make_task(s)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(**{field: value})


def test_sort_orders_beyond_a_million_are_refused_by_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree["a"].pk).update(sort_order=2_000_000)


def test_values_at_the_edges_are_kept(s):
    task = make_task(s)
    Task.objects.filter(pk=task.pk).update(weight=Decimal("9999.99"), progress=Decimal("100"), reported_progress=100)
    assert Task.objects.get(pk=task.pk).weight == Decimal("9999.99")
