from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "luoshi.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from luoshi.core.registry import NavItem, register_demo, register_home, register_nav
        from luoshi.org import checks, demo, home  # noqa: F401  (checks registers)
        from luoshi.org.permissions import is_org_admin

        register_nav(NavItem("org", _("Organisation"), "org:tree", "tree", order=800))
        register_nav(NavItem("people", _("People"), "org:people", "people", order=810))
        register_nav(NavItem("admin", _("Administration"), "admin:index", "settings", order=990, visible=is_org_admin))
        register_home(950, home.my_positions)  # positions and roles last: the day's work first
        register_home(900, home.org_data_quality)
        register_demo(10, "org", demo.load)
