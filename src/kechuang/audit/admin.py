from django.contrib import admin

from kechuang.audit.models import ObjectChange
from kechuang.web.admin import ReadOnlyAdmin


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("time", "user_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "user_name", "object_id")
