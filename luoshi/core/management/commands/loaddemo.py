from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from luoshi.core.registry import demo_loaders


def print_logins(command: BaseCommand) -> None:
    from luoshi.org.demo import DEMO_LOGINS

    password = settings.LUOSHI_DEMO_PASSWORD
    command.stdout.write("")
    command.stdout.write(f"Demo logins (password for all: {password}; set LUOSHI_DEMO_PASSWORD to change it):")
    for login in DEMO_LOGINS:
        command.stdout.write(f"  {login.username:<12} {login.role:<20} {login.description}")
    command.stdout.write("")


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice changes nothing) and reset the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        for name, loader in demo_loaders():
            result = loader()
            self.stdout.write(f"demo data [{name}]: {result}")
        if not options["quiet_logins"]:
            print_logins(self)
