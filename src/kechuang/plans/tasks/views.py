"""Task pages: the board (by chapter / by department), one task with its reports, the report form,
evidence downloads and the department scorecard.

Thin: scope from kechuang.access, data from plans.tasks.services, then render. The departments and dates of
the tasks are a sample (示例分工) and every page that shows tasks says so.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.engine.years import parse_year
from kechuang.plans import asof
from kechuang.plans.models import Plan, Task, TaskReport
from kechuang.plans.services import default_plan
from kechuang.plans.tasks import services as task_service
from kechuang.plans.tasks.forms import BoardFilter, TaskReportForm
from kechuang.web.uploads import upload_too_large


def _plan() -> Plan:
    try:
        return default_plan()
    except Plan.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _when(request, plan: Plan) -> asof.AsOf:
    """The as-of of a task page: ``?as_of=2025`` (a year: its task date, plans.asof.task_date) or
    ``?as_of=2026-06-30`` (a date); default the latest year with official data, as on the overview."""
    raw = (request.GET.get("as_of") or "").strip()
    try:
        on = parse_date(raw) if len(raw) == 10 else None
    except ValueError:
        on = None
    if on is not None and parse_year(on.year) is None:
        on = None
    return asof.for_tasks(plan, parse_year(raw), on)


def _task(request, plan: Plan, code: str) -> Task:
    access.deny_unless(access.can_view(request.user, "task"))
    return get_object_or_404(access.visible(request.user, "task", Task.objects.filter(plan=plan)), code=code)


@login_required
@require_GET
def board(request):
    access.deny_unless(access.can_view(request.user, "task"))
    plan = _plan()
    chapters, _sections = task_service.outline(plan)
    departments = department_names()
    filters = BoardFilter(
        request.GET or None,
        chapters=chapters,
        departments=task_service.task_departments(plan, departments),
        statuses=[(s, _(task_service.TASK_STATUS_LABELS[s])) for s in task_service.STATUS_ORDER],
    )
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    view = "department" if request.GET.get("view") == "department" else "chapter"
    when = _when(request, plan)
    result = task_service.board(
        request.user,
        plan,
        by=view,
        chapter=f.get("chapter"),
        department=f.get("department") or "",
        status=f.get("status") or "",
        as_of=when.task_date,
    )
    query = request.GET.copy()
    query.pop("view", None)
    return render(
        request,
        "plans/tasks_board.html",
        {
            "plan": plan,
            "board": result,
            "when": when,
            "filters": filters,
            "view": view,
            "query": query.urlencode(),
            "department": f.get("department") or "",
            "own_department": _own_department(request.user, departments),
        },
    )


def _own_department(user, departments: dict[str, str]) -> str:
    code = user.org.code if getattr(user, "org_id", None) else ""
    return code if code in departments else ""


@login_required
@require_GET
def task_detail(request, code: str):
    plan = _plan()
    task = _task(request, plan, code)
    when = _when(request, plan)
    page = task_service.task_page(request.user, plan, task, when.task_date)
    form = _report_form(request, task, percent=page.row.percent)
    context = {"plan": plan, "page": page, "form": form, "when": when}
    return render(request, "plans/tasks_detail.html", context)


def _report_form(request, task: Task, data=None, files=None, percent=None) -> TaskReportForm | None:
    departments = task_service.report_departments(request.user, task)
    if not departments:
        return None
    return TaskReportForm(
        data,
        files,
        departments=departments,
        milestones=list(task.milestones.order_by("seq")),
        initial={"percent": percent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_report(request, code: str):
    """The progress report form: only for the departments that lead or co-lead the task (and the bureau)."""
    plan = _plan()
    task = _task(request, plan, code)
    access.deny_unless(
        access.can_change(request.user, "task", task), _("只有牵头或配合部门可以填报该任务的进展")
    )
    access.deny_unless(
        bool(task_service.report_departments(request.user, task)), _("只有牵头或配合部门可以填报该任务的进展")
    )
    if request.method == "POST":
        files = request.FILES  # parse the body first: the size check happens while parsing
        if upload_too_large(request):
            form = _report_form(request, task, request.POST)
            form.add_error("evidence", _("佐证材料超过上传大小上限，未保存"))
        else:
            form = _report_form(request, task, request.POST, files)
            if form.is_valid():
                d = form.cleaned_data
                report = task_service.submit_report(
                    task,
                    request.user,
                    d["department"],
                    d["percent"],
                    d["text"],
                    evidence=d.get("evidence"),
                    milestone_seqs=d.get("milestones") or [],
                )
                task.refresh_from_db()
                if task.completed and report.percent >= 100:
                    messages.success(request, _("进展已提交；牵头部门报告完成 100%，任务已标记为已完成"))
                else:
                    messages.success(request, _("进展已提交"))
                return redirect("plans:task", code=task.code)
    else:
        form = _report_form(request, task)
    when = _when(request, plan)
    page = task_service.task_page(request.user, plan, task, when.task_date)
    return render(
        request,
        "plans/tasks_detail.html",
        {"plan": plan, "page": page, "form": form, "focus": True, "when": when},
    )


@login_required
@require_GET
def task_evidence(request, pk: int):
    """An evidence file, to those who may see the report (files are not served from /media/)."""
    access.deny_unless(access.can_view(request.user, "task_report"))
    report = get_object_or_404(access.visible(request.user, "task_report", TaskReport.objects.all()), pk=pk)
    access.deny_unless(access.can_view(request.user, "task", report.task))
    if not report.evidence:
        raise Http404(_("该进展没有佐证材料"))
    return FileResponse(
        report.evidence.open("rb"), as_attachment=True, filename=Path(report.evidence.name).name
    )


@login_required
@require_GET
def departments(request):
    access.deny_unless(access.can_view(request.user, "task") and access.can_view(request.user, "indicator"))
    plan = _plan()
    when = _when(request, plan)
    rows, as_of_year = task_service.scorecard(request.user, plan, when)
    return render(
        request,
        "plans/tasks_departments.html",
        {"plan": plan, "rows": rows, "as_of_year": as_of_year, "when": when},
    )
