"""``luoshi scorecard parse FILE [--json]``: indicator mentions in scorecard text."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from luoshi.indicators import selectors
from luoshi.indicators.parser import parse, parse_to_json


class Command(BaseCommand):
    help = "Scorecard text tools: `parse FILE --json` prints the indicator mentions found in a text file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
        parse_cmd = sub.add_parser("parse", help="Find indicator mentions in a text file ('-' reads stdin).")
        parse_cmd.add_argument("file", help="UTF-8 (or GB18030) text file, or - for standard input")
        parse_cmd.add_argument("--json", action="store_true", help="Print the JSON array (the default is a table)")
        parse_cmd.add_argument("--compact", action="store_true", help="JSON on one line")
        parse_cmd.add_argument(
            "--no-codes", action="store_true", help="Do not read the catalogue from the database (code stays null)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse":
            text = self._read(options["file"])
            catalogue = None if options["no_codes"] else self._catalogue()
            if options["json"]:
                self.stdout.write(parse_to_json(text, indent=None if options["compact"] else 2, catalogue=catalogue))
            else:
                self._table(text, catalogue)

    def _catalogue(self) -> dict[str, str] | None:
        """The catalogue's names for codes; without a usable database the figures are still read."""
        try:
            return selectors.catalogue_names()
        except DatabaseError as exc:
            self.stderr.write(f"no catalogue ({exc}); code stays null — run `luoshi migrate`, or pass --no-codes")
            return None

    def _read(self, name: str) -> str:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {name}")
            data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise CommandError(f"{name} is neither UTF-8 nor GB18030 text")

    def _table(self, text: str, catalogue: dict[str, str] | None) -> None:
        """Tab-separated: period, name, value, unit, yoy %, plan %, plan, change, rank, rank move, code."""

        def show(value: Any, unit: Any = "", sign: bool = False) -> str:
            if value is None:
                return ""
            number = f"{value:+g}" if sign else f"{value:g}" if isinstance(value, float) else str(value)
            return f"{number}{unit or ''}"

        rows = [m.as_dict() for m in parse(text, catalogue=catalogue)]
        for row in rows:
            rank = f"{row['rank_scope'] or ''}第{row['rank']}" if row["rank"] is not None else ""
            cells = [
                *(show(row[k]) for k in ("period", "name", "value", "unit", "yoy_pct", "plan_pct")),
                show(row["plan_value"], row["plan_unit"]),
                show(row["yoy_abs"], row["yoy_abs_unit"], sign=True),
                rank,
                show(row["rank_change"], sign=True),
                show(row["code"]),
            ]
            self.stdout.write("\t".join(cells))
        self.stdout.write(f"{len(rows)} mention(s)")
