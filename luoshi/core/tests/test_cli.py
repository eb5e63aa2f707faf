from __future__ import annotations

import subprocess
import sys


def test_luoshi_help_lists_the_project_commands():
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    for command in ("demo", "loaddemo", "serve", "createadmin"):
        assert f"  {command} " in result.stdout
    assert "luoshi migrate" in result.stdout


def test_serve_runs_gunicorn_with_the_given_workers_threads_and_connections(monkeypatch):
    from django.core.management import call_command

    from luoshi.core.management.commands import serve

    started: list[list[str]] = []
    monkeypatch.setattr(serve, "static_files_current", lambda: True)
    monkeypatch.setattr(serve.os, "execv", lambda _path, argv: started.append(argv))
    monkeypatch.setenv("LUOSHI_WORKER_CONNECTIONS", "")
    call_command("serve", "--port", "8123", "--workers", "3", "--threads", "2", "--worker-connections", "4")
    argv = started[-1]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert (argv[argv.index("--workers") + 1], argv[argv.index("--threads") + 1]) == ("3", "2")
    assert argv[argv.index("--worker-connections") + 1] == "4"
    call_command("serve")
    assert "--worker-connections" not in started[-1]  # gunicorn's own default unless asked
