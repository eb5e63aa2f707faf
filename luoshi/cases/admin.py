"""Administrators edit categories, standards, default handling units and Open311 keys here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from luoshi.cases import open311, standards
from luoshi.cases.models import (
    Category,
    CategoryAttribute,
    CategoryLimit,
    CategoryRoute,
    GridBoundary,
    Open311Key,
)


class CategoryLimitInline(admin.TabularInline[CategoryLimit, Category]):
    model = CategoryLimit
    extra = 0


class CategoryRouteInline(admin.TabularInline[CategoryRoute, Category]):
    model = CategoryRoute
    extra = 0
    autocomplete_fields = ("within", "handler")


class CategoryAttributeInline(admin.TabularInline[CategoryAttribute, Category]):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = (
        "code",
        "name",
        "parent",
        "is_public",
        "is_dispute",
        "on_the_spot",
        "accept_days",
        "handle_days",
        "verify_days",
        "is_active",
    )
    list_filter = ("is_public", "is_dispute", "on_the_spot", "is_active", "parent")
    search_fields = ("code", "name", "keywords")
    list_select_related = ("parent",)
    ordering = ("code",)
    inlines = [CategoryLimitInline, CategoryRouteInline, CategoryAttributeInline]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        standards.clear_cache()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        standards.clear_cache()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: cases keep pointing at their category


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin[Open311Key]):
    list_display = ("name", "prefix", "unit", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    autocomplete_fields = ("unit",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "unit", "is_active", "note", "prefix", "created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: Open311Key, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = open311.key_create(name=obj.name, unit=obj.unit, note=obj.note)
        obj.pk = key.pk
        obj.prefix = key.prefix
        obj.key_hash = key.key_hash
        messages.warning(
            request, _("The new API key is shown only once; give it to the client now: %(key)s") % {"key": raw}
        )


@admin.register(GridBoundary)
class GridBoundaryAdmin(admin.ModelAdmin[GridBoundary]):
    list_display = ("unit", "min_lat", "max_lat", "min_lng", "max_lng", "updated_at")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit",)
    readonly_fields = ("min_lat", "max_lat", "min_lng", "max_lng", "updated_at")
