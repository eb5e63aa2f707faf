"""Concurrency (issue 15): parallel writes of one version, double submits of one key, many intakes at once.

Real threads, each with its own database connection, against committed data. PostgreSQL only:
SQLite runs one writer at a time (Luoshi opens its transactions IMMEDIATE), so these races
cannot happen there, and the test database's shared in-memory cache does not wait for locks.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from luoshi.accounts.services import api_token_create
from luoshi.cases.models import Case
from luoshi.cases.tests.factories import world
from luoshi.org.models import Role, Unit
from luoshi.org.tests.factories import user_with_role

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="writers race only on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def in_parallel(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run ``call(i)`` for i in range(count) on ``count`` threads released at the same moment."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = call(i)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def token_for(user) -> str:
    return api_token_create(user=user, name="并发测试")[1]


def test_parallel_writes_of_the_same_version_one_wins_the_others_get_409():
    w = world()
    raw = token_for(user_with_role(Role.ADMIN, w.units["district"]))
    unit = w.community_unit
    version = unit.version

    def rename(i: int) -> int:
        response = Client().patch(
            f"/api/v1/units/{unit.pk}",
            {"name": f"并发改名{i}", "version": version},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        return response.status_code

    statuses = in_parallel(6, rename)
    assert Counter(statuses) == {200: 1, 409: 5}, statuses
    unit = Unit.objects.get(pk=unit.pk)
    assert unit.version == version + 1
    assert re.fullmatch(r"并发改名[0-5]", unit.name)


def test_double_submits_with_the_same_idempotency_key_file_one_case():
    w = world()
    raw = token_for(w.supervisor)
    body = {"category": "01001", "unit_id": w.grid_unit.pk, "description": "重复提交测试"}

    def submit(_i: int) -> tuple[int, str]:
        response = Client().post(
            "/api/v1/cases",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_IDEMPOTENCY_KEY="double-submit-1",
        )
        return response.status_code, response.json().get("tracking_no", response.json().get("code", ""))

    results = in_parallel(5, submit)
    assert Case.objects.filter(description="重复提交测试").count() == 1
    number = Case.objects.get(description="重复提交测试").tracking_no
    # Each caller got either the case (first answer or its replay) or "still in progress".
    for status, value in results:
        assert (status, value) in {(201, number), (409, "idempotency_in_progress")}, results
    assert (201, number) in results


def test_fifty_parallel_intakes_get_fifty_numbers_without_a_gap_or_a_duplicate():
    w = world()
    raw = token_for(w.supervisor)

    def submit(i: int) -> int:
        response = Client().post(
            "/api/v1/cases",
            {"category": "01001", "unit_id": w.grid_unit.pk, "description": f"并发受理{i:02d}"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        return response.status_code

    statuses = in_parallel(50, submit)
    assert statuses == [201] * 50
    numbers = sorted(Case.objects.filter(description__startswith="并发受理").values_list("tracking_no", flat=True))
    assert len(numbers) == len(set(numbers)) == 50
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + 50))
    assert sorted(Case.objects.filter(description__startswith="并发受理").values_list("description", flat=True)) == [
        f"并发受理{i:02d}" for i in range(50)
    ]
