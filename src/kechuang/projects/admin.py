from django.contrib import admin

from kechuang.projects.models import EthicsCommittee


@admin.register(EthicsCommittee)
class EthicsCommitteeAdmin(admin.ModelAdmin):
    """The bureau registers ethics committees here; approvals must name one (projects.ethics)."""

    list_display = ("name", "registration", "institution", "valid_until")
    search_fields = ("name", "registration", "institution")
    list_filter = ("valid_until",)
