from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database, load the demo data and serve Luoshi on http://127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Prepare the demo but do not start the server.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("loaddemo", stdout=self.stdout)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
