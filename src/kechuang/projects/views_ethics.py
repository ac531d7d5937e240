"""伦理委员会名录: the registered ethics committees (the fields each may review, until when its
registration is valid, the approvals it gave) for the bureau; the scope from kechuang.access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from kechuang import access
from kechuang.projects import ethics
from kechuang.projects.models import Project


@login_required
def committees(request):
    access.deny_unless(access.can_view(request.user, "project_oversight"))
    today = timezone.localdate()
    projects = access.scoped(request.user, "major_project", Project.objects.all())
    context = {
        "committees": ethics.committees(today),
        "today": today,
        "missing": ethics.missing_approval(projects),
        "may_admin": access.can_view(request.user, "admin_site"),
    }
    return render(request, "projects/ethics_committees.html", context)
