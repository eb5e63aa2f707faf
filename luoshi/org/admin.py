"""Django admin for administrators. Writes that matter go through the services,
so the activity log is kept whichever screen is used."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luoshi.org import services
from luoshi.org.models import Person, Position, RoleGrant, Unit


class PositionInline(admin.TabularInline[Position, Person]):
    model = Position
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "kind", "code", "division_code", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "division_code")
    list_select_related = ("parent",)
    readonly_fields = ("path", "depth", "version")
    autocomplete_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.UNIT_FIELDS}
        if change:
            services.unit_update(actor=request.user, unit=obj, **data)
        else:
            created = services.unit_create(
                actor=request.user,
                parent=obj.parent,
                name=obj.name,
                kind=obj.kind,
                code=obj.code,
                division_code=obj.division_code,
                sort_order=obj.sort_order,
                description=obj.description,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: history keeps pointing at units


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "phone", "user", "is_active")
    search_fields = ("name", "phone", "user__username")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    inlines = [PositionInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    list_display = ("user", "role", "unit", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        if change:
            old = RoleGrant.objects.get(pk=obj.pk)
            services.role_revoke(actor=request.user, grant=old)
        grant = services.role_grant(actor=request.user, user=obj.user, role=obj.role, unit=obj.unit)
        obj.pk = grant.pk

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        services.role_revoke(actor=request.user, grant=obj)
