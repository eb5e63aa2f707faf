"""``column IN (many keys)`` with the keys sent as one parameter on PostgreSQL.

The task scope filter carries a few hundred literal keys (see
docs/decisions/0102-task-scope-query.md). As ``IN (%s, %s, ...)`` every key is a
separate parameter that Django prepares and psycopg splices into the query text,
for every query of the page; that cost more CPU than the database spent on the
query. ``= ANY(%s::bigint[])`` is what PostgreSQL turns ``IN (...)`` into anyway,
so the plan is the same. SQLite binds parameters natively and keeps ``IN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Expression):
    """True when ``field`` equals one of ``keys`` (integers)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, keys: Sequence[int]) -> None:
        super().__init__()
        self.lhs: Any = F(field)
        self.keys = [int(k) for k in keys]

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.lhs,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        lhs, params = compiler.compile(self.lhs)
        if not self.keys:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.keys]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.keys))})", [*params, *self.keys]
