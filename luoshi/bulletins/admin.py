"""Admin: schedules and issuers are set here; bulletins are read-only (they change through the pages)."""

from __future__ import annotations

from django.contrib import admin

from luoshi.bulletins.models import Bulletin, Issuer, Schedule


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin[Issuer]):
    list_display = ("unit", "body", "prefix", "printer")
    raw_id_fields = ("unit",)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin[Schedule]):
    list_display = ("unit", "kind", "weekday", "hour", "is_active", "last_run_on")
    raw_id_fields = ("unit", "created_by")


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin[Bulletin]):
    list_display = ("doc_number", "title", "unit", "kind", "status", "as_of")
    list_filter = ("kind", "status")
    search_fields = ("doc_number", "title")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
