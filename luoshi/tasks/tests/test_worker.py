"""``luoshi worker --once`` runs the due jobs (here: the task checks) and remembers when."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from luoshi.core.management.commands import worker
from luoshi.core.registry import PeriodicJob

pytestmark = pytest.mark.django_db


def test_worker_once_runs_due_jobs_and_then_waits_for_the_interval(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("worker", "--once", "--job", "tasks.daily_checks", stdout=out)
    assert "tasks.daily_checks" in out.getvalue()
    assert "tasks.daily_checks" in worker.load_state(worker.state_path())
    again = io.StringIO()
    call_command("worker", "--once", "--job", "tasks.daily_checks", stdout=again)
    assert "tasks.daily_checks" not in again.getvalue()
    forced = io.StringIO()
    call_command("worker", "--once", "--force", "--job", "tasks.daily_checks", stdout=forced)
    assert "tasks.daily_checks" in forced.getvalue()


def test_due_jobs():
    job = PeriodicJob("x", 60, lambda: None)
    assert worker.due_jobs([job], {}, 1000.0) == [job]
    assert worker.due_jobs([job], {"x": 990.0}, 1000.0) == []
    assert worker.due_jobs([job], {"x": 900.0}, 1000.0) == [job]


def test_list(capsys):
    out = io.StringIO()
    call_command("worker", "--list", stdout=out)
    assert "tasks.daily_checks" in out.getvalue()
