"""The rows the migrations made, put back after a test empties the database.

Data migrations seed the holiday calendar, the case categories, the indicator catalogue and the
default awards. A test that commits (the browser tests' live server, the concurrency tests) is
followed by a flush that empties every table, and every later test in that process used to run
without them: tests passed or failed by where the scheduler put them. ``remember`` reads those
rows once, right after the test database is migrated; ``restore`` writes them back after each
flush (Django sends ``post_migrate`` at its end, as it does to make the content types and
permissions again), with the same keys, so the database is as migrated again.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Model

#: Made again by Django itself after a flush (post_migrate), with keys of their own.
REMADE_BY_DJANGO = frozenset({"contenttypes.ContentType", "auth.Permission"})

_seeded: list[tuple[type[Model], list[dict[str, Any]]]] = []


def seeded() -> dict[str, int]:
    """How many rows of each table were remembered (for the tests of this module)."""
    return {model._meta.db_table: len(rows) for model, rows in _seeded}


def remember() -> int:
    """Keep every row the migrations left in the test database; returns how many."""
    _seeded.clear()
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label in REMADE_BY_DJANGO or not meta.managed or meta.proxy or meta.db_table not in tables:
            continue
        rows = list(model._base_manager.values(*(f.attname for f in meta.concrete_fields)))
        if rows:
            _seeded.append((model, rows))
    return sum(len(rows) for _, rows in _seeded)


def restore(**kwargs: Any) -> None:
    """``post_migrate`` receiver: write the remembered rows back into tables a flush emptied."""
    if kwargs.get("app_config") is not _last_app():
        return  # sent once per app; the rows go back once, at the last
    using = kwargs.get("using", "default")
    restored: list[type[Model]] = []
    with transaction.atomic(using=using):  # foreign keys are checked at commit, when every row is back
        for model, rows in _seeded:
            manager = model._base_manager.db_manager(using)
            if not manager.exists():
                manager.bulk_create([model(**row) for row in rows])
                restored.append(model)
        # The rows keep their keys; PostgreSQL's sequences do not move for keys given, and one may have
        # been set back meanwhile (a restored backup): each is set past the highest key, as loaddata does.
        statements = connections[using].ops.sequence_reset_sql(no_style(), restored)
        if statements:
            with connections[using].cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def _last_app() -> Any:
    # Django sends post_migrate only for apps with a models module.
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]
