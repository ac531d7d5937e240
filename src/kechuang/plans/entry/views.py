"""Data entry pages: one value by web form, the Excel template, file upload (preview → confirm →
background job, plans.entry.upload), upload batches.

Thin: each view checks scope with kechuang.access, calls plans.entry.services (or the observations service)
and renders. Nothing is written unless the whole row or file passes the checks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.jobs.services import JobBusy
from kechuang.plans.discipline import services as discipline
from kechuang.plans.discipline import task_reporting
from kechuang.plans.entry import services as entry
from kechuang.plans.entry import upload as upload_job
from kechuang.plans.entry.forms import ObservationForm, UploadForm
from kechuang.plans.entry.xlsx_template import build_template
from kechuang.plans.models import Plan
from kechuang.plans.observations import ObservationImportError
from kechuang.plans.services import default_plan
from kechuang.regions import region_names
from kechuang.web import names
from kechuang.web.uploads import (
    StagedFile,
    confirmation,
    refused_type_message,
    too_large_message,
    upload_too_large,
)

TEMPLATE_FILENAME = "指标数据填报模板.xlsx"


def _plan() -> Plan:
    try:
        return default_plan()
    except Plan.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _may_enter(request) -> None:
    access.deny_unless(access.can_change(request.user, "observation"), _("您的角色无权填报指标数据"))


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request):
    _may_enter(request)
    plan = _plan()
    writable = entry.writable(request.user, plan)
    previous = None
    if request.method == "POST":
        form = ObservationForm(request.POST, writable=writable)
        if form.is_valid():
            d = form.cleaned_data
            ind = form.indicator_obj()
            previous = entry.previous_value(request.user, plan, ind.code, d["region"], d["year"])
            changed = previous is not None and (
                previous.value != d["value"] or previous.source != d["source"]
            )
            if changed and d.get("replaces") != str(previous.pk):
                data = request.POST.copy()
                data["replaces"] = str(previous.pk)
                form = ObservationForm(data, writable=writable)
                form.is_valid()
                return render(
                    request,
                    "plans/entry_form.html",
                    _form_context(request, plan, writable, form, previous=previous, confirming=True),
                )
            try:
                result = entry.enter(
                    request.user, plan, ind, d["region"], d["year"], d["value"], d["source"], d["note"]
                )
            except ObservationImportError as exc:
                form.add_row_errors(exc.errors)
            else:
                what = {
                    "indicator": names.localized(ind),
                    "region": region_names().get(d["region"], d["region"]),
                    "year": d["year"],
                    "value": f"{d['value']:g}",
                    "unit": names.unit(ind.unit, ind.unit_en),
                }
                if result.unchanged:
                    messages.info(
                        request,
                        _(
                            "%(indicator)s · %(region)s · %(year)s 年：%(value)s %(unit)s 与现有数值相同，未写入新版本"
                        )
                        % what,
                    )
                elif result.revised:
                    messages.success(
                        request,
                        _(
                            "已保存修订：%(indicator)s · %(region)s · %(year)s 年：%(value)s %(unit)s（原值保留在修订历史中）"
                        )
                        % what,
                    )
                else:
                    messages.success(
                        request,
                        _("已保存：%(indicator)s · %(region)s · %(year)s 年：%(value)s %(unit)s") % what,
                    )
                for warning in result.warnings:
                    messages.warning(request, _("已保存，但请核实：%(warning)s") % {"warning": warning})
                # Back to an empty form that keeps the indicator and region (the next value is often the next year).
                return redirect(
                    f"{reverse('plans:entry')}?{urlencode({'indicator': ind.code, 'region': d['region']})}"
                )
    else:
        initial = {"year": plan.start_year - 1}
        initial.update({k: request.GET[k] for k in ("indicator", "region") if request.GET.get(k)})
        form = ObservationForm(writable=writable, initial=initial)
    return render(
        request, "plans/entry_form.html", _form_context(request, plan, writable, form, previous=previous)
    )


def _form_context(request, plan, writable, form, previous=None, confirming=False) -> dict:
    return {
        "plan": plan,
        "form": form,
        "writable": writable,
        "previous": previous,
        "confirming": confirming,
        "recent": entry.recent_entries(request.user, plan),
        "notice": discipline.notice_for(request.user, plan, timezone.localdate()),
        "task_notice": task_reporting.task_notice_for(request.user, plan, timezone.localdate()),
        "tab": "form",
        "may_enter": True,
    }


@login_required
@require_GET
def entry_previous(request):
    """htmx: the value already stored for the chosen indicator, region and year (a correction's warning)."""
    _may_enter(request)
    plan = _plan()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    previous = None
    if year and request.GET.get("indicator") and request.GET.get("region"):
        previous = entry.previous_value(
            request.user, plan, request.GET["indicator"], request.GET["region"], year
        )
    return render(request, "plans/entry_previous.html", {"previous": previous, "year": year})


@login_required
@require_GET
def entry_template(request):
    """The Excel template with drop-downs of the indicators and regions this user may write."""
    _may_enter(request)
    plan = _plan()
    writable = entry.writable(request.user, plan)
    access.deny_unless(bool(writable.indicators), _("没有您可以填报的指标"))
    content = build_template(plan, writable.indicators, writable.regions, department_names())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=TEMPLATE_FILENAME
    )
    return response


STAGED_KEY = "observation_upload"


@login_required
@require_http_methods(["GET", "POST"])
def entry_upload(request):
    """Choose a file → the preview (every row error, or what will be written and a confirm button)."""
    _may_enter(request)
    plan = _plan()
    refused = ""
    form = UploadForm()
    if request.method == "POST":
        if upload_too_large(request):
            refused = too_large_message()
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                if not entry.suffix_ok(form.cleaned_data["file"].name):
                    form.add_error("file", refused_type_message())
                else:
                    staged = StagedFile.stash(request, STAGED_KEY, form.cleaned_data["file"])
                    return _preview(request, plan, staged)
    return _upload_page(request, plan, form, refused)


def _upload_page(request, plan, form, refused=""):
    return render(
        request,
        "plans/entry_upload.html",
        {
            "plan": plan,
            "form": form,
            "refused": refused,
            "writable": entry.writable(request.user, plan),
            "max_mb": settings.MAX_UPLOAD_MB,
            "tab": "upload",
            "may_enter": True,
        },
    )


def _preview(request, plan, staged: StagedFile, busy: str = ""):
    checked = upload_job.check_upload(staged.path, staged.name, plan, request.user)
    if not checked.ok:
        staged.discard(request)  # nothing to confirm: the file is not kept
    return render(
        request,
        "plans/entry_upload_preview.html",
        {
            "plan": plan,
            "checked": checked,
            "token": staged.token if checked.ok else "",
            "busy": busy,
            "tab": "upload",
            "may_enter": True,
        },
    )


@login_required
@require_POST
def entry_upload_confirm(request):
    """Confirm → the background job (its page shows the progress, then the result); or give up."""
    _may_enter(request)
    plan = _plan()
    staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
    if (ended := confirmation(request, staged, "plans:entry_upload")) is not None:
        return ended
    try:
        job = upload_job.start_import(plan, staged.folder, staged.path, staged.name, request.user)
    except JobBusy as exc:
        return _preview(request, plan, staged, busy=str(exc))  # kept for a later confirmation
    staged.release(request)  # the job owns the file now
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def entry_batches(request):
    access.deny_unless(access.can_view(request.user, "observation_batch"), _("您的角色无权查看上传记录"))
    page = Paginator(entry.visible_batches(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/entry_batches.html",
        {"page": page, "tab": "batches", "may_enter": access.can_change(request.user, "observation")},
    )


@login_required
@require_GET
def entry_batch(request, pk: int):
    access.deny_unless(access.can_view(request.user, "observation_batch"), _("您的角色无权查看上传记录"))
    batch = get_object_or_404(entry.visible_batches(request.user), pk=pk)
    summary = entry.batch_summary(request.user, batch)
    return render(
        request,
        "plans/entry_batch.html",
        {
            "summary": summary,
            "tab": "batches",
            "may_enter": access.can_change(request.user, "observation"),
            "back": reverse("plans:entry_batches"),
        },
    )
