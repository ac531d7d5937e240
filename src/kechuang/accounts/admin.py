"""The Django admin, for 市级管理员 only: users and organisations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kechuang.accounts.forms import ThrottledAdminLoginForm
from kechuang.accounts.models import ApiToken, OrgUnit, User

# The admin's login goes through the same throttle as the site's (kechuang.accounts.throttle).
admin.site.login_form = ThrottledAdminLoginForm


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "region_code")
    list_filter = ("kind",)
    search_fields = ("code", "name", "credit_code")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "org", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("科创", {"fields": ("display_name", "org", "role")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("科创", {"fields": ("display_name", "org", "role")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "read_only", "expires", "created", "last_used")
    list_filter = ("read_only",)
    readonly_fields = ("digest", "prefix", "created", "last_used")
