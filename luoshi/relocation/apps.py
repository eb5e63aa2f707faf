from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelocationConfig(AppConfig):
    name = "luoshi.relocation"
    label = "relocation"
    verbose_name = _("Land acquisition")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.core import audit
        from luoshi.core.registry import (
            NavItem,
            PeriodicJob,
            register_demo,
            register_home,
            register_nav,
            register_periodic,
        )
        from luoshi.relocation import api, demo, home, jobs, metrics, permissions, workflow

        permissions.register_rules()
        metrics.register()
        audit.register_verbs({f"relocation.{a}": label for a, label in workflow.ACTION_VERBS.items()})
        register_nav(
            NavItem(
                "relocation", _("Land acquisition"), "relocation:list", "map", order=140, mobile=False,
                visible=permissions.may_open_campaigns,
            )
        )  # fmt: skip
        register_home(40, home.campaigns_section)
        register_demo(60, "relocation", demo.load)
        register_router("/relocation", api.router, order=60)
        register_periodic(PeriodicJob("relocation.daily_watch", 3600, jobs.daily_watch))
