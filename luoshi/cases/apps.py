from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "luoshi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.cases import api, checks, demo, home, jobs, metrics, permissions  # noqa: F401  (checks registers)
        from luoshi.cases.links import CaseLinks
        from luoshi.core import links
        from luoshi.core.registry import NavItem, register_demo, register_home, register_nav

        permissions.register_rules()
        jobs.register()
        metrics.register()
        links.register_case_directory(CaseLinks())
        register_router("/cases", api.router, order=30)
        register_nav(NavItem("cases", _("Cases"), "cases:inbox", "inbox", order=200, mobile=True))
        register_nav(NavItem("case_map", _("Case map"), "cases:map", "map", order=210))
        register_nav(NavItem("case_daily", _("Daily reports"), "cases:daily", "bell", order=220))
        register_nav(
            NavItem("keypersons", _("Key persons"), "cases:keypersons", "people", order=230, visible=_registry)
        )
        register_nav(NavItem("case_stats", _("Case statistics"), "cases:stats", "chart", order=240, visible=_stats))
        register_home(30, home.my_cases)
        register_home(31, home.my_daily_report)
        register_demo(30, "cases", demo.load)
        # After the projects demo (35) has filed the 小微管家 requests, before the computed indicators (900).
        register_demo(36, "cases_enterprise", demo.load_enterprise_followup)

        # The cockpit: daily aggregates and panels (docs/cockpit.md).
        from luoshi.cases import aggregates, cockpit

        aggregates.register()
        cockpit.register()


def _registry(user: object) -> bool:
    from luoshi.cases.permissions import KEYPERSON_ROLES
    from luoshi.org.scope import scope_for

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & KEYPERSON_ROLES)


def _stats(user: object) -> bool:
    from luoshi.cases.permissions import STATS_ROLES
    from luoshi.org.scope import scope_for

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & STATS_ROLES)
