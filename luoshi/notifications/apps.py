from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "luoshi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from luoshi.core.registry import NavItem, register_home, register_nav
        from luoshi.notifications import webhook
        from luoshi.notifications.home import unread_notifications
        from luoshi.notifications.services import register_deliverer

        register_nav(
            NavItem(
                "notifications", _("Notifications"), "notifications:list", "bell", order=700, mobile=True, bar_order=90
            )
        )
        register_home(5, unread_notifications)
        register_deliverer(webhook.deliver)
