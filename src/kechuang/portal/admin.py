from django.contrib import admin

from kechuang.portal.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "published", "name_en", "updated_at")
    list_filter = ("published",)
