"""Reporting discipline pages: values that break a rule, completeness with approval and unlocking, and
the key tasks' progress reports (who has reported, who is late, who has not started).

Thin: access decides who may open and who may approve; plans.discipline.services computes and writes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kechuang import access
from kechuang.plans.discipline import services
from kechuang.plans.discipline import task_reporting as task_reporting_service
from kechuang.plans.models import Plan, SubmissionApproval
from kechuang.plans.services import default_plan


def _plan() -> Plan:
    try:
        return default_plan()
    except Plan.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _may_view(request) -> None:
    access.deny_unless(access.can_view(request.user, "submission_approval"), _("您的角色无权查看报送情况"))


def _common(request) -> dict:
    return {
        "may_enter": access.can_change(request.user, "observation"),
        "may_approve": access.can_change(request.user, "submission_approval"),
    }


@login_required
@require_GET
def outliers(request):
    _may_view(request)
    plan = _plan()
    found = services.outliers(request.user, plan)
    found.sort(key=lambda f: (f.level != "block", f.indicator.seq, f.region_code, f.year))
    return render(
        request,
        "plans/discipline_outliers.html",
        {"plan": plan, "findings": found, "tab": "outliers", **_common(request)},
    )


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
@require_http_methods(["GET", "POST"])
def completeness(request):
    _may_view(request)
    plan = _plan()
    today = timezone.localdate()
    year = _year(request, services.reporting_year(today))
    if request.method == "POST":
        access.deny_unless(
            access.can_change(request.user, "submission_approval"), _("您的角色无权审核或解锁报送")
        )
        kind, code = request.POST.get("kind", ""), request.POST.get("code", "")
        owners = {(s.kind, s.code): s for s in services.completeness(plan, year, today)}
        if (kind, code) not in owners:
            raise Http404(_("没有该报送单位"))
        name = owners[(kind, code)].name
        if request.POST.get("action") == "unlock":
            approval = get_object_or_404(
                SubmissionApproval, plan=plan, year=year, owner_kind=kind, owner_code=code
            )
            try:
                services.unlock(request.user, approval, request.POST.get("reason", ""))
            except services.UnlockError as exc:
                messages.error(
                    request,
                    _("%(name)s %(year)s 年度报送未解锁：%(why)s") % {"name": name, "year": year, "why": exc},
                )
            else:
                messages.success(
                    request,
                    _("已解锁 %(name)s %(year)s 年度报送，原因已记入审计日志") % {"name": name, "year": year},
                )
        else:
            services.approve(request.user, plan, year, kind, code)
            messages.success(
                request,
                _("已审核 %(name)s %(year)s 年度报送：相关数值已锁定，修改须先解锁")
                % {"name": name, "year": year},
            )
        return redirect(f"{reverse('plans:completeness')}?{urlencode({'year': year})}")
    rows = services.completeness(plan, year, today)
    counts = {key: sum(1 for r in rows if r.status == key) for key in services.STATUS_NAMES}
    return render(
        request,
        "plans/discipline_completeness.html",
        {
            "plan": plan,
            "year": year,
            "years": list(range(plan.start_year - 3, plan.end_year + 1)),
            "today": today,
            "rows": rows,
            "counts": [(services.STATUS_LABELS[k], k, n) for k, n in counts.items()],
            "tab": "completeness",
            **_common(request),
        },
    )


@login_required
@require_GET
def task_reporting(request):
    """Key tasks' progress reports for the period being reported: who has reported, who is late, who has
    not started (per department, then each task). ``?on=YYYY-MM-DD`` looks at another date."""
    _may_view(request)
    plan = _plan()
    today = timezone.localdate()
    try:
        on = dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else today
    except ValueError:
        on = today
    rows = task_reporting_service.task_completeness(plan, on)
    groups = task_reporting_service.by_department(rows)
    counts = {
        key: sum(1 for r in rows if r.status == key)
        for key in (services.REPORTED, services.LATE, services.NOT_STARTED)
    }
    return render(
        request,
        "plans/discipline_tasks.html",
        {
            "plan": plan,
            "on": on,
            "today": today,
            "groups": groups,
            "counts": [(services.STATUS_LABELS[k], k, n) for k, n in counts.items()],
            "tab": "task_reporting",
            **_common(request),
        },
    )
