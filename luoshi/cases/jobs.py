"""Scheduled jobs, run by ``luoshi worker``: each calls a service and is idempotent."""

from __future__ import annotations

from typing import Any

from luoshi.core.registry import PeriodicJob, register_periodic


def sla_sweep() -> Any:
    from luoshi.cases import services

    return services.sla_sweep()


def daily_report_reminders() -> Any:
    from luoshi.cases import services

    return services.daily_report_reminders()


def purge_rate_limits() -> Any:
    from luoshi.cases import ratelimit

    return ratelimit.purge()


def register() -> None:
    register_periodic(PeriodicJob("cases.sla_sweep", 300, sla_sweep))
    register_periodic(PeriodicJob("cases.daily_report_reminders", 900, daily_report_reminders))
    register_periodic(PeriodicJob("cases.purge_rate_limits", 3600, purge_rate_limits))
