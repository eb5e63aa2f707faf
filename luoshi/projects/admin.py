"""Admin: read-mostly views for administrators; changes go through the pages and the API."""

from __future__ import annotations

from django.contrib import admin

from luoshi.projects.models import Enterprise, Investment, Lead, Meeting, Milestone, Problem, Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("code", "name", "unit", "stage", "schedule", "light", "annual_plan", "completed_year")
    list_filter = ("stage", "schedule", "light", "kind")
    search_fields = ("code", "name")
    raw_id_fields = ("unit", "task_force", "liaison", "enterprise", "leaders", "created_by")
    readonly_fields = (
        "completed_total", "completed_year", "schedule", "light", "time_progress", "next_milestone_due",
        "open_problems", "late_milestones", "last_reported_month",
    )  # fmt: skip


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin[Enterprise]):
    list_display = ("name", "credit_code", "unit", "above_scale", "above_quota")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("unit", "contact")


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin[Lead]):
    list_display = ("name", "unit", "cadre", "stage", "amount")
    list_filter = ("stage", "source")
    search_fields = ("name", "investor")
    raw_id_fields = ("unit", "cadre", "referrer", "project", "created_by")


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin[Problem]):
    list_display = ("title", "project", "kind", "unit", "due_date", "status")
    list_filter = ("status", "kind")
    raw_id_fields = ("project", "unit", "meeting", "created_by")
    readonly_fields = ("task_id", "task_status", "settled_on")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ("date", "title", "unit", "chair")
    raw_id_fields = ("unit", "chair", "projects", "created_by")


admin.site.register(Investment)
admin.site.register(Milestone)
