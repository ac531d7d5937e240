"""Licences (先用后转): list, the licence page with its schedule as of a date (warnings before a due date
and when overdue), entry with a preview of the schedule, YAML import, revenue reports and milestone
events by the licensee, payments by the institution, the institution's income policy."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.engine.transfer.dues import KIND_LABELS
from kechuang.transfer.forms import (
    AsOfForm,
    EventForm,
    IncomePolicyForm,
    LicenceEditForm,
    LicenceForm,
    PaymentForm,
    RevenueReportForm,
    YamlUploadForm,
)
from kechuang.transfer.models import Achievement, IncomePolicy, Licence
from kechuang.transfer.services import licences as service
from kechuang.transfer.vocabulary import LicenceState
from kechuang.web.generic import ObjectListView, ObjectView
from kechuang.web.uploads import StagedFile, confirmation, too_large_message, upload_too_large

DENIED = gettext_lazy("您的角色无权查看许可合同")


def _as_of(request) -> date:
    form = AsOfForm(request.GET or None)
    return (form.is_valid() and form.cleaned_data.get("as_of")) or date.today()


class LicenceList(ObjectListView):
    model = Licence
    resource = "transfer_licence"
    denied_message = DENIED
    template_name = "transfer/licences.html"
    export_columns = (
        ("许可合同编号", "code"),
        ("成果编号", "achievement__code"),
        ("许可方", "institution__name"),
        ("被许可方", "licensee_name"),
        ("被许可方统一社会信用代码", "licensee_code"),
        ("签订日期", "signed_on"),
        ("状态", "state"),
    )
    export_name = "许可合同"

    def page_rows(self, queryset):
        return queryset.select_related("achievement", "institution")

    def extra_context(self, **kwargs):
        as_of = _as_of(self.request)
        rows = self.scoped("view")
        return {
            "as_of": as_of,
            "warnings": service.warnings_for(rows, as_of),
            "can_create": access.can_change(self.request.user, "transfer_licence"),
        }


class LicenceDetail(ObjectView):
    model = Licence
    resource = "transfer_licence"
    denied_message = DENIED
    template_name = "transfer/licence.html"
    lookup_field = "code"

    def base_queryset(self):
        return Licence.objects.select_related("achievement", "institution")

    def extra_context(self, object):
        user, as_of = self.request.user, _as_of(self.request)
        events = [
            (
                m["event"],
                _("%(name)s（%(event)s）") % {"name": m.get("name") or m["code"], "event": m["event"]},
            )
            for m in object.terms.get("milestones", [])
            if m.get("event")
        ]
        may_report = access.can_change(user, "licence_report", object)
        return {
            "lic": object,
            "s": service.schedule(object, as_of),
            "as_of": as_of,
            "as_of_form": AsOfForm(initial={"as_of": as_of}),
            "kind_labels": KIND_LABELS,
            "reports": object.reports.all(),
            "payments": object.payments.all(),
            "events": object.events.all(),
            "may_report": may_report,
            "may_pay": access.can_change(user, "transfer_licence", object),
            "report_form": RevenueReportForm() if may_report else None,
            "event_form": EventForm(events=events) if may_report and events else None,
            "payment_form": PaymentForm(),
            "d": service.distribution(object, as_of),
            "yaml": _yaml(object),
            "moves": [(s.value, s.label) for s in STATE_MOVES.get(object.state, ())],
            "may_edit": access.can_change(user, "transfer_licence", object)
            and object.state in service.EDITABLE_STATES,
            "revisions": service.revisions(object),
        }


def _yaml(licence: Licence) -> str:
    import yaml

    return yaml.safe_dump([service.yaml_shape(licence)], allow_unicode=True, sort_keys=False)


def _licence_for(request, code: str, resource: str) -> Licence:
    rows = access.scoped(request.user, resource, Licence.objects.all(), "change")
    return get_object_or_404(rows, code=code)


@login_required
@require_POST
def add_report(request, code):
    lic = _licence_for(request, code, "licence_report")
    form = RevenueReportForm(request.POST, licence=lic)
    if form.is_valid():
        report = form.save(commit=False)
        report.licence, report.reported_by = lic, request.user
        report.save()
        messages.success(request, _("已报告 %(p)s 的收入") % {"p": report.period})
    else:
        messages.error(request, _errors(form))
    return redirect(lic.get_absolute_url())


@login_required
@require_POST
def add_event(request, code):
    lic = _licence_for(request, code, "licence_report")
    events = [(m["event"], m["event"]) for m in lic.terms.get("milestones", []) if m.get("event")]
    form = EventForm(request.POST, events=events)
    if form.is_valid():
        if lic.events.filter(milestone=form.cleaned_data["milestone"]).exists():
            messages.error(request, _("该里程碑事件已记录，未覆盖"))
        else:
            event = form.save(commit=False)
            event.licence, event.recorded_by = lic, request.user
            event.save()
            messages.success(request, _("已记录里程碑事件"))
    else:
        messages.error(request, _errors(form))
    return redirect(lic.get_absolute_url())


@login_required
@require_POST
def add_payment(request, code):
    lic = _licence_for(request, code, "transfer_licence")
    form = PaymentForm(request.POST)
    if form.is_valid():
        payment = form.save(commit=False)
        payment.licence, payment.recorded_by = lic, request.user
        payment.save()
        messages.success(request, _("已记录收款 %(a)s 万元") % {"a": f"{payment.amount:g}"})
    else:
        messages.error(request, _errors(form))
    return redirect(lic.get_absolute_url())


# A licence's state moves only along these lines (the institution records what happened).
STATE_MOVES = {
    LicenceState.DRAFT: (LicenceState.ACTIVE, LicenceState.TERMINATED),
    LicenceState.ACTIVE: (LicenceState.SUSPENDED, LicenceState.COMPLETED, LicenceState.TERMINATED),
    LicenceState.SUSPENDED: (LicenceState.ACTIVE, LicenceState.TERMINATED),
}


@login_required
@require_POST
def change_state(request, code):
    lic = _licence_for(request, code, "transfer_licence")
    to = request.POST.get("state", "")
    if to not in STATE_MOVES.get(lic.state, ()):
        messages.error(request, _("许可合同不能从「%(a)s」变为该状态") % {"a": lic.get_state_display()})
    else:
        lic.state = to
        lic.save()
        messages.success(request, _("许可合同状态已改为「%(s)s」") % {"s": lic.get_state_display()})
    return redirect(lic.get_absolute_url())


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{' '.join(e)}" for k, e in form.errors.items()
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_licence(request):
    access.scoped(request.user, "transfer_licence", Licence.objects.none(), "change")
    achievements = access.changeable(request.user, "achievement", Achievement.objects.all())
    form = LicenceForm(request.POST or None, achievements=achievements)
    preview = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        draft = Licence(
            code=d["code"],
            achievement=d["achievement"],
            institution_id=d["achievement"].institution_id,
            licensee_code=form.validated.licensee,
            licensee_name=form.licensee_name,
            signed_on=d["signed_on"],
        )
        shape = service.terms_dict(form.validated)
        if request.POST.get("action") == "save":
            lic = service.create_licence(form.validated, d["achievement"], form.licensee_name)
            if not access.can_change(request.user, "transfer_licence", lic):
                raise access.AccessDenied(_("保存后的对象超出了您的权限范围"))
            messages.success(request, _("已保存许可合同 %(c)s") % {"c": lic.code})
            return redirect(lic.get_absolute_url())
        preview = service.schedule(draft, date.today(), terms=shape)
    return render(request, "transfer/licence_new.html", {"form": form, "preview": preview})


@login_required
@require_http_methods(["GET", "POST"])
def edit_licence(request, code):
    """The institution corrects a licence's terms: preview of the new schedule, then a new version
    with its reason; the previous terms stay in the audit trail and on the licence page."""
    lic = _licence_for(request, code, "transfer_licence")
    if lic.state not in service.EDITABLE_STATES:
        messages.error(request, _("「%(s)s」的许可合同不能再修改条款") % {"s": lic.get_state_display()})
        return redirect(lic.get_absolute_url())
    initial = {"signed_on": lic.signed_on, "terms": _terms_yaml(lic.terms), "version": lic.version}
    form = LicenceEditForm(request.POST or None, initial=initial, licence=lic)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                saved = service.revise_licence(lic, form.validated, form.cleaned_data["reason"])
            except service.LicenceEditError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("已保存第 %(v)s 版条款，应付计划已按新条款重算") % {"v": saved.version}
                )
                return redirect(saved.get_absolute_url())
        preview = service.schedule(lic, date.today(), terms=service.terms_dict(form.validated))
    return render(
        request,
        "transfer/licence_edit.html",
        {"form": form, "lic": lic, "preview": preview, "current": service.schedule(lic, date.today())},
    )


def _terms_yaml(terms: dict) -> str:
    import yaml

    return yaml.safe_dump(terms, allow_unicode=True, sort_keys=False)


STAGED_KEY = "licence_upload"


def _read_licences(request, staged):
    """The licences of the staged YAML file ready to create, or (None, problems)."""
    try:
        text = staged.path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [_("%(f)s 不是 UTF-8 编码的文本") % {"f": staged.name}]
    achievements = access.changeable(request.user, "achievement", Achievement.objects.all())
    try:
        return service.check_licences_yaml(text, achievements, staged.name), None
    except service.LicenceImportError as exc:
        return None, exc.problems


@login_required
@require_http_methods(["GET", "POST"])
def import_licences(request):
    """Choose a YAML file → the preview (every problem, or the licences and a confirm button) → confirm
    → imported, all or nothing (web.uploads: the one upload flow)."""
    access.scoped(request.user, "transfer_licence", Licence.objects.none(), "change")
    form, problems, refused, preview, token = YamlUploadForm(), None, "", None, ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("import", "cancel"):
        staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
        if (ended := confirmation(request, staged, "transfer:licence_import")) is not None:
            return ended
        try:
            rows, problems = _read_licences(request, staged)  # again: codes may have been taken meanwhile
            if rows is not None:
                created = service.import_licences(rows)
                n = len(created)
                messages.success(
                    request, ngettext("已导入 %(n)s 份许可合同", "已导入 %(n)s 份许可合同", n) % {"n": n}
                )
                return redirect("transfer:licences")
        finally:
            staged.discard(request)
    elif request.method == "POST":
        if upload_too_large(request):
            refused = too_large_message()
        else:
            form = YamlUploadForm(request.POST, request.FILES)
            if form.is_valid():
                staged = StagedFile.stash(request, STAGED_KEY, form.cleaned_data["file"])
                rows, problems = _read_licences(request, staged)
                if rows is None:
                    staged.discard(request)
                else:
                    preview, token = (
                        {"name": staged.name, "rows": [_preview_row(r) for r in rows]},
                        staged.token,
                    )
    return render(
        request,
        "transfer/licence_import.html",
        {"form": form, "problems": problems, "refused": refused, "preview": preview, "token": token},
    )


def _preview_row(row: dict) -> dict:
    lic = row["lic"]
    identity = ("code", "achievement", "licensee", "signed_on")
    terms = [key for key, value in service.terms_dict(lic).items() if key not in identity and value]
    return {"lic": lic, "achievement": row["achievement"], "licensee": row["name"], "terms": terms}


@login_required
@require_http_methods(["GET", "POST"])
def income_policy(request):
    access.scoped(request.user, "income_policy", IncomePolicy.objects.none(), "change")
    org = request.user.org
    policy = IncomePolicy.objects.filter(institution=org).first() or IncomePolicy(institution=org)
    form = IncomePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存收益分配政策"))
        return redirect("transfer:income_policy")
    return render(request, "transfer/income_policy.html", {"form": form})


urlpatterns = [
    path("licences/", LicenceList.as_view(), name="licences"),
    path("licences/export/", LicenceList.as_view(export=True), name="licences_export"),
    path("licences/new/", new_licence, name="licence_new"),
    path("licences/import/", import_licences, name="licence_import"),
    path("licences/policy/", income_policy, name="income_policy"),
    path("licences/<str:code>/", LicenceDetail.as_view(), name="licence"),
    path("licences/<str:code>/report/", add_report, name="licence_report"),
    path("licences/<str:code>/event/", add_event, name="licence_event"),
    path("licences/<str:code>/payment/", add_payment, name="licence_payment"),
    path("licences/<str:code>/state/", change_state, name="licence_state"),
    path("licences/<str:code>/edit/", edit_licence, name="licence_edit"),
]
