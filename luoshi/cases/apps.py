from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from luoshi.accounts.models import User


class CasesConfig(AppConfig):
    name = "luoshi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.cases import (  # noqa: F401  (checks registers)
            api,
            checks,
            demo,
            home,
            jobs,
            metrics,
            patrol_api,
            patrol_demo,
            patrol_home,
            permissions,
        )
        from luoshi.cases.links import CaseLinks
        from luoshi.core import links
        from luoshi.core.registry import NavItem, register_demo, register_home, register_home_counts, register_nav
        from luoshi.org.permissions import only_views, works_the_grid

        permissions.register_rules()
        jobs.register()
        metrics.register()
        links.register_case_directory(CaseLinks())
        register_router("/cases", api.router, order=30)
        register_router("/cases/patrols", patrol_api.router, order=31)
        # A grid worker's menu (and phone bar) is built around the grid: report, my reports,
        # the daily report, patrols and household visits (走访巡查), messages (docs/homes.md).
        register_nav(
            NavItem(
                "case_report", pgettext_lazy("menu", "Report"), "cases:report", "inbox", order=195, mobile=True,
                bar_order=10, visible=works_the_grid,
            )
        )  # fmt: skip
        register_nav(
            NavItem(
                "case_mine", _("My reports"), "cases:inbox", "tasks", order=196, mobile=True, bar_order=20,
                visible=works_the_grid, query="box=mine",
            )
        )  # fmt: skip
        register_nav(
            NavItem(
                "cases", _("Cases"), "cases:inbox", "inbox", order=200, mobile=lambda user: not only_views(user),
                bar_order=30, visible=lambda user: not works_the_grid(user),
            )
        )  # fmt: skip
        register_nav(NavItem("case_map", _("Case map"), "cases:map", "map", order=210))
        register_nav(
            NavItem(
                "case_daily", _("Daily reports"), "cases:daily", "bell", order=220, mobile=_files_daily_reports,
                bar_order=35,
            )
        )  # fmt: skip
        register_nav(
            NavItem(
                "case_visits", _("Visits and patrols"), "cases:patrols", "map", order=225, mobile=works_the_grid,
                bar_order=40, visible=_reads_patrols,
            )
        )  # fmt: skip
        register_nav(
            NavItem("keypersons", _("Key persons"), "cases:keypersons", "people", order=230, visible=_registry)
        )
        register_nav(NavItem("case_stats", _("Case statistics"), "cases:stats", "chart", order=240, visible=_stats))
        register_home(30, home.my_cases)
        register_home(31, home.my_daily_report)
        register_home(32, patrol_home.my_patrols)
        register_home_counts(30, home.oversight_counts)
        register_demo(30, "cases", demo.load)
        # After the projects demo (35) has filed the 小微管家 requests, before the computed indicators (900).
        register_demo(36, "cases_enterprise", demo.load_enterprise_followup)
        register_demo(37, "cases_patrols", patrol_demo.load)

        # The cockpit: daily aggregates and panels (docs/cockpit.md).
        from luoshi.cases import aggregates, cockpit

        aggregates.register()
        cockpit.register()


def _registry(user: "User") -> bool:
    from luoshi.cases.permissions import KEYPERSON_ROLES
    from luoshi.org.scope import scope_for

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & KEYPERSON_ROLES)


def _reads_patrols(user: "User") -> bool:
    """走访巡查: grid workers and community staff record; leaders, supervisors and viewers oversee."""
    from luoshi.cases.permissions import PATROL_READERS
    from luoshi.org.scope import scope_for

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & PATROL_READERS)


def _files_daily_reports(user: "User") -> bool:
    """The daily report on the phone bar: for community staff and grid workers, who file it."""
    from luoshi.cases.permissions import SCREENING_ROLES
    from luoshi.org.permissions import oversees
    from luoshi.org.scope import scope_for

    return bool(scope_for(user).roles & SCREENING_ROLES) and not oversees(user)


def _stats(user: "User") -> bool:
    from luoshi.cases.permissions import STATS_ROLES
    from luoshi.org.scope import scope_for

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & STATS_ROLES)
