"""The annual monitoring and evaluation report: a page to choose the year and format, and the download.

``/plans/report/`` lists the formats with a year selector; ``/plans/report/?year=2027&format=docx``
returns the file (docx and xlsx as attachments, html inline), in the interface language: English
for a user whose language is English (their saved choice, cookie or browser; accounts.language), else
Chinese. Readers of the plan only (kechuang.access decides).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from django.views.decorators.http import require_GET, require_POST

from kechuang import access
from kechuang.audit.signals import record_export
from kechuang.engine.years import parse_year
from kechuang.jobs.services import JobBusy
from kechuang.plans import asof
from kechuang.plans.models import Plan
from kechuang.plans.report.build import build_report
from kechuang.plans.report.jobs import start_report
from kechuang.plans.report.model import report_language
from kechuang.plans.report.render import FORMATS
from kechuang.plans.report.render import render as render_report
from kechuang.plans.services import get_plan

FORMAT_CHOICES = [
    (
        "docx",
        _noop("Word 报告（.docx）"),
        _noop("正式报告：总体情况、指标监测表和图、滞后指标与责任部门、重点任务、建议、数据来源"),
    ),
    (
        "xlsx",
        _noop("Excel 数据表（.xlsx）"),
        _noop("总体情况、指标监测、重点任务、数据来源四张工作表，数值未经舍入"),
    ),
    ("html", _noop("网页版（.html）"), _noop("与 Word 报告内容相同的单个网页文件，可直接打印")),
]


def _plan(request) -> Plan:
    try:
        return get_plan(request.GET.get("plan") or None)
    except Plan.DoesNotExist as exc:
        raise Http404(_("尚未加载规划")) from exc


def _as_of(plan: Plan) -> asof.AsOf:
    """The default report year (the latest with official data) and the selectable years: every year
    from two years before the plan up to the latest with any data, later ones marked 模拟."""
    chosen = asof.resolve(plan)
    latest = max([y.year for y in chosen.years] or [chosen.year])
    first = min(plan.start_year - 2, chosen.year)
    return replace(chosen, years=asof.year_choices(range(first, latest + 1), chosen.official, chosen.year))


def _language(request) -> str:
    """The report's language: the interface's (English or Chinese)."""
    return report_language(getattr(request, "LANGUAGE_CODE", "")) or "zh-hans"


@login_required
@require_GET
def report(request):
    access.deny_unless(access.can_view(request.user, "plan"))
    plan = _plan(request)
    fmt = request.GET.get("format")
    if not fmt:
        context = {"plan": plan, "as_of": _as_of(plan), "formats": FORMAT_CHOICES}
        return render(request, "plans/report_index.html", context)
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("未知格式：请用 docx、xlsx 或 html"))
    try:
        year = int(request.GET.get("year") or asof.default_year(plan))
    except ValueError:
        return HttpResponseBadRequest(_("年份应为四位数字"))
    if parse_year(year) is None:
        return HttpResponseBadRequest(_("年份应在 2000–2100 之间"))
    built = build_report(plan, year, language=_language(request))
    if fmt != "html":
        record_export("plans:report", built.filename(fmt), None, request.GET.urlencode())
    response = HttpResponse(render_report(built, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(fmt != "html", built.filename(fmt))
    return response


@login_required
@require_POST
def report_job(request):
    """Generate the report in the background (a job, progress on its page); the file is downloaded
    from the job's page when it is ready."""

    access.deny_unless(access.can_view(request.user, "plan"))
    plan = _plan(request)
    fmt = request.POST.get("format", "")
    try:
        year = int(request.POST.get("year") or asof.default_year(plan))
    except ValueError:
        year = None
    problem = (
        _("未知格式：请用 docx、xlsx 或 html")
        if fmt not in FORMATS
        else _("年份应在 2000–2100 之间")
        if year is None or parse_year(year) is None
        else None
    )
    if problem:  # back to the form, saying what was wrong
        messages.error(request, problem)
        return redirect("plans:report")
    try:
        job = start_report(plan, year, fmt, request.user, language=_language(request))
    except JobBusy as exc:
        messages.warning(request, str(exc))
        if exc.other is not None:
            return redirect("jobs:detail", pk=exc.other.pk)
        return redirect("plans:report")
    return redirect("jobs:detail", pk=job.pk)
