"""Points in the admin: read-only (models are loaded with `kechuang points load`, scores computed)."""

from django.contrib import admin

from kechuang.points.models import PointsModel, PointsModelVersion, PointsRun, PointsScore
from kechuang.web.admin import ReadOnlyAdmin


@admin.register(PointsModel)
class PointsModelAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "status", "is_active")


@admin.register(PointsModelVersion)
class PointsModelVersionAdmin(ReadOnlyAdmin):
    list_display = ("model", "number", "loaded_at", "loaded_by", "source_file")
    list_filter = ("model",)


@admin.register(PointsRun)
class PointsRunAdmin(ReadOnlyAdmin):
    list_display = ("year", "version", "started_at", "started_by", "enterprises", "scored", "superseded")
    list_filter = ("year", "superseded")


@admin.register(PointsScore)
class PointsScoreAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "year", "version", "stage", "points", "rank", "cohort_size", "tier")
    list_filter = ("year", "stage", "tier")
    search_fields = ("credit_code",)
    list_select_related = ("version__model",)
