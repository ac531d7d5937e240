"""科技安全监测预警 pages, as plan monitoring's: the board (the lights of every indicator, their counts,
a department's entry of one reading) and each indicator's page (its history chart, the light with the
reason for it, the source and period of each reading), and the departments' Excel template and upload
of readings (preview with every row error, then confirm; all or nothing).

Thin views: the scope from kechuang.access, the levels from the engine (services.security_board,
security.history), the chart with plan monitoring's ECharts setup (security.history_chart).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kechuang import access
from kechuang.projects import ethics, security, services
from kechuang.projects.forms import ReadingForm
from kechuang.projects.models import Project, SecurityIndicator
from kechuang.web.uploads import (
    StagedFile,
    confirmation,
    refused_type_message,
    too_large_message,
    upload_too_large,
)

STAGED_KEY = "security_readings_upload"


def _source(user) -> str:
    """Who entered a reading: the user's organisation (a department), else the user name."""
    return f"{user.org.name if user.org_id else user.username}填报"


@login_required
@require_http_methods(["GET", "POST"])
def board(request):
    access.scoped(request.user, "security_indicator", SecurityIndicator.objects.none())
    may_enter = access.can_change(request.user, "security_indicator")
    form = ReadingForm(request.POST or None) if may_enter else None
    if request.method == "POST":
        access.deny_unless(may_enter)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_reading(
                    data["indicator"], data["period"], data["value"], _source(request.user)
                )
            except services.ProjectError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("监测值已登记"))
                return HttpResponseRedirect(reverse("projects:security"))
    rows = services.security_board()
    for r in rows:
        ind = r.indicator
        r.reason = security.level_reason(r.value, ind.yellow, ind.red, ind.higher_is_worse, ind.unit)
    counts = Counter(r.level for r in rows)
    missing = pending = None  # sensitive-field projects without an ethics approval that counts, for
    # those who see projects, and the approvals waiting for their committee's validity
    if access.can_view(request.user, "major_project"):
        projects = access.scoped(request.user, "major_project", Project.objects.all())
        missing, pending = ethics.missing_approval(projects), ethics.pending_validity(projects)
    context = {
        "board": rows,
        "form": form,
        "counts": {k: counts.get(k, 0) for k in ("green", "yellow", "red")} | {"none": counts.get(None, 0)},
        "any_sample": any(r.indicator.sample for r in rows),
        "missing": missing,
        "ethics_pending": pending,
    }
    return render(request, "projects/security.html", context)


@login_required
def indicator(request, code: str):
    access.scoped(request.user, "security_indicator", SecurityIndicator.objects.none())
    ind = get_object_or_404(SecurityIndicator, code=code)
    points = security.history(ind)
    latest = points[-1] if points else None
    context = {
        "ind": ind,
        "latest": latest,
        "points": list(reversed(points)),
        "chart": security.history_chart(ind, points) if points else None,
        "indicators": SecurityIndicator.objects.only("code", "name", "name_en"),
    }
    return render(request, "projects/security_indicator.html", context)


@login_required
def readings_template(request):
    from kechuang.web.generic import xlsx_response

    access.scoped(request.user, "security_indicator", SecurityIndicator.objects.none(), "change")
    return xlsx_response(security.readings_template_xlsx(), "科技安全监测值填报模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def readings_upload(request):
    """Excel upload of the departments' readings: preview with every row error, then confirm or give
    up (web.uploads: the one upload flow); all or nothing; an existing reading is never overwritten
    (services.record_reading's rule), checked again on confirmation."""
    access.scoped(request.user, "security_indicator", SecurityIndicator.objects.none(), "change")
    ctx: dict = {}
    if request.method == "POST" and request.POST.get("action") in ("import", "cancel"):
        staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
        if (ended := confirmation(request, staged, "projects:security_upload")) is not None:
            return ended
        checked = security.check_readings_upload(staged.path, _source(request.user))
        staged.discard(request)
        if not checked.errors.rejected:  # else someone entered a reading since the preview
            written = security.import_readings(checked.rows)
            messages.success(
                request, ngettext("已导入 %(n)s 条监测值", "已导入 %(n)s 条监测值", written) % {"n": written}
            )
            return redirect("projects:security")
        ctx["checked"] = checked
    elif request.method == "POST":
        f = request.FILES.get("file")
        if upload_too_large(request):
            ctx["error"] = too_large_message()
        elif f is None:
            ctx["error"] = _("请选择文件")
        elif Path(f.name).suffix.lower() not in (".xlsx", ".csv"):
            ctx["error"] = refused_type_message()
        else:
            staged = StagedFile.stash(request, STAGED_KEY, f)
            ctx["checked"] = checked = security.check_readings_upload(staged.path, _source(request.user))
            if checked.errors.rejected:
                staged.discard(request)
            else:
                ctx["token"] = staged.token
    return render(request, "projects/security_upload.html", ctx)
