from django.contrib import admin

from kechuang.carriers.models import (
    Booking,
    Carrier,
    CarrierReport,
    EvaluationResult,
    IncubatedEnterprise,
    InstitutionTarget,
    Instrument,
    TalentApplication,
    TargetValue,
    VoucherBudget,
)
from kechuang.web.admin import ReadOnlyAdmin


class IncubatedInline(admin.TabularInline):
    """The carrier's incubated enterprises, linked to the enterprise registry (their 高企, 科小,
    revenue and financing are read from it, not typed)."""

    model = IncubatedEnterprise
    extra = 0
    autocomplete_fields = ("enterprise",)
    fields = (
        "enterprise",
        "entered_year",
        "graduated_year",
        "invested",
        "invested_year",
        "left_on",
        "exit_reason",
    )


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "region_code", "status")
    list_filter = ("kind", "level", "status")
    search_fields = ("code", "name")
    inlines = (IncubatedInline,)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner", "value", "open_for_sharing")
    search_fields = ("code", "name", "name_en")


@admin.register(VoucherBudget)
class VoucherBudgetAdmin(admin.ModelAdmin):
    list_display = ("year", "amount")


class TargetValueInline(admin.TabularInline):
    """The yearly values of a 「一院一策」 target (the status lights are computed from them)."""

    model = TargetValue
    extra = 0
    fields = ("year", "value")


@admin.register(InstitutionTarget)
class InstitutionTargetAdmin(admin.ModelAdmin):
    list_display = ("carrier", "code", "name", "target_year", "target_value")
    inlines = (TargetValueInline,)


@admin.register(CarrierReport)
class CarrierReportAdmin(ReadOnlyAdmin):
    list_display = ("carrier", "year", "submitted_at")


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdmin):
    list_display = ("carrier", "template", "period", "total", "grade")
    list_filter = ("template", "period")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("instrument", "applicant_name", "date", "status", "hours_used")


@admin.register(TalentApplication)
class TalentApplicationAdmin(ReadOnlyAdmin):
    list_display = ("person_name", "route", "claimed_class", "status")
