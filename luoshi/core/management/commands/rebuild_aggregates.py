"""``luoshi rebuild_aggregates``: rebuild the daily aggregates of a range of days (or refresh them)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import aggregates


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the daily aggregates of the days --from..--to (default: refresh what changed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=_date, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", type=_date, help="last day (default: today)")
        parser.add_argument("--family", action="append", help="only this family (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        known = [f.family for f in aggregates.aggregate_families()]
        names = options["family"] or known
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise CommandError(f"unknown aggregate families: {', '.join(unknown)} (known: {', '.join(known)})")
        t0 = time.perf_counter()
        if options["first"] is None:
            done = aggregates.refresh(families=names)
            for name, days in done.items():
                self.stdout.write(f"{name}: {days} days refreshed")
        else:
            last = options["last"] or aggregates.local_today()
            if last < options["first"] or (last - options["first"]).days > 3660:
                raise CommandError("--from must be on or before --to, at most ten years apart")
            for name in names:
                rows = aggregates.rebuild(name, options["first"], last)
                self.stdout.write(f"{name}: {rows} figures for {options['first']}..{last}")
        self.stdout.write(f"{time.perf_counter() - t0:.1f} s")
