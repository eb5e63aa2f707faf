"""Import grid boundaries from a GeoJSON file (thin: parse arguments, call the service)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.models import User
from luoshi.cases import services
from luoshi.core.errors import LuoshiError


class Command(BaseCommand):
    help = "Import grid boundaries from a GeoJSON FeatureCollection (properties.code = the grid's short code)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The administrator doing the import (for the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        try:
            actor = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {options['user']}") from None
        try:
            count = services.grid_boundaries_import(actor=actor, data=data)
        except LuoshiError as exc:
            lines = [str(exc.message)]
            if isinstance(exc.details, dict):
                lines += [f"  {key}: {'; '.join(map(str, value))}" for key, value in exc.details.items()]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"{count} grid boundaries imported.")
