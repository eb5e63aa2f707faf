from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "luoshi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from luoshi.cases import jobs, permissions

        permissions.register_rules()
        jobs.register()
