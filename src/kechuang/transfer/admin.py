"""The admin for the transfer tables (市级管理员 only): look-ups. Rows people enter go through the
pages (with their checks and the audit trail); imported contracts are read-only here."""

from django.contrib import admin

from kechuang.transfer.models import (
    Achievement,
    CaseStep,
    Demand,
    IncomePolicy,
    Licence,
    Match,
    Payment,
    RevenueReport,
    ScenarioList,
    TechContract,
    TransferCase,
)
from kechuang.web.admin import ReadOnlyAdmin


@admin.register(Achievement)
class AchievementAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "institution", "field", "trl", "status")
    list_filter = ("status", "field", "institution")
    search_fields = ("code", "title")


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("code", "achievement", "licensee_name", "signed_on", "state")
    list_filter = ("state",)
    search_fields = ("code", "licensee_name", "licensee_code")


@admin.register(RevenueReport)
class RevenueReportAdmin(ReadOnlyAdmin):
    list_display = ("licence", "period", "revenue", "reported_at")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("licence", "paid_on", "amount")


@admin.register(IncomePolicy)
class IncomePolicyAdmin(ReadOnlyAdmin):
    list_display = ("institution", "team_share", "cost_rate")


@admin.register(TechContract)
class TechContractAdmin(ReadOnlyAdmin):
    list_display = (
        "registration_no",
        "registered_on",
        "type",
        "seller",
        "seller_region",
        "amount",
        "simulated",
    )
    list_filter = ("type", "simulated")
    search_fields = ("registration_no", "seller", "buyer")


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ("title", "enterprise", "field", "status")


@admin.register(ScenarioList)
class ScenarioListAdmin(ReadOnlyAdmin):
    list_display = ("title", "year", "stage")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("achievement", "demand", "manager", "state")


@admin.register(TransferCase)
class TransferCaseAdmin(ReadOnlyAdmin):
    list_display = ("achievement", "kind", "counterparty", "state")


@admin.register(CaseStep)
class CaseStepAdmin(ReadOnlyAdmin):
    list_display = ("case", "step", "done_by_name", "done_at", "approved")
