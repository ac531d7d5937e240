"""Achievements (职务科技成果库): list with filters and Excel export, detail (IP rights, licences, income
shares of each inventor, matching demands), create/edit by the institution, import CSV/XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.accounts.models import OrgKind
from kechuang.transfer import vocabulary as v
from kechuang.transfer.forms import AchievementFilterForm, AchievementForm, IPRightForm, UploadForm
from kechuang.transfer.models import Achievement, Licence
from kechuang.transfer.services import achievements as service
from kechuang.transfer.services import licences as licence_service
from kechuang.web.generic import ObjectEditView, ObjectListView, ObjectView
from kechuang.web.uploads import StagedFile, confirmation, too_large_message, upload_too_large

DENIED = gettext_lazy("您的角色无权查看科技成果")
EXPORT_COLUMNS = (
    ("成果编号", "code"),
    ("完成单位", "institution__name"),
    ("成果名称", "title"),
    ("技术领域", "field"),
    ("关键词", "keywords"),
    ("完成人", "inventors"),
    ("技术就绪水平", "trl"),
    ("权属", "ownership"),
    ("意向价格", "asking_price"),
    ("状态", "status"),
)


class AchievementList(ObjectListView):
    model = Achievement
    resource = "achievement"
    denied_message = DENIED
    template_name = "transfer/achievements.html"
    export_columns = EXPORT_COLUMNS
    export_name = "科技成果"
    export_widths = (18, 24, 40)

    def get_filter_form(self, queryset):
        institutions = list(queryset.order_by().values_list("institution_id", "institution__name").distinct())
        return AchievementFilterForm(self.request.GET or None, institutions=sorted(set(institutions)))

    def decorate(self, rows):
        for a in rows:
            a.trl_label = v.readiness_label(a.trl)
        return rows

    def extra_context(self, **kwargs):
        return {
            "can_create": _is_institution(self.request.user)
            and access.can_change(self.request.user, "achievement"),
            "scale_note": v.READINESS_SCALE_NOTE,
        }


def _is_institution(user) -> bool:
    return bool(user.org_id and user.org.kind == OrgKind.UNIVERSITY)


class AchievementDetail(ObjectView):
    model = Achievement
    resource = "achievement"
    denied_message = DENIED
    template_name = "transfer/achievement.html"

    def base_queryset(self):
        return Achievement.objects.select_related("institution")

    def extra_context(self, object):
        user = self.request.user
        licences = access.visible(user, "transfer_licence", Licence.objects.filter(achievement=object))
        shares = []
        # the reward of each inventor: for the institution and the bureau, not for the licensee
        for lic in licences if access.can_view(user, "income_policy") else ():
            d = licence_service.distribution(lic)
            shares.append({"licence": lic, "d": d})
        from kechuang.transfer.services import matching
        from kechuang.transfer.views import income, rewards

        return {
            **income.context_for(user, object),
            **rewards.context_for(user, object),
            "a": object,
            "trl_label": v.readiness_label(object.trl),
            "mode_labels": [str(v.MODE_LABELS.get(m, m)) for m in object.modes or []],
            "ip_rights": object.ip_rights.all(),
            "licences": licences,
            "shares": shares,
            "can_edit": access.can_change(user, "achievement", object),
            "levels": v.readiness_levels(),
            "scale_note": v.READINESS_SCALE_NOTE,
            "ip_form": IPRightForm(),
            "demands": matching.demands_for(user, object),
        }


class AchievementEdit(ObjectEditView):
    model = Achievement
    resource = "achievement"
    form_class = AchievementForm
    template_name = "transfer/edit.html"
    denied_message = gettext_lazy("只有高校院所用户可以登记和修改本单位的科技成果")

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            access.deny_unless(_is_institution(self.request.user), str(self.denied_message))
            obj.institution = self.request.user.org
        return obj

    def extra_context(self, **kwargs):
        return {"title": _("科技成果"), "back": "transfer:achievements"}


@login_required
@require_POST
def add_ip_right(request, pk):
    a = get_object_or_404(
        access.scoped(request.user, "achievement", Achievement.objects.all(), "change"), pk=pk
    )
    form = IPRightForm(request.POST)
    if form.is_valid():
        ip = form.save(commit=False)
        ip.achievement = a
        ip.save()
        messages.success(request, _("已添加知识产权 %(n)s") % {"n": ip.number})
    else:
        messages.error(
            request, "；".join(f"{form.fields[k].label}：{' '.join(e)}" for k, e in form.errors.items())
        )
    return redirect(a.get_absolute_url())


# ---------------------------------------------------------------------------------------------
# Import: file → preview with every row error → confirm → result (all or nothing)
# ---------------------------------------------------------------------------------------------

STAGED_KEY = "achievement_upload"


@login_required
@require_http_methods(["GET", "POST"])
def import_achievements(request):
    """Choose a file → the preview (every row error, or the rows with new/updated) → confirm or give
    up → imported, checked again on confirmation (web.uploads: the one upload flow)."""
    access.scoped(request.user, "achievement", Achievement.objects.none(), "change")
    access.deny_unless(_is_institution(request.user), _("只有高校院所用户可以导入本单位的科技成果"))
    institution = request.user.org
    context = {"form": UploadForm(), "errors": None, "rows": None, "headers": v.ACHIEVEMENT_HEADERS}
    if request.method == "POST" and request.POST.get("action") in ("import", "cancel"):
        staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
        if (ended := confirmation(request, staged, "transfer:achievement_import")) is not None:
            return ended
        try:
            try:
                rows = service.check_file(staged.path, institution, staged.name)
            except service.AchievementImportError as exc:
                context["errors"] = exc.errors
                return render(request, "transfer/achievement_import.html", context)
            result = service.import_rows(rows, institution)
        finally:
            staged.discard(request)
        messages.success(
            request,
            _("导入完成：新增 %(c)s 项，更新 %(u)s 项。") % {"c": result.created, "u": result.updated},
        )
        return redirect("transfer:achievements")
    if request.method == "POST":
        if upload_too_large(request):
            context["refused"] = too_large_message()
            return render(request, "transfer/achievement_import.html", context)
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            staged = StagedFile.stash(request, STAGED_KEY, form.cleaned_data["file"])
            context["file_name"] = staged.name
            try:
                rows = service.check_file(staged.path, institution, staged.name)
            except service.AchievementImportError as exc:
                staged.discard(request)
                context["errors"] = exc.errors
            else:
                context.update(rows=rows, token=staged.token, new=sum(not r["exists"] for r in rows))
    return render(request, "transfer/achievement_import.html", context)


urlpatterns = [
    path("achievements/", AchievementList.as_view(), name="achievements"),
    path("achievements/export/", AchievementList.as_view(export=True), name="achievements_export"),
    path("achievements/new/", AchievementEdit.as_view(), name="achievement_new"),
    path("achievements/import/", import_achievements, name="achievement_import"),
    path("achievements/<int:pk>/", AchievementDetail.as_view(), name="achievement"),
    path("achievements/<int:pk>/edit/", AchievementEdit.as_view(), name="achievement_edit"),
    path("achievements/<int:pk>/ip/", add_ip_right, name="achievement_ip"),
]
