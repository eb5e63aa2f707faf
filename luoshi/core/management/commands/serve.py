from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def static_files_current() -> bool:
    """True when the collected files are newer than every source static file."""
    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        collected = set(json.loads(manifest.read_text(encoding="utf-8"))["paths"])
    except (OSError, ValueError, KeyError):
        return False
    collected_at = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None)
            name = f"{prefix}/{path}" if prefix else path
            if name not in collected or Path(storage.path(path)).stat().st_mtime > collected_at:
                return False
    return True


def gunicorn_argv(*, host: str, port: str, workers: int, threads: int, worker_connections: int | None) -> list[str]:
    """The gunicorn command line ``serve`` runs (gthread workers when ``threads`` is above 1)."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "luoshi.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
    ]
    if worker_connections:
        argv += ["--worker-connections", str(worker_connections)]
    return argv


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


class Command(BaseCommand):
    help = "Serve Luoshi with gunicorn (static files by whitenoise) on http://127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LUOSHI_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LUOSHI_THREADS", "4")))
        parser.add_argument(
            "--worker-connections",
            type=int,
            default=_env_int("LUOSHI_WORKER_CONNECTIONS"),
            help="open connections one worker takes at most (gunicorn's default: 1000); see docs/deployment.md",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not static_files_current():
            self.stdout.write("collecting and compressing static files (the first time takes a little while)…")
            self.stdout.flush()
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Luoshi is serving on http://{bind}/ (Ctrl-C stops it)")
        self.stdout.flush()
        argv = gunicorn_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
            worker_connections=options["worker_connections"],
        )
        os.execv(sys.executable, argv)
