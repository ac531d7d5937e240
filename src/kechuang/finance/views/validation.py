"""产业验证: the validation report per model version and year, the recalibration beside it, adopting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kechuang import access
from kechuang.engine.years import parse_year
from kechuang.finance.models import Application
from kechuang.finance.services import validation as service
from kechuang.finance.services import validation_job as jobs
from kechuang.finance.views.common import page
from kechuang.jobs.services import JobBusy, live_state
from kechuang.points.models import PointsModelVersion


def _version(request):
    pk = request.GET.get("version") or request.POST.get("version") or ""
    return PointsModelVersion.objects.filter(pk=int(pk)).first() if pk.isdigit() else None


def _year(request) -> int | None:
    years = service.loan_years()
    year = parse_year(request.GET.get("year") or request.POST.get("year"))
    return year or (years[0] if years else None)


@login_required
@require_GET
def validation(request):
    """The latest successful report of the year and version, the progress of a job computing it,
    and the message of the latest job when that one failed or was cancelled."""
    access.scoped(request.user, "validation", Application.objects.none())
    year, version = _year(request), _version(request)
    running = jobs.active_job(year, version) if year else None
    last = jobs.latest_job(year, version) if year else None
    done = jobs.latest_report_job(year, version) if year else None
    report = done.result if done else None
    return page(
        request,
        "finance/validation.html",
        {
            "report": report,
            "version_text": service.version_text(report) if report else "",
            "years": service.loan_years(),
            "year": year,
            "versions": PointsModelVersion.objects.select_related("model").order_by("model__code", "-number"),
            "version": version,
            "can_adopt": access.can_change(request.user, "validation"),
            "fits": [(report["stage_names"].get(f["stage"], f["stage"]), f) for f in report["fits"]]
            if report
            else [],
            "job": running,
            "last_job": last,
            "report_job": done,
            "state": live_state(running) if running else None,
            "active": running is not None,
        },
    )


@login_required
@require_POST
def start(request):
    """Queue the report of the year and version (生成验证报告) and come back to the page."""
    access.scoped(request.user, "validation", Application.objects.none())
    year, version = _year(request), _version(request)
    if year is None:
        messages.error(request, _("还没有贷款结果，无法生成验证报告"))
        return HttpResponseRedirect(reverse("finance:validation"))
    try:
        jobs.start(year, version, request.user)
    except JobBusy as exc:
        messages.error(request, str(exc))
    query = f"?year={year}" + (f"&version={version.pk}" if version else "")
    return HttpResponseRedirect(reverse("finance:validation") + query)


@login_required
@require_POST
def adopt(request):
    access.scoped(request.user, "validation", Application.objects.none(), "change")
    year = _year(request)
    if year is None:
        messages.error(request, _("还没有贷款结果，无法再校准"))
        return HttpResponseRedirect(reverse("finance:validation"))
    try:
        result = service.adopt(request.user, year, _version(request))
    except service.AdoptError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("finance:validation") + f"?year={year}")
    messages.success(
        request,
        _("已采用再校准权重：%(code)s 第 %(n)s 版，并设为当前积分模型")
        % {"code": result.model.code, "n": result.version.number},
    )
    return HttpResponseRedirect(reverse("finance:validation") + f"?year={year}&version={result.version.pk}")


urlpatterns = [
    path("validation/", validation, name="validation"),
    path("validation/adopt/", adopt, name="adopt"),
    path("validation/start/", start, name="validation_start"),
]
