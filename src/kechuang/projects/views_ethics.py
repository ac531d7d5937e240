"""伦理委员会名录: the registered ethics committees (the fields each may review, until when its
registration is valid, the approvals it gave) for the bureau, who registers and edits them here (a
committee made from earlier approvals gets its validity filled: 有效期待补录); the scope from
kechuang.access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kechuang import access
from kechuang.projects import ethics
from kechuang.projects.forms import EthicsCommitteeForm
from kechuang.projects.models import EthicsCommittee, Project
from kechuang.web.generic import ObjectEditView


@login_required
def committees(request):
    access.deny_unless(access.can_view(request.user, "project_oversight"))
    today = timezone.localdate()
    projects = access.scoped(request.user, "major_project", Project.objects.all())
    context = {
        "committees": ethics.committees(today),
        "today": today,
        "missing": ethics.missing_approval(projects),
        "ethics_pending": ethics.pending_validity(projects),
        "may_admin": access.can_view(request.user, "admin_site"),
        "may_edit": access.can_change(request.user, "project_oversight"),
    }
    return render(request, "projects/ethics_committees.html", context)


class CommitteeEdit(ObjectEditView):
    """The bureau's programme officers register an ethics committee or edit one (audited)."""

    model = EthicsCommittee
    resource = "project_oversight"
    form_class = EthicsCommitteeForm
    template_name = "projects/ethics_committee_edit.html"

    def get_success_url(self, obj) -> str:
        return reverse("projects:ethics_committees") + f"#committee-{obj.pk}"
