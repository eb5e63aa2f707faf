from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from luoshi.core import checks  # noqa: F401  (registers system checks)
        from luoshi.core.dbguard import register_functions

        connection_created.connect(register_functions, dispatch_uid="luoshi.core.dbguard")

        from luoshi.core import idempotency
        from luoshi.core.registry import PeriodicJob, register_periodic

        register_periodic(PeriodicJob("core.purge_idempotency", 3600, idempotency.purge))

        from luoshi.core import aggregates

        register_periodic(PeriodicJob("core.refresh_aggregates", 300, aggregates.refresh_job))
        # Every bound form hears from the input guard (luoshi.core.inputguard.mark_bound_form).
        from django import forms

        from luoshi.core.inputguard import mark_bound_form

        if not getattr(forms.BaseForm.full_clean, "luoshi_guarded", False):
            original = forms.BaseForm.full_clean

            def full_clean(self: forms.BaseForm) -> None:
                original(self)
                mark_bound_form(self)

            full_clean.luoshi_guarded = True  # type: ignore[attr-defined]
            forms.BaseForm.full_clean = full_clean  # type: ignore[method-assign]
