"""The audit trail, for administrators: a filterable list and one change's before/after.

Generic scoped views: the rows come from kechuang.access (resource ``audit``).
"""

from __future__ import annotations

from kechuang.audit.models import Action, ObjectChange
from kechuang.web.generic import ObjectListView, ObjectView


class ChangeList(ObjectListView):
    model = ObjectChange
    resource = "audit"
    template_name = "audit/list.html"

    def base_queryset(self):
        return ObjectChange.objects.select_related("user").all()

    def get_filter_form(self, queryset):
        g = self.request.GET
        self.filters = {
            "action": g.get("action", ""),
            "object_type": g.get("object_type", "").strip(),
            "user": g.get("user", "").strip(),
        }
        return self.filters

    def filter(self, filters, changes):
        if filters["action"]:
            changes = changes.filter(action=filters["action"])
        if filters["object_type"]:
            changes = changes.filter(object_type__icontains=filters["object_type"])
        if filters["user"]:
            changes = changes.filter(user_name__icontains=filters["user"])
        return changes

    def extra_context(self, **kwargs):
        return {"filters": self.filters, "actions": Action.choices}


class ChangeDetail(ObjectView):
    model = ObjectChange
    resource = "audit"
    template_name = "audit/detail.html"

    def extra_context(self, object):
        return {"change": object, "fields": object.changed_fields()}


change_list = ChangeList.as_view()
change_detail = ChangeDetail.as_view()
