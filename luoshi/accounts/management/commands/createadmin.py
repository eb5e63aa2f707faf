from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.services import user_create_admin
from luoshi.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create a system administrator (a superuser who sees every unit)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(f"environment variable {options['password_env']} is empty")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords do not match")
        try:
            user = user_create_admin(
                username=options["username"], password=password, full_name=options["full_name"], email=options["email"]
            )
        except ValidationFailed as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"administrator {user.username} created"))
