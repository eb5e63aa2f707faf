"""``luoshi worker``: the scheduler loop, and the django-tasks queue when it is a database queue.

Every :class:`~luoshi.core.registry.PeriodicJob` runs on its interval; when it
last ran is kept in ``var/worker-state.json`` so a restart (or ``--once`` from
cron) does not run a job before it is due. When the default django-tasks
backend is the database backend (``django_tasks_db``), queued tasks (e.g.
webhook deliveries) are worked off between job runs.
"""

from __future__ import annotations

import json
import logging
import signal
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from luoshi.core.registry import PeriodicJob, periodic_jobs

logger = logging.getLogger("luoshi.worker")


def state_path() -> Path:
    return Path(settings.VAR_DIR) / "worker-state.json"


def load_state(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_state(path: Path, state: dict[str, float]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def due_jobs(jobs: list[PeriodicJob], state: dict[str, float], now: float) -> list[PeriodicJob]:
    return [job for job in jobs if now - state.get(job.name, 0.0) >= job.every_seconds]


def database_queue_enabled() -> bool:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    return "django_tasks_db" in str(backend)


class Command(BaseCommand):
    help = "Run the scheduled jobs (and queued background tasks) in a loop; --once runs what is due and exits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run each due job once, then exit (for cron).")
        parser.add_argument("--force", action="store_true", help="With --once: run every job, due or not.")
        parser.add_argument("--tick", type=float, default=10.0, help="Seconds between checks (default 10).")
        parser.add_argument("--job", action="append", default=[], help="Only this job (may be repeated).")
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Notifications written by jobs are stored text: write them in the site's language.
        translation.activate(settings.LANGUAGE_CODE)
        jobs = [j for j in periodic_jobs() if not options["job"] or j.name in options["job"]]
        if options["list"]:
            for job in periodic_jobs():
                self.stdout.write(f"{job.name:<32} every {job.every_seconds}s")
            return
        path = state_path()
        self._stop = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
            self.stdout.write(f"luoshi worker: {len(jobs)} jobs, checking every {options['tick']}s")
        while True:
            state = load_state(path)
            now = time.time()
            todo = jobs if options["once"] and options["force"] else due_jobs(jobs, state, now)
            for job in todo:
                self._run(job, state, path)
            if database_queue_enabled():
                call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
            if options["once"] or self._stop:
                return
            time.sleep(max(0.1, float(options["tick"])))
            if self._stop:
                return

    def _run(self, job: PeriodicJob, state: dict[str, float], path: Path) -> None:
        started = time.time()
        try:
            result = job.func()
        except Exception:
            logger.exception("job %s failed", job.name)
            self.stderr.write(f"{job.name}: failed (see the log)")
        else:
            self.stdout.write(f"{job.name}: {result} ({time.time() - started:.2f}s)")
        # A failed job is retried at its next interval, not in a tight loop.
        state[job.name] = started
        save_state(path, state)

    def _request_stop(self, signum: int, frame: Any) -> None:
        self._stop = True
