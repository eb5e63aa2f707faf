from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "luoshi.cockpit"
    label = "cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.cockpit import api, demo, home, permissions
        from luoshi.core.registry import NavItem, register_demo, register_home, register_nav

        register_router("/cockpit", api.router, order=90)
        register_nav(
            NavItem(
                "cockpit", _("Cockpit"), "cockpit:index", "chart", order=50, mobile=False, visible=permissions.may_open
            )
        )
        register_home(5, home.cockpit_link)
        # last: the aggregates over every app's demo data (the cockpit's trends right after `luoshi demo`)
        register_demo(990, "aggregates", demo.load)
