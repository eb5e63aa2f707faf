from django.contrib import admin

from luoshi.awards.models import AwardRound, AwardType, ListIssue, ListRule


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin[AwardType]):
    list_display = ("name", "contest", "kind", "subject_kind", "metric", "metric_param", "period_kind", "is_active")
    list_filter = ("kind", "subject_kind", "is_active")


@admin.register(ListRule)
class ListRuleAdmin(admin.ModelAdmin[ListRule]):
    list_display = (
        "name",
        "color",
        "metric",
        "metric_param",
        "mode",
        "count",
        "threshold",
        "min_count",
        "not_if_black",
        "is_active",
    )
    list_filter = ("color", "is_active")


@admin.register(AwardRound)
class AwardRoundAdmin(admin.ModelAdmin[AwardRound]):
    list_display = ("award_type", "unit", "period", "status")
    list_filter = ("status",)
    readonly_fields = ("status", "version", "created_by", "created_at", "decided_at", "published_at")


@admin.register(ListIssue)
class ListIssueAdmin(admin.ModelAdmin[ListIssue]):
    list_display = ("unit", "period", "status")
    readonly_fields = ("status", "version", "created_by", "created_at", "published_at")
