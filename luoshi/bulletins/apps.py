from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "luoshi.bulletins"
    label = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.bulletins import api, demo, jobs, permissions, workflow
        from luoshi.core import audit, bulletin_sections
        from luoshi.core.registry import NavItem, PeriodicJob, register_demo, register_nav, register_periodic

        permissions.register_rules()
        # every app's bulletin.py (tasks, cases, indicators, projects, and any later one) registers its sections
        bulletin_sections.autodiscover()
        audit.register_verbs({f"bulletin.{a}": label for a, label in workflow.ACTION_LABELS.items()})
        audit.register_verbs({"bulletin.create": _("built a bulletin draft"), "bulletin.edit": _("edited a bulletin")})
        audit.register_verbs(
            {
                "bulletin.schedule": _("saved a bulletin schedule"),
                "bulletin.schedule_pause": _("paused a bulletin schedule"),
                "bulletin.schedule_resume": _("resumed a bulletin schedule"),
            }
        )
        register_nav(
            NavItem(
                "bulletins", _("Bulletins"), "bulletins:list", "inbox", order=690,
                visible=permissions.may_read,
            )
        )  # fmt: skip
        # after every domain app's demo data (the assessment and awards runs at 950 included), so the
        # bulletins report on it; before the cockpit's aggregates (990)
        register_demo(960, "bulletins", demo.load)
        register_periodic(PeriodicJob("bulletins.schedules", 600, jobs.run_schedules))
        register_periodic(PeriodicJob("bulletins.pending_pdfs", 900, jobs.render_pending_pdfs))
        register_router("/bulletins", api.router, order=60)
