from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.assessment import api, demo, permissions, workflow
        from luoshi.core import audit
        from luoshi.core.registry import NavItem, register_demo, register_nav

        permissions.register_rules()
        audit.register_verbs({f"assessment.{a}": label for a, label in workflow.ACTION_VERBS.items()})
        audit.register_verbs(
            {
                "assessment.draft": _("started a new version of the scheme"),
                "assessment.publish_version": _("put a scheme version in force"),
            }
        )
        register_nav(
            NavItem("assessment", _("Assessment"), "assessment:index", "flag", order=320, visible=permissions.may_open)
        )
        register_demo(950, "assessment", demo.load)
        register_router("/assessment", api.router, order=90)

        # The cockpit's standings panel (docs/cockpit.md); the bulletin section is found by
        # luoshi.core.bulletin_sections.autodiscover (luoshi/assessment/bulletin.py).
        from luoshi.assessment import cockpit

        cockpit.register()
