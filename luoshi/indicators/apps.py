from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "luoshi.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.core import audit
        from luoshi.indicators import api, permissions, services

        permissions.register_rules()
        audit.register_verbs(dict(services.VERBS))
        register_router("/indicators", api.router, order=40)
