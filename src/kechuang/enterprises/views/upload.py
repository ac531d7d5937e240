"""Uploading department files: pick files → preview with the complete error report → confirm → a
background job (kechuang.jobs) imports them while its page shows the progress, then the result or
the complete error report.

The files wait between preview and confirmation in a per-user folder keyed by a random token kept
in the session (forms.StagedUpload); the confirmation queues the import of exactly those files, and
the job deletes them when it ends. All or nothing: a file with any bad row means nothing of the
upload is written. One enterprise import at a time: a confirmation while another is queued or
running is refused with a message naming it, and the files stay staged for a later confirmation.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.engine.enterprise_import import ERROR_KINDS
from kechuang.enterprises.forms import StagedUpload, UploadForm
from kechuang.enterprises.models import Upload
from kechuang.enterprises.services import EnterpriseImportError, check_files, start_import
from kechuang.jobs.services import JobBusy
from kechuang.web.generic import ObjectListView
from kechuang.web.uploads import confirmation, upload_too_large

DENIED = gettext_lazy("您的角色无权查看企业数据上传记录")


def _may_upload(request) -> None:
    access.deny_unless(access.can_change(request.user, "enterprise_upload"), _("您的角色无权上传企业数据"))


def _uploads(request):
    rows = access.scoped(request.user, "enterprise_upload", Upload.objects.all(), message=str(DENIED))
    return rows.order_by("-uploaded_at", "-id")


def _with_departments(uploads) -> list[Upload]:
    uploads = list(uploads)
    names = department_names(u.department for u in uploads)
    for u in uploads:
        u.department_name = names.get(u.department, u.department)
    return uploads


def _error_rows(errors: dict) -> list[dict]:
    """Per file: the errors, and how many of each kind (so the few real problems stand out)."""
    out = []
    for name, errs in errors.items():
        kinds = Counter(ERROR_KINDS.get(e.kind, e.kind or _("其他")) for e in errs)
        out.append(
            {
                "file": name,
                "total": errs.total,
                "summary": errs.summary(),
                "rows": list(errs),
                "kinds": kinds.most_common(),
                "unknown_codes": any(e.kind == "unknown_code" for e in errs),
            }
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _may_upload(request)
    refused = ""
    form = UploadForm()
    if request.method == "POST":
        request.FILES  # noqa: B018 — parse the body: the size check happens while parsing
        if upload_too_large(request):
            refused = _("文件超过 %(mb)s MB 的上限，未接收，没有写入任何数据。请拆分后分批上传。") % {
                "mb": settings.MAX_UPLOAD_MB
            }
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                staged = StagedUpload.stash(request, form.cleaned_data["files"])
                return _preview(request, staged)
    return render(
        request,
        "enterprises/upload.html",
        {
            "form": form,
            "refused": refused,
            "max_mb": settings.MAX_UPLOAD_MB,
            "recent": _with_departments(_uploads(request)[:10]),
        },
    )


def _preview(request, staged: StagedUpload, errors: dict | None = None, busy: str = ""):
    previews = staged.previews()
    ignored: dict[str, tuple[str, ...]] = {}
    if errors is None:
        try:
            ignored = {c.name: c.ignored for c in check_files(staged.paths, staged.names) if c.ignored}
        except EnterpriseImportError as exc:
            errors = exc.errors
    if errors:
        staged.discard(request)  # nothing to confirm: the files are not kept
    error_rows = _error_rows(errors or {})
    for p in previews:
        p.errors = next((e["total"] for e in error_rows if e["file"] == p.name), 0)
        p.ignored = ignored.get(p.name, ())
    return render(
        request,
        "enterprises/upload_preview.html",
        {
            "previews": previews,
            "errors": error_rows,
            "error_total": sum(e.total for e in (errors or {}).values()),
            "token": "" if errors else staged.token,
            "registry_rejected": any(p.kind == "registry" and p.errors for p in previews),
            "busy": busy,
        },
    )


@login_required
@require_POST
def upload_confirm(request):
    _may_upload(request)
    staged = StagedUpload.load(request, request.POST.get("token", ""))
    if (ended := confirmation(request, staged, "enterprises:upload")) is not None:
        return ended
    try:
        job = start_import(staged.folder, staged.paths, staged.names, request.user)
    except JobBusy as exc:
        return _preview(request, staged, errors={}, busy=str(exc))  # checked already; kept for later
    request.session.pop(StagedUpload.SESSION_KEY, None)  # the job owns the files now
    return redirect("jobs:detail", pk=job.pk)


class UploadList(ObjectListView):
    model = Upload
    resource = "enterprise_upload"
    denied_message = DENIED
    template_name = "enterprises/upload.html"

    def base_queryset(self):
        return Upload.objects.order_by("-uploaded_at", "-id")

    def decorate(self, rows):
        return _with_departments(rows)

    def extra_context(self, **kwargs):
        return {"listing": True, "can_upload": access.may_open(self.request.user, "enterprises:upload")}


uploads = UploadList.as_view()

urlpatterns = [
    path("upload/", upload, name="upload"),
    path("upload/confirm/", upload_confirm, name="upload_confirm"),
    path("uploads/", uploads, name="uploads"),
]
