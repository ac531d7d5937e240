"""项目产出 on a project's page: the holder records a paper or product and withdraws a mistaken one, the
programme officer verifies or rejects it with a reason (projects.outputs); who may is decided by
kechuang.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.projects import outputs, services
from kechuang.projects.forms import OutputForm
from kechuang.projects.models import Project


def output_context(request, project: Project) -> dict:
    """The 项目产出 part of a project's page: its outputs, the form for who may record, and whether
    the reader may verify."""
    return {
        "outputs": project.outputs.select_related("recorded_by", "verified_by"),
        "output_form": OutputForm(prefix="out")
        if access.can_change(request.user, "major_project", project)
        else None,
        "may_verify_outputs": access.can_change(request.user, "project_oversight"),
    }


def _project(request, pk: int) -> Project:
    projects = access.scoped(request.user, "major_project", Project.objects.all())
    project = get_object_or_404(projects, pk=pk)
    access.deny_unless(access.can_change(request.user, "major_project", project))
    return project


@login_required
@require_POST
def record(request, pk: int):
    """Record a paper or product; a refused form is shown again with the field's Chinese error."""
    project = _project(request, pk)
    form = OutputForm(request.POST, prefix="out")
    if form.is_valid():
        try:
            outputs.record(project, by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("产出已登记，待科技局核验后计入项目组合"))
            return HttpResponseRedirect(project.get_absolute_url() + "#outputs")
    return render(request, "projects/output_new.html", {"project": project, "form": form})


def _overseen(request, pk: int) -> Project:
    access.scoped(request.user, "project_oversight", Project.objects.none(), "change")
    return get_object_or_404(access.scoped(request.user, "major_project", Project.objects.all()), pk=pk)


def _done(request, project: Project, change, done: str) -> HttpResponseRedirect:
    """Apply ``change`` (a projects.outputs call); its refusal or ``done`` as the page's message."""
    try:
        change()
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(project.get_absolute_url() + "#outputs")


@login_required
@require_POST
def verify(request, pk: int, output: int):
    """The programme officer verifies a recorded output."""
    project = _overseen(request, pk)
    row = get_object_or_404(project.outputs, pk=output)
    done = _("产出已核验：%(title)s") % {"title": row.title}
    return _done(request, project, lambda: outputs.verify(row, by=request.user), done)


@login_required
@require_POST
def withdraw(request, pk: int, output: int):
    """The holder withdraws a mistaken output before it is verified."""
    project = _project(request, pk)
    row = get_object_or_404(project.outputs, pk=output)
    done = _("产出已撤回，不计入项目组合：%(title)s") % {"title": row.title}
    return _done(request, project, lambda: outputs.withdraw(row, by=request.user), done)


@login_required
@require_POST
def reject(request, pk: int, output: int):
    """The programme officer rejects an output with a reason (the holder sees it)."""
    project = _overseen(request, pk)
    row = get_object_or_404(project.outputs, pk=output)
    reason = request.POST.get("reason", "")
    done = _("产出未通过核验，已退回：%(title)s") % {"title": row.title}
    return _done(request, project, lambda: outputs.reject(row, reason, by=request.user), done)
