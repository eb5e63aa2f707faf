from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "luoshi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.cases import api, jobs, permissions

        permissions.register_rules()
        jobs.register()
        register_router("/cases", api.router, order=30)
