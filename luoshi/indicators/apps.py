from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "luoshi.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

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
        from luoshi.indicators import api, computed, demo, home, metrics, permissions, services

        permissions.register_rules()
        metrics.register()
        audit.register_verbs(dict(services.VERBS))
        register_router("/indicators", api.router, order=40)
        register_nav(NavItem("indicators", _("Scorecards"), "indicators:home", "chart", order=300, mobile=True))
        register_nav(NavItem("leaderboards", _("Leaderboards"), "indicators:leaderboard", "flag", order=310))
        register_home(40, home.behind_time_progress)
        register_demo(40, "indicators", demo.load)
        # Computed values once more at the end, when the apps loaded after this one (征迁) have records.
        register_demo(900, "indicators_computed", demo.load_computed)
        register_periodic(PeriodicJob("indicators.computed_values", 3600, computed.refresh))
