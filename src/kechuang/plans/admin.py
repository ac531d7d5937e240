"""The Django admin for the plans app (市级管理员 only, as the whole admin site): look-ups and repairs.

Plans, indicators and tasks come from the plan file (``kechuang plan load``) and observations from
imports, so the admin shows them read-mostly; changes made here are audited like any other.
"""

from django.contrib import admin

from kechuang.plans.models import (
    Indicator,
    Milestone,
    Observation,
    ObservationBatch,
    Plan,
    PlanVersion,
    SubmissionApproval,
    Task,
    TaskDepartment,
    TaskReport,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "status", "start_year", "end_year")


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "source_file", "loaded_at", "loaded_by")
    readonly_fields = ("plan", "number", "content_hash", "content", "source_file", "loaded_at", "loaded_by")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "target_year", "target_value", "owner_department", "active")
    list_filter = ("plan", "active")


class TaskDepartmentInline(admin.TabularInline):
    model = TaskDepartment
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "lead_department", "due", "completed", "active")
    list_filter = ("plan", "chapter", "completed", "active")
    search_fields = ("code", "title", "lead_department", "co_departments__department")
    inlines = [TaskDepartmentInline, MilestoneInline]


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = ("task", "department", "percent", "submitted_by", "submitted_at")
    list_select_related = ("task", "submitted_by")


@admin.register(ObservationBatch)
class ObservationBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "rows", "uploaded_by_name", "uploaded_at")


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "region_code", "year", "value", "revision", "is_latest", "simulated")
    list_filter = ("is_latest", "simulated", "indicator")
    list_select_related = ("indicator",)
    raw_id_fields = ("batch", "entered_by")


@admin.register(SubmissionApproval)
class SubmissionApprovalAdmin(admin.ModelAdmin):
    """Approvals and unlocks are made on the completeness page (with a reason); here they are looked up."""

    list_display = ("owner_kind", "owner_code", "year", "locked", "approved_by_name", "unlock_reason")
    list_filter = ("locked", "year", "owner_kind")
    readonly_fields = (
        "plan",
        "year",
        "owner_kind",
        "owner_code",
        "locked",
        "approved_by_name",
        "approved_at",
        "unlocked_by_name",
        "unlocked_at",
        "unlock_reason",
    )
