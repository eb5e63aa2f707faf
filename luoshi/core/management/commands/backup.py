"""``luoshi backup [PATH]``: a consistent copy of the database, while Luoshi keeps serving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core.backup import backup
from luoshi.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup, or pg_dump -Fc on PostgreSQL); see docs/operations.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="", help="file to write (default: var/backups/luoshi-<time>.*)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(Path(options["path"]) if options["path"] else None)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {path} ({path.stat().st_size:,} bytes)")
        self.stdout.write("uploaded files are not in it: copy var/media/ as well (docs/operations.md)")
