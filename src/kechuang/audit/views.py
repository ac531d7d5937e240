"""The audit trail, for administrators: a filterable list and one change's before/after."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from kechuang import access
from kechuang.audit.models import Action, ObjectChange


@login_required
def change_list(request):
    access.deny_unless(access.can_view(request.user, "audit"))
    changes = ObjectChange.objects.select_related("user").all()
    filters = {
        "action": request.GET.get("action", ""),
        "object_type": request.GET.get("object_type", "").strip(),
        "user": request.GET.get("user", "").strip(),
    }
    if filters["action"]:
        changes = changes.filter(action=filters["action"])
    if filters["object_type"]:
        changes = changes.filter(object_type__icontains=filters["object_type"])
    if filters["user"]:
        changes = changes.filter(user_name__icontains=filters["user"])
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": filters, "actions": Action.choices})


@login_required
def change_detail(request, pk: int):
    access.deny_unless(access.can_view(request.user, "audit"))
    change = get_object_or_404(ObjectChange, pk=pk)
    return render(request, "audit/detail.html", {"change": change, "fields": change.changed_fields()})
