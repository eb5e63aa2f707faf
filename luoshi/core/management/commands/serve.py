from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
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


#: A Unix socket's path may not be longer than this (108 bytes on Linux, with the terminating NUL).
SOCKET_PATH_MAX = 100


def control_socket_path(host: str, port: str) -> Path:
    """gunicorn's control socket for this server: one per data directory, address and port.

    gunicorn's default is one path per machine user (~/.gunicorn/gunicorn.ctl), so a second
    ``luoshi serve`` — another checkout, another port — took over the first one's socket, and
    ``gunicornc`` reloaded or stopped the wrong server. The socket lives in ``var/run/``; when that
    path is too long for a Unix socket, in the temporary directory under a name derived from it.
    """
    name = f"gunicorn-{host.strip('[]').replace(':', '_')}-{port}.ctl"
    path = Path(settings.VAR_DIR) / "run" / name
    if len(os.fsencode(str(path))) > SOCKET_PATH_MAX:
        digest = hashlib.sha256(os.fsencode(str(Path(settings.VAR_DIR).resolve()))).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"luoshi-{digest}" / name
    return path


def gunicorn_argv(
    *, host: str, port: str, workers: int, threads: int, worker_connections: int | None, control_socket: Path
) -> list[str]:
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
        "--control-socket",
        str(control_socket),
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
        control_socket = control_socket_path(options["host"], options["port"])
        control_socket.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.stdout.write(f"control socket: {control_socket} (gunicornc -s {control_socket})")
        self.stdout.flush()
        argv = gunicorn_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
            worker_connections=options["worker_connections"],
            control_socket=control_socket,
        )
        os.execv(sys.executable, argv)
