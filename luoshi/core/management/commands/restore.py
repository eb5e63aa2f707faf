"""``luoshi restore PATH --yes``: replace the whole database with a backup made by ``luoshi backup``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core.backup import restore
from luoshi.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Restore the database from a backup (replaces everything in it); see docs/operations.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a file written by `luoshi backup`")
        parser.add_argument("--yes", action="store_true", help="confirm: the database's current content is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces the whole database with the backup. Make a backup of the current state "
                "first (luoshi backup), then run again with --yes."
            )
        try:
            restore(path)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"pg_restore failed (exit {exc.returncode}); the database was left unchanged.") from exc
        self.stdout.write(f"database restored from {path}; run `luoshi migrate` if the backup is from an older version")
