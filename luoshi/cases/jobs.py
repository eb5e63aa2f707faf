"""Scheduled jobs, run by ``luoshi worker``: each calls a service and is idempotent."""

from __future__ import annotations

from typing import Any

from luoshi.core.registry import PeriodicJob, register_periodic


def sla_sweep() -> Any:
    from luoshi.cases.services import sla_sweep as sweep

    return sweep()


def register() -> None:
    register_periodic(PeriodicJob("cases.sla_sweep", 300, sla_sweep))
