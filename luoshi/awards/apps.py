from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "luoshi.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.awards import api, demo, workflow
        from luoshi.core import audit
        from luoshi.core.registry import NavItem, register_demo, register_nav

        audit.register_verbs(dict(workflow.ACTION_VERBS))
        register_nav(NavItem("awards", _("Awards and lists"), "awards:board", "flag", order=680, mobile=False))
        register_router("/awards", api.router, order=90)
        # After every app whose records the metrics read (the computed indicators load at 900).
        register_demo(950, "awards", demo.load)
