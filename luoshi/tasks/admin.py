"""Admin: goals and categories can be tidied here; tasks and inspections are read-only
(every change to them goes through the services, which write the timeline and audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luoshi.tasks.models import Category, Goal, Inspection, Task


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "title", "owner_unit", "weight", "progress", "is_active"]
    list_filter = ["year", "is_active"]
    search_fields = ["title"]
    raw_id_fields = ["owner_unit", "created_by"]
    readonly_fields = ["progress", "version"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["goal", "code", "name", "parent", "weight", "progress"]
    search_fields = ["name", "code"]
    raw_id_fields = ["goal", "parent"]
    readonly_fields = ["progress"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "lead_unit", "status", "light", "progress", "deadline"]
    list_filter = ["status", "light", "source", "priority"]
    search_fields = ["number", "title"]
    list_select_related = ["lead_unit"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["date", "place", "unit", "unannounced"]
    list_select_related = ["unit"]
