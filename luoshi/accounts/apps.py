from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from luoshi.core.registry import NavItem, register_nav

        register_nav(NavItem("account", _("My account"), "accounts:profile", "user", order=900))
