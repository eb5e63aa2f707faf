from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from luoshi.core import checks  # noqa: F401  (registers system checks)
        from luoshi.core.dbguard import register_functions

        connection_created.connect(register_functions, dispatch_uid="luoshi.core.dbguard")

        from luoshi.core import idempotency
        from luoshi.core.registry import PeriodicJob, register_periodic

        register_periodic(PeriodicJob("core.purge_idempotency", 3600, idempotency.purge))

        from luoshi.core import aggregates

        register_periodic(PeriodicJob("core.refresh_aggregates", 300, aggregates.refresh_job))
