"""Django's ``flush`` (empty every table), which is the one thing allowed to empty the activity log.

On SQLite the log's DELETE trigger is lifted for this command only (luoshi.core.dbguard); on
PostgreSQL flush truncates, which the application's role may not do to the log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from luoshi.core.dbguard import purge_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with purge_allowed():
            super().handle(**options)
