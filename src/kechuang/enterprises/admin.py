"""The Django admin for the registry (市级管理员 only, as the whole admin site): look-ups and repairs.

Enterprises and their yearly facts come from department uploads, so the admin shows them read-only:
a correction is a new upload (which keeps the replaced value in FactRevision), never an edit here.
"""

from django.contrib import admin

from kechuang.enterprises.models import Enterprise, Fact, FactRevision, TierRecord, Upload
from kechuang.web.admin import ReadOnlyAdmin


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "kind", "department", "uploaded_by_name", "uploaded_at")
    list_filter = ("kind", "department")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "name", "region_code", "industry_code", "hightech_cert_until")
    search_fields = ("credit_code", "name")
    list_filter = ("region_code",)


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "revenue", "rd_expense", "employees")
    list_filter = ("year",)
    search_fields = ("enterprise__credit_code", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(FactRevision)
class FactRevisionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "replaced_by")
    list_select_related = ("enterprise", "replaced_by")


@admin.register(TierRecord)
class TierRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "tier", "region_code")
    list_filter = ("year", "tier")
    list_select_related = ("enterprise",)
