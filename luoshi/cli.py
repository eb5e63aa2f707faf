"""The ``luoshi`` command: a friendlier ``manage.py``.

``luoshi --help`` lists the commands Luoshi adds; every Django command works
too (``luoshi migrate``, ``luoshi shell``, ``luoshi check --deploy``).
"""

from __future__ import annotations

import os
import sys


def _luoshi_commands() -> list[tuple[str, str]]:
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    rows = []
    for name, app in sorted(get_commands().items()):
        if not app.startswith("luoshi"):
            continue
        try:
            command = load_command_class(app, name)
        except Exception:  # noqa: BLE001,S112 - a broken command must not hide the others
            continue
        rows.append((name, (command.help or "").strip().splitlines()[0] if command.help else ""))
    return rows


def print_help() -> None:
    print("usage: luoshi <command> [options]\n")
    print("Luoshi (落实): closed-loop implementation for townships and subdistricts.\n")
    print("Luoshi commands:")
    for name, help_text in _luoshi_commands():
        print(f"  {name:<14} {help_text}")
    print("\nEvery Django management command works as well, e.g. `luoshi migrate`,")
    print("`luoshi check --deploy`, `luoshi shell`. `luoshi <command> --help` shows a command's options.")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
    if len(argv) < 2 or (argv[1] in {"-h", "--help", "help"} and len(argv) == 2):
        print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi", *argv[1:]])


if __name__ == "__main__":
    main()
