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
            register_home_counts,
            register_nav,
            register_periodic,
        )
        from luoshi.indicators import api, computed, demo, home, metrics, permissions, services
        from luoshi.org.permissions import only_views, oversees, works_the_grid

        permissions.register_rules()
        metrics.register()
        audit.register_verbs(dict(services.VERBS))
        register_router("/indicators", api.router, order=40)
        # Scorecards are of townships, communities and departments: a grid worker has none.
        register_nav(
            NavItem(
                "indicators", _("Scorecards"), "indicators:home", "chart", order=300, mobile=oversees, bar_order=40,
                visible=lambda user: not works_the_grid(user),
            )
        )  # fmt: skip
        register_nav(
            NavItem(
                "leaderboards", _("Leaderboards"), "indicators:leaderboard", "flag", order=310, mobile=only_views,
                bar_order=45, visible=lambda user: not works_the_grid(user),
            )
        )  # fmt: skip
        register_home(40, home.behind_time_progress)
        register_home_counts(50, home.oversight_counts)
        register_home(12, home.district_ranking)
        register_demo(40, "indicators", demo.load)
        # Computed values once more at the end, when the apps loaded after this one (征迁) have records.
        register_demo(900, "indicators_computed", demo.load_computed)
        register_periodic(PeriodicJob("indicators.computed_values", 3600, computed.refresh))

        # The cockpit: daily aggregates and panels (docs/cockpit.md).
        from luoshi.indicators import cockpit

        cockpit.register()
