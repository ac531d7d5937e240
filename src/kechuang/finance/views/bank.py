"""The bank side: consenting enterprises (only the consented fields), applications, decisions and
loan performance (page, Excel upload). Every read of consented data is in the audit trail."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kechuang import access
from kechuang.audit.signals import record_export
from kechuang.finance import vocabulary as v
from kechuang.finance.forms import DecisionForm, OutcomesUploadForm
from kechuang.finance.models import Application, Consent
from kechuang.finance.services import applications as apps_service
from kechuang.finance.services import consent as consent_service
from kechuang.finance.views.common import current_scores, page
from kechuang.web.generic import write_xlsx, xlsx_response
from kechuang.web.uploads import upload_too_large

SESSION_KEY = "finance_outcomes_upload"


def _consented(request):
    access.scoped(request.user, "consent", Consent.objects.none())
    s = current_scores(request)
    q = (request.GET.get("q") or "").strip()[:50]
    return s, q, consent_service.consented_rows(request.user, s, q)


@login_required
@require_GET
def enterprises(request):
    access.scoped(request.user, "consent", Consent.objects.none())
    s = current_scores(request)
    q = (request.GET.get("q") or "").strip()[:50]
    shown = Paginator(consent_service.consents_in_force(request.user, q), 50).get_page(
        request.GET.get("page")
    )
    rows = consent_service.consented_rows(request.user, s, consents=list(shown))
    consent_service.record_read("page", "finance:enterprises", rows)
    context = {"rows": rows, "page": shown, "q": q, "year": s.year, "model": s.model}
    return page(request, "finance/enterprises.html", context)


@login_required
@require_GET
def enterprises_export(request):
    s, q, rows = _consented(request)
    headers = [_("金融机构"), _("统一社会信用代码"), _("创新积分"), _("阶段"), _("层级"), _("授权截止日")]
    fields = [f for f in v.SHAREABLE if any(f in r["fields"] for r in rows)]
    headers += [f"{v.SHAREABLE[f]}（{v.UNITS[f]}）" if f in v.UNITS else str(v.SHAREABLE[f]) for f in fields]
    body_rows = []
    for r in rows:
        shown = dict(zip(r["fields"], (val for _lab, val, _unit in r["values"]), strict=True))
        body_rows.append(
            [
                r["bank"].name,
                r["credit_code"],
                None if r["points"] is None else round(r["points"], 2),
                r["stage"],
                r["tier"],
                r["consent"].valid_until,
            ]
            + [shown.get(f, "") if f in r["fields"] else _("未授权") for f in fields]
        )
    name = f"{_('授权企业')}-{timezone.localdate():%Y%m%d}.xlsx"
    consent_service.record_read("export", "finance:enterprises_export", rows)
    record_export("finance:enterprises_export", name, len(body_rows), request.GET.urlencode())
    return xlsx_response(write_xlsx(_("授权企业"), headers, body_rows), name)


def _applications(request):
    rows = access.scoped(request.user, "loan", Application.objects.all())
    rows = rows.select_related("enterprise", "product", "bank")
    status = request.GET.get("decision") or ""
    if status in dict(v.DECISIONS):
        rows = rows.filter(decision=status)
    return rows


def _read_rows(apps_) -> list[dict]:
    return [{"credit_code": a.enterprise.credit_code, "fields": ["points", "stage", "tier"]} for a in apps_]


@login_required
@require_GET
def applications(request):
    rows = _applications(request)
    current = Paginator(rows, 50).get_page(request.GET.get("page"))
    shown = list(current)
    decidable = (
        set(
            access.visible(
                request.user, "loan_decision", Application.objects.filter(pk__in=[a.pk for a in shown])
            ).values_list("pk", flat=True)
        )
        if access.can_change(request.user, "loan_decision")
        else set()
    )
    named = consent_service.names_shown(request.user, shown)
    for a in shown:
        a.can_decide = a.pk in decidable
        a.shown_name = a.enterprise.name if a.pk in named else ""
    consent_service.record_read("page", "finance:applications", _read_rows(shown))
    return page(
        request,
        "finance/applications.html",
        {
            "rows": shown,
            "page": current,
            "count": current.paginator.count,
            "decisions": v.DECISIONS,
            "performance": v.PERFORMANCE,
            "status": request.GET.get("decision") or "",
            "can_upload": access.can_change(request.user, "loan_decision"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def applications_export(request):
    rows = list(_applications(request)[:20000])
    named = consent_service.names_shown(request.user, rows)
    headers = [
        _("申请编号"),
        _("企业"),
        _("统一社会信用代码"),
        _("产品"),
        _("金融机构"),
        _("积分年度"),
        _("申请时积分"),
        _("测算额度（万元）"),
        _("申请金额（万元）"),
        _("审批结果"),
        _("批准金额（万元）"),
        _("审批日期"),
        _("贷后表现"),
        _("表现日期"),
        _("模拟"),
    ]
    body = [
        [
            a.pk,
            a.enterprise.name if a.pk in named else _("未授权"),
            a.enterprise.credit_code,
            a.product.name,
            a.bank.name,
            a.year,
            None if a.points is None else round(a.points, 2),
            a.line,
            a.amount_requested,
            str(a.get_decision_display()),
            a.amount,
            a.decided_on,
            str(a.get_performance_display()) if a.performance else "",
            a.performance_on,
            str(v.SIMULATED) if a.simulated else "",
        ]
        for a in rows
    ]
    name = f"{_('融资申请')}-{timezone.localdate():%Y%m%d}.xlsx"
    consent_service.record_read("export", "finance:applications_export", _read_rows(rows))
    record_export("finance:applications_export", name, len(body), request.GET.urlencode())
    return xlsx_response(write_xlsx(_("融资申请"), headers, body), name)


@login_required
@require_POST
def decide(request):
    access.scoped(request.user, "loan_decision", Application.objects.none(), "change")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[k].label if k in form.fields else k}：{' '.join(e)}"
            for k, e in form.errors.items()
        )
        messages.error(request, _("未保存：%(p)s") % {"p": problems})
        return HttpResponseRedirect(reverse("finance:applications"))
    d = form.cleaned_data
    decision = apps_service.Decision(
        decision=d["decision"],
        amount=d["amount"],
        decided_on=d["decided_on"],
        performance=d["performance"] or "",
        performance_on=d["performance_on"],
    )
    try:
        app = apps_service.decide(request.user, d["application"], decision)
    except apps_service.ApplicationError as exc:
        messages.error(request, _("申请 %(id)s 未保存：%(e)s") % {"id": d["application"], "e": exc})
    else:
        messages.success(
            request, _("申请 %(id)s 已保存：%(d)s") % {"id": app.pk, "d": app.get_decision_display()}
        )
    return HttpResponseRedirect(reverse("finance:applications"))


@login_required
@require_GET
def outcomes_template(request):
    access.scoped(request.user, "loan_decision", Application.objects.none(), "change")
    rows = access.changeable(request.user, "loan_decision", Application.objects.all()).select_related(
        "enterprise", "product"
    )[:20000]
    named = consent_service.names_shown(request.user, rows)
    body = [
        [
            a.pk,
            str(a.get_decision_display()),
            a.amount,
            a.decided_on,
            str(a.get_performance_display()) if a.performance else "",
            a.performance_on,
            a.enterprise.credit_code,
            a.enterprise.name if a.pk in named else "",
            a.product.name,
        ]
        for a in rows
    ]
    headers = [
        *apps_service.UPLOAD_COLUMNS,
        _("统一社会信用代码（仅供核对，不导入）"),
        _("企业（仅供核对，不导入）"),
        _("产品（仅供核对，不导入）"),
    ]
    name = f"{_('审批与贷后表现')}-{timezone.localdate():%Y%m%d}.xlsx"
    consent_service.record_read("export", "finance:outcomes_template", _read_rows(rows))
    record_export("finance:outcomes_template", name, len(body), "")
    return xlsx_response(
        write_xlsx(_("审批与贷后表现"), headers, body, widths=(10, 10, 16, 12, 12, 12, 22, 30, 16)), name
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcomes_upload(request):
    access.scoped(request.user, "loan_decision", Application.objects.none(), "change")
    if request.method == "POST" and upload_too_large(request):
        return page(
            request, "finance/outcomes_upload.html", {"form": OutcomesUploadForm(), "too_large": True}
        )
    form = OutcomesUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return page(request, "finance/outcomes_upload.html", {"form": form})
    f = form.cleaned_data["file"]
    suffix = Path(f.name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        form.add_error("file", _("文件须为 .xlsx 或 .csv"))
        return page(request, "finance/outcomes_upload.html", {"form": form})
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"upload{suffix}"
        with target.open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        check = apps_service.check_upload(request.user, target)
    if not check.errors:
        request.session[SESSION_KEY] = {"rows": check.rows, "file": f.name[:100]}
    return page(
        request, "finance/outcomes_preview.html", {"check": check, "file": f.name, "rows": check.rows[:200]}
    )


@login_required
@require_POST
def outcomes_confirm(request):
    access.scoped(request.user, "loan_decision", Application.objects.none(), "change")
    staged = request.session.pop(SESSION_KEY, None)
    if not staged or request.POST.get("action") != "import":
        messages.info(request, _("已放弃本次上传，没有写入任何数据"))
        return HttpResponseRedirect(reverse("finance:outcomes_upload"))
    try:
        n = apps_service.apply_upload(request.user, staged["rows"])
    except apps_service.ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("finance:outcomes_upload"))
    messages.success(request, _("已导入 %(n)s 条审批与贷后表现（%(f)s）") % {"n": n, "f": staged["file"]})
    return HttpResponseRedirect(reverse("finance:applications"))


urlpatterns = [
    path("enterprises/", enterprises, name="enterprises"),
    path("enterprises/export/", enterprises_export, name="enterprises_export"),
    path("applications/", applications, name="applications"),
    path("applications/export/", applications_export, name="applications_export"),
    path("applications/decide/", decide, name="decide"),
    path("outcomes/upload/", outcomes_upload, name="outcomes_upload"),
    path("outcomes/confirm/", outcomes_confirm, name="outcomes_confirm"),
    path("outcomes/template/", outcomes_template, name="outcomes_template"),
]
