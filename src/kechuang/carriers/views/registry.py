"""The carriers' home, registry, one carrier's page (figures from the registry, recognition check,
evaluations, 「一院一策」 targets) and the operator's annual report (form and upload)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kechuang import access
from kechuang.carriers import report_job, services
from kechuang.carriers.forms import CarrierFilterForm, ReportForm
from kechuang.carriers.models import Carrier, CarrierReport, IncubatedEnterprise, TalentApplication
from kechuang.carriers.vocabulary import INCUBATION_KINDS, CarrierKind, ExitReason
from kechuang.jobs.services import JobBusy
from kechuang.regions import region_names
from kechuang.web.generic import ObjectListView, ObjectView, xlsx_response
from kechuang.web.uploads import (
    StagedFile,
    confirmation,
    refused_type_message,
    too_large_message,
    upload_too_large,
)

DENIED = gettext_lazy("您的角色无权查看创新载体")
STAGED_KEY = "carriers_upload"  # the checked file waiting for confirmation (web.uploads.StagedFile)


def latest_year() -> int:
    from django.db.models import Max

    return CarrierReport.objects.aggregate(y=Max("year"))["y"] or 2025


@login_required
def home(request):
    access.scoped(request.user, "carriers_home", Carrier.objects.none())
    user = request.user
    sections = [
        (name, label)
        for name, label, resource in (
            ("carriers:list", _("载体名录"), "carrier"),
            ("carriers:evaluations", _("评价结果"), "carrier_evaluation"),
            ("carriers:instruments", _("仪器设施共享"), "instrument"),
            ("carriers:bookings", _("预约记录"), "booking"),
            ("carriers:talents", _("人才分类评价"), "talent_application"),
        )
        if access.can_view(user, resource)
    ]
    carriers = access.visible(user, "carrier", Carrier.objects.all())  # none() without the right
    counts = []
    if access.can_view(user, "carrier"):
        counts = [(label, carriers.filter(kind=kind).count()) for kind, label in CarrierKind.choices]
    actions = [
        (name, label)
        for name, label in (
            ("carriers:talent_apply", _("申报人才分类评价")),
            ("carriers:report_upload", _("上传年度报告")),
        )
        if access.may_open(user, name)
    ]
    # an operator's own carriers and an applicant's own applications, on its landing page
    mine = carriers[:20] if access.scope_kind(user, "carrier") == "own_org" else []
    applications = (
        access.visible(user, "talent_application", TalentApplication.objects.all())[:20]
        if access.scope_kind(user, "talent_application") == "own_user"
        else []
    )
    return render(
        request,
        "carriers/home.html",
        {
            "sections": sections,
            "counts": counts,
            "actions": actions,
            "mine": mine,
            "applications": applications,
        },
    )


class CarrierList(ObjectListView):
    model = Carrier
    resource = "carrier"
    denied_message = DENIED
    template_name = "carriers/list.html"
    filter_form = CarrierFilterForm
    export_columns = (
        ("编号", "code"),
        ("名称", "name"),
        ("类型", "kind"),
        ("级别", "level"),
        ("所属镇街", "region_code"),
        ("专业领域", "specialisation"),
        ("场地面积（㎡）", "area"),
        ("状态", "status"),
    )
    export_name = "创新载体名录"

    def page_rows(self, queryset):
        return queryset.select_related("operator")

    def decorate(self, rows):
        names = region_names()
        for r in rows:
            r.region_name = names.get(r.region_code, r.region_code)
        return rows


class CarrierDetail(ObjectView):
    model = Carrier
    resource = "carrier"
    denied_message = DENIED
    template_name = "carriers/carrier.html"
    lookup_field = "code"

    def extra_context(self, object=None, **kwargs):
        c = object
        year = int(self.request.GET.get("year") or latest_year())
        ctx = {"year": year, "region_name": region_names().get(c.region_code, c.region_code)}
        ctx["report"] = c.reports.filter(year=year).first()
        ctx["can_report"] = (
            access.can_change(self.request.user, "carrier_report", ctx["report"])
            if ctx["report"]
            else (
                access.scope_kind(self.request.user, "carrier_report", "change") is not None
                and access.visible(self.request.user, "carrier", Carrier.objects.filter(pk=c.pk)).exists()
            )
        )
        figures = services.carrier_frame(Carrier.objects.filter(pk=c.pk), year).to_dicts()[0]
        ctx["figures"] = figures
        if c.kind in INCUBATION_KINDS or c.kind == CarrierKind.INSTITUTION:
            ctx["verdict"] = services.recognition(c, year)
        if c.kind in INCUBATION_KINDS:
            ctx["incubated"] = (
                IncubatedEnterprise.objects.filter(carrier=c)
                .exclude(exit_reason=ExitReason.MISTAKEN)  # entered by mistake: never incubated here
                .select_related("enterprise")
                .order_by("-entered_year")[:50]
            )
        if c.kind == CarrierKind.INSTITUTION:
            ctx["targets"] = services.target_status(c, year)
        ctx["template_names"] = services.TEMPLATES
        ctx["evaluations"] = access.visible(self.request.user, "carrier_evaluation", c.evaluations.all())
        ctx["instruments"] = c.instruments.all()
        ctx["withdrawals"] = c.withdrawals.select_related("evaluation")
        ctx["can_withdraw"] = c.status == "active" and access.may_open(self.request.user, "carriers:withdraw")
        ctx["can_restore"] = c.status == "withdrawn" and access.may_open(
            self.request.user, "carriers:withdraw_revoke"
        )
        ctx["flagged"] = c.evaluations.filter(consequence=True).exists()
        # the operator keeps its own carrier's incubated enterprises and 「一院一策」 values
        ctx["can_upkeep"] = access.changeable(
            self.request.user, "carrier_upkeep", Carrier.objects.filter(pk=c.pk)
        ).exists()
        return ctx


def _my_carrier(request, code: str) -> Carrier:
    """A carrier whose reports the user may write (404 outside the scope)."""
    access.scoped(request.user, "carrier_report", CarrierReport.objects.none(), "change")
    carriers = access.visible(request.user, "carrier", Carrier.objects.all())
    return get_object_or_404(carriers, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, code: str):
    """The annual report of one carrier and year: create, or edit the existing one."""
    carrier = _my_carrier(request, code)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or latest_year())
    except ValueError:
        year = latest_year()
    existing = carrier.reports.filter(year=year).first()
    if existing is not None and not access.can_change(request.user, "carrier_report", existing):
        raise access.AccessDenied(_("无权修改该报告"))
    form = ReportForm(
        request.POST or None,
        instance=existing or CarrierReport(carrier=carrier, year=year),
        kind=carrier.kind,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save(commit=False)
            obj.carrier, obj.year, obj.submitted_by = carrier, year, request.user
            obj.save()
        messages.success(request, _("%(y)s 年度报告已保存") % {"y": year})
        return redirect(f"{carrier.get_absolute_url()}?year={year}")
    return render(request, "carriers/report.html", {"carrier": carrier, "form": form, "year": year})


@login_required
def report_template(request):
    access.scoped(request.user, "carrier_report", CarrierReport.objects.none(), "change")
    return xlsx_response(services.report_template_xlsx(), "载体年度报告模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request):
    """Excel upload of annual reports: preview with every row error, then confirm or give up
    (web.uploads.confirmation: the one upload flow); the confirmation queues a background job
    (progress on the job's page); all or nothing."""
    access.scoped(request.user, "carrier_report", CarrierReport.objects.none(), "change")
    carriers = access.visible(request.user, "carrier", Carrier.objects.all())
    ctx: dict = {}
    if request.method == "POST" and request.POST.get("action") in ("import", "cancel"):
        staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
        if (ended := confirmation(request, staged, "carriers:report_upload")) is not None:
            return ended
        try:
            job = report_job.start(staged.folder, staged.path, staged.name, request.user)
        except JobBusy as exc:
            ctx["error"] = str(exc)  # the file stays staged for a later confirmation
            ctx["token"] = staged.token
        else:
            staged.release(request)  # the job owns the file now
            return redirect("jobs:detail", pk=job.pk)
    elif request.method == "POST":
        f = request.FILES.get("file")
        if upload_too_large(request):
            ctx["error"] = too_large_message()
        elif f is None:
            ctx["error"] = _("请选择文件")
        elif Path(f.name).suffix.lower() not in (".xlsx", ".csv"):
            ctx["error"] = refused_type_message()
        else:
            staged = StagedFile.stash(request, STAGED_KEY, f)  # replaces an earlier unconfirmed one
            ctx["checked"] = checked = services.check_report_upload(staged.path, carriers)
            if checked.errors.rejected:
                staged.discard(request)  # nothing to confirm: the file is not kept
            else:
                ctx["token"] = staged.token
    return render(request, "carriers/report_upload.html", ctx)


urlpatterns = [
    path("", home, name="home"),
    path("list/", CarrierList.as_view(), name="list"),
    path("list/export/", CarrierList.as_view(export=True), name="list_export"),
    path("c/<str:code>/", CarrierDetail.as_view(), name="carrier"),
    path("c/<str:code>/report/", report, name="report"),
    path("reports/upload/", report_upload, name="report_upload"),
    path("reports/template/", report_template, name="report_template"),
]
