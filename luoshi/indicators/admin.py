from django.contrib import admin

from luoshi.indicators.models import ImportBatch, Indicator, IndicatorValue, SavedComposite, Target, ValueChange


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name", "unit", "kind", "direction", "category", "aggregation", "sort_order", "is_active")
    list_filter = ("category", "kind", "direction", "is_active")
    search_fields = ("code", "name")
    ordering = ("sort_order", "code")


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin[Target]):
    list_display = ("unit", "indicator", "year", "value", "updated_at")
    list_filter = ("year", "indicator")
    search_fields = ("unit__name", "indicator__name")
    raw_id_fields = ("unit",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin[IndicatorValue]):
    list_display = ("unit", "indicator", "year", "month", "value", "source", "updated_at")
    list_filter = ("year", "month", "source", "indicator")
    search_fields = ("unit__name", "indicator__name")
    raw_id_fields = ("unit", "batch")
    readonly_fields = ("updated_at", "updated_by", "batch", "source")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ("pk", "kind", "file_name", "status", "row_count", "created_by", "created_at")
    list_filter = ("kind", "status")
    exclude = ("rows",)
    readonly_fields = (
        "kind",
        "file_name",
        "status",
        "created_by",
        "created_at",
        "committed_at",
        "errors",
        "summary",
        "row_count",
    )


@admin.register(ValueChange)
class ValueChangeAdmin(admin.ModelAdmin[ValueChange]):
    list_display = ("unit", "indicator", "year", "month", "before", "after", "source", "actor", "at")
    list_filter = ("source", "year")
    raw_id_fields = ("unit", "batch")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SavedComposite)
class SavedCompositeAdmin(admin.ModelAdmin[SavedComposite]):
    list_display = ("name", "parent", "metric", "created_by", "updated_at")
    search_fields = ("name", "parent__name")
    raw_id_fields = ("parent",)
    readonly_fields = ("created_by", "updated_at")
