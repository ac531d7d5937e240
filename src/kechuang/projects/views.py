"""Pages of 重大科技项目. Thin: rows come from kechuang.access (scoped), rules from services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.projects import evaluation, evaluations, services
from kechuang.projects.forms import (
    AcceptanceForm,
    ApplicationForm,
    CallForm,
    ConflictForm,
    EthicsForm,
    EvaluationForm,
    MilestoneReportForm,
    ScoreForm,
    SpendingForm,
)
from kechuang.projects.models import (
    Application,
    Assignment,
    Call,
    Milestone,
    Project,
    Tranche,
)
from kechuang.projects.views_outputs import output_context
from kechuang.projects.views_portfolio import stake_context
from kechuang.projects.vocabulary import SCORING_SHEETS, ApplicationStatus, CallStatus
from kechuang.web.generic import ObjectEditView, ObjectListView

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _scoped(request, resource: str, queryset, action: str = "view"):
    return access.scoped(request.user, resource, queryset, action)


@login_required
def home(request):
    calls = _scoped(request, "project_call", Call.objects.all())
    context = {"calls": calls, "portfolio": None}
    if access.can_view(request.user, "project_oversight"):
        context["portfolio"] = services.portfolio()
    if access.can_change(request.user, "project_review"):
        mine = Assignment.objects.filter(expert=request.user, score__isnull=True)
        context["reviews"] = _scoped(request, "project_review", mine, "change")
    return render(request, "projects/home.html", context)


@login_required
def call_detail(request, pk: int):
    call = get_object_or_404(_scoped(request, "project_call", Call.objects.all()), pk=pk)
    user = request.user
    eligibility = None
    may_apply = (
        access.can_change(user, "project_application") and user.org_id and call.status == CallStatus.OPEN
    )
    if may_apply and not access.can_view(user, "project_oversight"):
        try:
            eligibility = services.check_eligibility(call, user.org)
        except services.ProjectError as exc:
            messages.error(request, str(exc))
    applications = access.visible(user, "project_application", call.applications.select_related("applicant"))
    ranking = None
    if access.can_view(user, "project_oversight"):
        ranking = _ranking_rows(call)
    try:
        rules = services.eligibility_ruleset(call)
    except services.ProjectError:
        rules = None
    context = {
        "call": call,
        "eligibility": eligibility,
        "may_apply": may_apply,
        "applications": applications.order_by("rank", "code"),
        "ranking": ranking,
        "rules": rules.conditions if rules else [],
        "template": evaluation.shipped().classes[call.project_class],
        "may_decide": access.can_change(user, "project_oversight"),
    }
    return render(request, "projects/call.html", context)


def _ranking_rows(call: Call) -> list[dict]:
    result = services.ranking(call)
    titles = {
        code: (title, title_en)
        for code, title, title_en in call.applications.values_list("code", "title", "title_en")
    }
    left = float(call.budget)
    rows = []
    for row in result.iter_rows(named=True):
        left -= row["amount"]
        title, title_en = titles.get(row["application"], ("", ""))
        rows.append({**row, "title": title, "title_en": title_en, "left": left})
    return rows


@login_required
@require_POST
def call_decide(request, pk: int):
    call = get_object_or_404(_scoped(request, "project_oversight", Call.objects.all(), "change"), pk=pk)
    if request.POST.get("action") == "gate":
        try:
            result = services.race_gate(call, timezone.localdate())
        except services.ProjectError as exc:
            messages.error(request, str(exc))
        else:
            kept = result.filter(result["kept"]).height
            dropped = result.height - kept
            gate = ngettext(
                "赛马制阶段评估：保留 %(k)d 个团队，%(dropped)s",
                "赛马制阶段评估：保留 %(k)d 个团队，%(dropped)s",
                kept,
            )
            out = ngettext("淘汰 %(d)d 个", "淘汰 %(d)d 个", dropped) % {"d": dropped}
            messages.success(request, gate % {"k": kept, "dropped": out})
    elif call.status == CallStatus.DECIDED:
        messages.error(request, _("该指南已立项，不能重新分配专家或确定资助"))
    elif request.POST.get("action") in ("close", "reopen"):
        try:
            services.set_call_open(call, request.POST["action"] == "reopen")
        except services.ProjectError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("指南已停止征集，进入评审")
                if call.status == CallStatus.REVIEW
                else _("指南已重新开放申报"),
            )
    elif request.POST.get("action") == "assign":
        done = services.assign_experts(call, services.expert_pool())
        n = sum(1 for v in done.values() if v)
        messages.success(
            request, ngettext("已分配评审专家：%(n)d 项申报", "已分配评审专家：%(n)d 项申报", n) % {"n": n}
        )
    else:
        try:
            result = services.decide(call)
        except services.ProjectError as exc:
            messages.error(request, str(exc))
        else:
            n = result.filter(result["funded"]).height
            messages.success(
                request, ngettext("已按排名确定资助：%(n)d 项", "已按排名确定资助：%(n)d 项", n) % {"n": n}
            )
    return HttpResponseRedirect(call.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, pk: int):
    call = get_object_or_404(_scoped(request, "project_call", Call.objects.all()), pk=pk)
    _scoped(request, "project_application", Application.objects.none(), "change")  # 403 without the right
    if not request.user.org_id or call.status != CallStatus.OPEN:
        raise access.AccessDenied(_("该指南当前不接受申报"))
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                application = services.new_application(
                    call, request.user.org, data["title"], data["requested"], data["summary"],
                    form.member_codes(), title_en=data.get("title_en") or "",
                )  # fmt: skip
                if data.get("attachment"):
                    application.attachment = data["attachment"]
                if not access.can_create(request.user, "project_application", application):
                    raise access.AccessDenied(_("无权以该单位申报"))
                services.save_application(application)
        except services.ProjectError as exc:
            form.add_error("members", str(exc))
        else:
            messages.success(request, _("申报已保存为草稿，请核对后提交"))
            return HttpResponseRedirect(application.get_absolute_url())
    return render(request, "projects/apply.html", {"call": call, "form": form})


class CallEdit(ObjectEditView):
    """A programme officer writes or edits a call (指南/榜单)."""

    model = Call
    resource = "project_call"
    form_class = CallForm
    template_name = "projects/call_edit.html"


class ApplicationList(ObjectListView):
    model = Application
    resource = "project_application"
    template_name = "projects/applications.html"

    def page_rows(self, queryset):
        return queryset.select_related("call", "applicant").order_by("call__code", "rank", "code")


@login_required
def application_detail(request, pk: int):
    application = get_object_or_404(_scoped(request, "project_application", Application.objects.all()), pk=pk)
    user = request.user
    context = {
        "application": application,
        "members": application.members.select_related("org"),
        "may_submit": access.can_change(user, "project_application", application)
        and application.status in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE),
        "reviews": None,
    }
    if access.can_view(user, "project_oversight"):
        context["reviews"] = application.assignments.select_related("expert").order_by("expert__username")
        context["conflicts"] = application.conflicts.select_related("expert")
    return render(request, "projects/application.html", context)


@login_required
@require_POST
def application_submit(request, pk: int):
    queryset = _scoped(request, "project_application", Application.objects.all(), "change")
    application = get_object_or_404(queryset, pk=pk)
    try:
        result = services.submit(application)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        if result.eligible == "no":
            messages.error(request, _("不符合申报条件：%(why)s") % {"why": result.note_shown})
        else:
            messages.success(request, _("已提交，资格审查：%(label)s") % {"label": result.label})
    return HttpResponseRedirect(application.get_absolute_url())


class ReviewList(ObjectListView):
    model = Assignment
    resource = "project_review"
    template_name = "projects/reviews.html"

    def page_rows(self, queryset):
        return queryset.select_related("application__call", "expert").order_by("score", "application__code")


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    assignment = get_object_or_404(
        _scoped(request, "project_review", Assignment.objects.select_related("application__call")), pk=pk
    )
    application = assignment.application
    initial = {
        f"item_{i}": assignment.items.get(c)
        for i, (c, _w) in enumerate(SCORING_SHEETS[application.call.project_class])
    }
    form = ScoreForm(application.call.project_class, initial={**initial, "comment": assignment.comment})
    conflict_form = ConflictForm()
    mine = assignment.expert_id == request.user.pk
    if request.method == "POST":
        access.deny_unless(access.can_change(request.user, "project_review", assignment) and mine)
        if request.POST.get("action") == "conflict":
            conflict_form = ConflictForm(request.POST)
            if conflict_form.is_valid():
                services.declare_conflict(request.user, application, conflict_form.cleaned_data["reason"])
                messages.success(request, _("已声明回避，您对该申报的评分不计入排名"))
                return HttpResponseRedirect(reverse("projects:reviews"))
        else:
            form = ScoreForm(application.call.project_class, request.POST)
            if form.is_valid():
                try:
                    services.record_score(assignment, form.items(), form.cleaned_data["comment"])
                except services.ProjectError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request, _("评分已保存：%(score)s 分") % {"score": f"{assignment.score:g}"}
                    )
                    return HttpResponseRedirect(reverse("projects:reviews"))
    declared = application.conflicts.filter(expert=request.user).exists()
    context = {"assignment": assignment, "application": application, "form": form, "conflict_form": conflict_form,
               "mine": mine, "declared": declared}  # fmt: skip
    return render(request, "projects/review.html", context)


class ProjectList(ObjectListView):
    model = Project
    resource = "major_project"
    template_name = "projects/projects.html"

    def page_rows(self, queryset):
        return queryset.select_related("application__call", "applicant").order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk: int):
    project = get_object_or_404(_scoped(request, "major_project", Project.objects.all()), pk=pk)
    user = request.user
    may_report = access.can_change(user, "major_project", project)
    oversight = access.can_change(user, "project_oversight")
    action = request.POST.get("action")
    spending_form = SpendingForm(request.POST if action == "spending" else None)
    ethics_form = EthicsForm(request.POST if action == "ethics" else None)
    goals = project.application.call.goals or []
    acceptance_form = AcceptanceForm(goals, request.POST if action == "acceptance" else None)
    may_evaluate = access.can_change(user, "project_evaluation", project)
    evaluated = set(project.evaluations.values_list("period", flat=True))
    remaining = [p for p in evaluations.template_of(project).periods if p not in evaluated]
    evaluation_form = EvaluationForm(
        evaluations.template_of(project),
        request.POST if action == "evaluate" else None,
        prefix="ev",
        initial={"period": remaining[0] if remaining else None},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "spending":
                access.deny_unless(may_report)
                if spending_form.is_valid():
                    row = services.add_spending(project, **spending_form.cleaned_data)
                    if row.flagged:
                        messages.warning(
                            request, _("支出已记录，但触及负面清单：%(why)s") % {"why": row.reason}
                        )
                    else:
                        messages.success(request, _("支出已记录"))
                    return HttpResponseRedirect(project.get_absolute_url())
            elif action == "report":
                access.deny_unless(may_report)
                milestone = get_object_or_404(Milestone, project=project, pk=request.POST.get("milestone"))
                form = MilestoneReportForm(request.POST)
                if form.is_valid():
                    services.report_milestone(milestone, form.cleaned_data["value"])
                    messages.success(request, _("里程碑已报告"))
                return HttpResponseRedirect(project.get_absolute_url())
            elif action == "verify":
                access.deny_unless(oversight)
                milestone = get_object_or_404(Milestone, project=project, pk=request.POST.get("milestone"))
                services.verify_milestone(milestone)
                messages.success(request, _("里程碑已核验"))
                return HttpResponseRedirect(project.get_absolute_url())
            elif action == "ethics":
                access.deny_unless(may_report or oversight)
                if ethics_form.is_valid():
                    services.add_ethics_approval(project, **ethics_form.cleaned_data)
                    messages.success(request, _("伦理审查批准已登记"))
                    return HttpResponseRedirect(project.get_absolute_url())
            elif action == "acceptance":
                access.deny_unless(oversight)
                if acceptance_form.is_valid():
                    data = acceptance_form.cleaned_data
                    results = services.acceptance_results(project, acceptance_form.entries())
                    services.record_acceptance(project, results, data["decided_on"], data["conditions"])
                    messages.success(request, _("验收结论已记录"))
                    return HttpResponseRedirect(project.get_absolute_url())
            elif action == "evaluate":
                access.deny_unless(may_evaluate)
                if evaluation_form.is_valid():
                    data = evaluation_form.cleaned_data
                    scores, evidence = evaluation_form.sheet()
                    try:
                        row = evaluations.record(
                            project, period=data["period"], scores=scores, evidence=evidence,
                            evaluated_on=data["evaluated_on"], by=user, comment=data["comment"],
                        )  # fmt: skip
                    except services.ProjectError as exc:
                        evaluation_form.add_error(None, str(exc))
                    else:
                        messages.success(
                            request,
                            _("分类评价已记录：%(total)s 分，%(grade)s")
                            % {
                                "total": f"{row.total:g}",
                                "grade": evaluation.shipped().grade_label(row.grade),
                            },
                        )
                        return HttpResponseRedirect(project.get_absolute_url() + "#evaluation")
            elif action == "release":
                access.deny_unless(oversight)
                tranche = get_object_or_404(Tranche, project=project, pk=request.POST.get("tranche"))
                services.release(tranche)
                messages.success(request, _("已拨付第 %(n)d 期") % {"n": tranche.number})
                return HttpResponseRedirect(project.get_absolute_url())
        except services.ProjectError as exc:
            messages.error(request, str(exc))
    tranches = [{"t": t, "blockers": services.release_blockers(t)} for t in project.tranches.all()]
    context = {
        "project": project,
        "call": project.application.call,
        "milestones": project.milestones.all(),
        "tranches": tranches,
        "spending": project.spending.all(),
        "spending_form": spending_form,
        "ethics_form": ethics_form,
        "acceptance_form": acceptance_form if goals else None,
        "acceptance": getattr(project, "acceptance", None),
        "ethics": project.ethics_approvals.all(),
        "ethics_missing": services.ethics_missing(project),
        "needs_ethics": services.needs_ethics(project),
        "gaps": services.exemption_gaps(project) if project.stage == "failed" else None,
        "may_report": may_report,
        "oversight": oversight,
        **stake_context(request, project),
        **output_context(request, project),
        "evaluation_template": evaluations.template_of(project),
        "evaluation_class": evaluation.shipped().classes[project.application.call.project_class],
        "evaluations": [
            evaluations.as_dict(e) for e in evaluations.visible(user, Project.objects.filter(pk=project.pk))
        ],
        # the form while a period is left (a one-off class has one) or a refused sheet is shown again
        "evaluation_form": evaluation_form
        if may_evaluate and (remaining or evaluation_form.is_bound)
        else None,
    }
    return render(request, "projects/project.html", context)


@login_required
def exemption(request, pk: int):
    project = get_object_or_404(_scoped(request, "major_project", Project.objects.all()), pk=pk)
    try:
        body = services.exemption_dossier(project)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(project.get_absolute_url())
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"责任豁免材料-{project.code}.docx"
    )
    return response
