"""The job pages: the list of one's jobs, a job's page (progress polled with htmx, then the result or
the complete error report), the progress fragment and the cancel button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.jobs import services
from kechuang.jobs.models import ACTIVE, Job, Status
from kechuang.web.generic import ObjectListView, ObjectView

DENIED = gettext_lazy("您的角色无权查看后台任务")


def _context(request, job: Job) -> dict:
    if job.status == Status.RUNNING:
        services.recover_stale(lock=job.lock)  # a job whose worker died is shown as failed
        job.refresh_from_db()
    return {
        "job": job,
        "state": services.live_state(job),
        "active": job.status in ACTIVE,
        "kind_label": _(services.KIND_LABELS.get(job.kind, job.kind)),
        "title": services.title(job),
        "can_cancel": job.status in ACTIVE and access.can_change(request.user, "job", job),
    }


class JobList(ObjectListView):
    model = Job
    resource = "job"
    denied_message = DENIED
    template_name = "jobs/list.html"

    def base_queryset(self):
        return Job.objects.order_by("-created_at", "-id")

    def decorate(self, rows):
        for job in rows:
            job.kind_label = _(services.KIND_LABELS.get(job.kind, job.kind))
            job.shown_title = services.title(job)
        return rows


class JobDetail(ObjectView):
    model = Job
    resource = "job"
    denied_message = DENIED
    template_name = "jobs/detail.html"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        return render(request, self.template_name, _context(request, job))


class JobProgress(JobDetail):
    """The fragment the job page polls; once the job has ended, the page reloads (HX-Refresh) to
    show the result or the error report."""

    template_name = "jobs/_progress.html"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        context = _context(request, job)
        response = render(request, self.template_name, context)
        if not context["active"] and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


@login_required
def job_file(request, pk: int):
    """The file a finished job made (a report), for those who may see the job."""
    from django.http import FileResponse

    rows = access.scoped(request.user, "job", Job.objects.all(), message=str(DENIED))
    job = get_object_or_404(rows, pk=pk)
    path = services.job_file(job)
    if path is None:
        messages.warning(request, _("该任务没有可下载的文件（尚未完成，或文件已清理）。"))
        return redirect("jobs:detail", pk=job.pk)
    return FileResponse(path.open("rb"), as_attachment=path.suffix != ".html", filename=path.name)


@login_required
@require_POST
def cancel(request, pk: int):
    rows = access.scoped(request.user, "job", Job.objects.all(), "change", message=_("您无权取消这项任务"))
    job = get_object_or_404(rows, pk=pk)
    outcome = services.cancel(job)
    if outcome == "cancelled":
        messages.info(request, _("任务已取消，没有写入任何数据。"))
    elif outcome == "requested":
        messages.info(request, _("正在取消：任务会在下一步停止并撤销已写入的内容。"))
    else:
        messages.warning(request, _("任务已经结束，无法取消。"))
    return redirect("jobs:detail", pk=job.pk)


job_list = JobList.as_view()
job_detail = JobDetail.as_view()
job_progress = JobProgress.as_view()
