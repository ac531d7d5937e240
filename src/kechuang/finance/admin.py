"""The admin for 科技金融: products and versions come from files, consents and applications from the
pages — all read-only here (a change is a new file, a new consent, or a decision on the bank's page)."""

from django.contrib import admin

from kechuang.finance.models import Application, Consent, Product, ProductVersion
from kechuang.web.admin import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "bank", "status", "is_active")


@admin.register(ProductVersion)
class ProductVersionAdmin(ReadOnlyAdmin):
    list_display = ("product", "number", "loaded_at", "loaded_by")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "bank", "valid_until", "granted_at", "revoked_at", "simulated")
    list_select_related = ("enterprise", "bank")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "enterprise", "product", "decision", "amount", "performance", "simulated")
    list_select_related = ("enterprise", "product")
