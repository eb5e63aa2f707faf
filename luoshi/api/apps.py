from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "luoshi.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.api.routers import me_router
        from luoshi.org.api import router as org_router

        register_router("", me_router, order=0)
        register_router("/units", org_router, order=10)
