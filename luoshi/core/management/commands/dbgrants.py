"""``luoshi dbgrants ROLE``: grant the application's PostgreSQL role what it needs, and no more."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from luoshi.core.dbguard import apply_grants


class Command(BaseCommand):
    help = "PostgreSQL: grant the application's role its rights (not UPDATE/DELETE on the activity log)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", default="", help="the role Luoshi serves as (LUOSHI_DB_APP_ROLE)")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"] or getattr(settings, "LUOSHI_DB_APP_ROLE", "")
        if connection.vendor != "postgresql":
            raise CommandError("dbgrants is for PostgreSQL; on SQLite the activity log is protected by triggers.")
        if not role:
            raise CommandError("Name the role: luoshi dbgrants ROLE (or set LUOSHI_DB_APP_ROLE).")
        for statement in apply_grants(role):
            self.stdout.write(statement)
        self.stdout.write(self.style.SUCCESS(f"{role} may now serve Luoshi but cannot change the activity log."))
