"""安心屋 pages: the cases, one case with its steps (the next one done by its role), the notice's
objections and answers, conflict-of-interest declarations, and the exemption dossier (.docx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.accounts.models import Role
from kechuang.audit.signals import record_export
from kechuang.transfer.forms import AnswerForm, CaseForm, DeclarationForm, ObjectionForm, StepForm
from kechuang.transfer.models import Achievement, Objection, TransferCase
from kechuang.transfer.services import cases as service
from kechuang.web.generic import ObjectListView, ObjectView

DENIED = gettext_lazy("您的角色无权查看安心屋事项")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class CaseList(ObjectListView):
    model = TransferCase
    resource = "transfer_case"
    denied_message = DENIED
    template_name = "transfer/cases.html"

    def page_rows(self, queryset):
        return queryset.select_related("achievement", "institution").prefetch_related("steps")

    def decorate(self, rows):
        for c in rows:
            c.next = service.next_step(c)
        return rows

    def extra_context(self, **kwargs):
        u = self.request.user
        return {"can_open": access.may_open(u, "transfer:case_new")}


class CaseDetail(ObjectView):
    model = TransferCase
    resource = "transfer_case"
    denied_message = DENIED
    template_name = "transfer/case.html"

    def extra_context(self, object):
        user = self.request.user
        step = service.next_step(object)
        mine = (
            step is not None and user.role == step.role and access.can_change(user, "transfer_case", object)
        )
        from kechuang.transfer.services import dossier_pdf

        return {
            "case": object,
            "pdf_available": dossier_pdf.available(),
            "rows": service.review(object),
            "next": step,
            "next_role": Role(step.role).label if step else "",
            "next_due": service.deadline(object, step) if step else None,
            "step_form": StepForm() if mine else None,
            "notice_ends": service.notice_ends(object),
            "objections": object.objections.all(),
            "objection_form": ObjectionForm() if step and step.code == "notice" else None,
            "answer_form": AnswerForm(),
            "may_answer": user.role == Role.UNIVERSITY_USER and user.org_id == object.institution_id,
            "declarations": object.declarations.all(),
            "declaration_form": DeclarationForm()
            if access.can_change(user, "transfer_case", object)
            else None,
            "may_change": access.can_change(user, "transfer_case", object),
        }


def _case(request, pk, action="change") -> TransferCase:
    return get_object_or_404(
        access.scoped(request.user, "transfer_case", TransferCase.objects.all(), action), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_case(request):
    access.deny_unless(access.may_open(request.user, "transfer:case_new"))
    achievements = access.changeable(request.user, "achievement", Achievement.objects.all())
    form = CaseForm(request.POST or None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = service.open_case(
                d["achievement"], d["kind"], d["counterparty"], request.user, d["price"], d["notice_days"]
            )
        except service.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交申请"))
            return redirect(case.get_absolute_url())
    return render(
        request, "transfer/edit.html", {"form": form, "title": _("安心屋申请"), "back": "transfer:cases"}
    )


@login_required
@require_POST
def do_step(request, pk):
    case = _case(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
        return redirect(case.get_absolute_url())
    d = form.cleaned_data
    try:
        service.do_step(
            case,
            request.user,
            request.POST.get("step", ""),
            d["approved"],
            d["comment"],
            d["documents"],
            d.get("valuation"),
            d.get("valuation_method", ""),
        )
    except service.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已办理"))
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def add_objection(request, pk):
    case = _case(request, pk, "view")
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            service.add_objection(case, **form.cleaned_data)
            messages.success(request, _("已登记异议"))
        except service.WorkflowError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def answer_objection(request, pk, objection):
    case = _case(request, pk)
    o = get_object_or_404(Objection, case=case, pk=objection)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            service.answer_objection(o, request.user, form.cleaned_data["answer"])
            messages.success(request, _("已答复异议"))
        except service.WorkflowError as exc:
            messages.error(request, str(exc))
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def add_declaration(request, pk):
    case = _case(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        d = form.save(commit=False)
        d.case = case
        d.save()
        messages.success(request, _("已记录利益冲突声明"))
    else:
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
    return redirect(case.get_absolute_url())


@login_required
def dossier(request, pk):
    case = _case(request, pk, "view")
    try:
        body = service.dossier(case)
    except service.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(case.get_absolute_url())
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    name = f"尽职免责材料-{case.achievement.code}-{case.pk}.docx"
    record_export(request.resolver_match.view_name, name)
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
def dossier_pdf(request, pk):
    """The same dossier as PDF (fpdf2 with a Chinese font; services.dossier_pdf)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from kechuang.transfer.services import dossier_pdf as pdf

    case = _case(request, pk, "view")
    if not pdf.available():
        messages.error(request, _("本机没有可用的中文字体或 PDF 组件，无法生成 PDF；请下载 Word 版"))
        return redirect(case.get_absolute_url())
    try:
        blocks = service.dossier_blocks(case)
    except service.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(case.get_absolute_url())
    name = f"尽职免责材料-{case.achievement.code}-{case.pk}.pdf"
    record_export(request.resolver_match.view_name, name)
    response = HttpResponse(pdf.render(blocks), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


urlpatterns = [
    path("cases/", CaseList.as_view(), name="cases"),
    path("cases/new/", new_case, name="case_new"),
    path("cases/<int:pk>/", CaseDetail.as_view(), name="case"),
    path("cases/<int:pk>/step/", do_step, name="case_step"),
    path("cases/<int:pk>/objection/", add_objection, name="case_objection"),
    path("cases/<int:pk>/objection/<int:objection>/answer/", answer_objection, name="case_answer"),
    path("cases/<int:pk>/declaration/", add_declaration, name="case_declaration"),
    path("cases/<int:pk>/dossier/", dossier, name="case_dossier"),
    path("cases/<int:pk>/dossier.pdf", dossier_pdf, name="case_dossier_pdf"),
]
