"""Concurrency of workflow steps in every app (issue 15): parallel steps read at one version.

Each app's steps lock the row and check the version through ``luoshi.core.versioning``: of
several callers pressing the same button on the same page at once, one moves the object and
the others get 409 ``stale`` (not a second step). Real threads against committed data, so
PostgreSQL only, as ``luoshi/cases/tests/test_concurrency.py`` (which has the same question
for edits, double submits and parallel intakes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from luoshi.cases.tests.test_concurrency import in_parallel, token_for
from luoshi.org.tests.factories import small_tree

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="writers race only on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _post_in_parallel(count: int, url: str, body: dict[str, Any], raw: str) -> Counter[int]:
    def post(_i: int) -> int:
        response = Client().post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        return response.status_code

    return Counter(in_parallel(count, post))


def test_parallel_task_steps_of_one_version_take_one_step():
    from luoshi.tasks.models import Task
    from luoshi.tasks.tests.factories import TaskFactory, scene

    s = scene(small_tree())
    task = TaskFactory(lead_unit=s.tree["dept"], status="in_progress", created_by=s.supervisor)
    body = {"action": "suspend", "comment": "等待上级批复", "version": task.version}
    statuses = _post_in_parallel(5, f"/api/v1/tasks/{task.pk}/transitions", body, token_for(s.supervisor))
    assert statuses == {200: 1, 409: 4}, statuses
    assert Task.objects.get(pk=task.pk).version == task.version + 1


def test_parallel_project_steps_of_one_version_move_one_stage():
    from luoshi.projects.models import Project
    from luoshi.projects.tests.factories import ProjectFactory, scene

    s = scene(small_tree())
    project = ProjectFactory(unit=s.tree["a"], stage="preparation")
    body = {"action": "advance", "version": project.version}
    statuses = _post_in_parallel(5, f"/api/v1/projects/{project.pk}/steps", body, token_for(s.leader))
    assert statuses == {200: 1, 409: 4}, statuses
    assert Project.objects.get(pk=project.pk).stage == "construction"  # one stage, not five


def test_parallel_campaign_steps_of_one_version_move_one_stage():
    from luoshi.relocation.models import Campaign
    from luoshi.relocation.tests.factories import make_campaign, make_household, scene

    s = scene(small_tree())
    campaign = make_campaign(s)
    make_household(campaign, "001")  # signing starts on a ledger with households
    campaign.refresh_from_db()
    body = {"action": "start_signing", "version": campaign.version}
    url = f"/api/v1/relocation/campaigns/{campaign.pk}/transitions"
    statuses = _post_in_parallel(5, url, body, token_for(s.leader))
    assert statuses == {200: 1, 409: 4}, statuses
    assert Campaign.objects.get(pk=campaign.pk).version == campaign.version + 1
