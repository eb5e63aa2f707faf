from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luoshi.core import workdays
from luoshi.core.models import ActivityLog, CalendarDay


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin[ActivityLog]):
    """Read-only: the activity log is append-only."""

    list_display = ("created_at", "actor_name", "verb", "content_type", "object_repr")
    list_filter = ("verb", "content_type")
    search_fields = ("object_repr", "actor_name", "comment")
    date_hierarchy = "created_at"
    list_select_related = ("content_type",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "name", "is_working_day", "source")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        workdays.clear_cache()

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        workdays.clear_cache()
