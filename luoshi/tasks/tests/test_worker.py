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


def test_stale_import_files_are_removed(settings, tmp_path):
    import os

    from luoshi.tasks.jobs import remove_stale_imports

    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    old, new = folder / "old.xlsx", folder / "new.xlsx"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    os.utime(old, (0, 0))
    assert remove_stale_imports() == 1
    assert new.exists() and not old.exists()
