"""The points home, the model page and the enterprise portrait."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.enterprises.models import Fact
from kechuang.jobs.services import JobBusy
from kechuang.points import portrait
from kechuang.points import vocabulary as words
from kechuang.points.models import PointsModel, PointsModelVersion, PointsRun
from kechuang.points.services import start_run, version_model
from kechuang.web.names import localized

DENIED = _("您的角色无权查看创新积分")


def _may_view(request) -> None:
    access.deny_unless(access.can_view(request.user, "points"), DENIED)


def _own_code(user) -> str:
    return user.org.credit_code if user.org_id and user.org.credit_code else ""


def _context(cur: portrait.Current, active: str) -> dict:
    return {
        "cur": cur,
        "active": active,
        "sample": cur.is_sample,
        "sample_note": words.SAMPLE_NOTE,
        "lists": [(t.code, words.list_name(localized(t))) for t in cur.model.tiers],
    }


@login_required
def home(request):
    _may_view(request)
    if access.scope_kind(request.user, "points") == "own_enterprise":
        code = _own_code(request.user)
        if not code:
            raise Http404(_("您的账户未关联企业"))
        return redirect("points:enterprise", credit_code=code)
    cur = portrait.current(request.GET.get("year"))
    rows = portrait.scores(request.user, cur.run)
    context = _context(cur, "home")
    if cur.run:
        context["table"] = portrait.stage_tier_table(cur.run, cur.model, rows)
        context["charts"] = portrait.distribution(request.user, cur.run, cur.model)
        context["visible_count"] = rows.count()
    if access.can_change(request.user, "points"):
        context["can_run"] = True
        context["fact_years"] = sorted(
            set(Fact.objects.values_list("year", flat=True).distinct()), reverse=True
        )
    context["runs"] = PointsRun.objects.select_related("version__model").order_by("-started_at", "-id")[:20]
    return render(request, "points/home.html", context)


@login_required
@require_POST
def run(request):
    access.deny_unless(access.can_change(request.user, "points"), _("您的角色无权计算创新积分"))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not Fact.objects.filter(year=year).exists():
        messages.error(request, _("没有该年度的企业数据，未计算"))
        return redirect("points:home")
    try:
        job = start_run(year, request.user)
    except JobBusy as exc:
        messages.error(request, str(exc))
        return redirect("points:home")
    return redirect("jobs:detail", pk=job.pk)


def _model_page(request, version: PointsModelVersion | None):
    _may_view(request)
    cur = portrait.current()
    if version is None:
        version = cur.version
    model = version_model(version) if version else cur.model
    stages = model.stages
    groups = {g.code: localized(g) for g in model.group_list()}
    indicators = [
        {
            "code": i.code,
            "name": localized(i),
            "group": groups.get(i.group, i.group),
            "expr": i.expr,
            "bonus": i.bonus,
            "weights": [i.weights[s.code] for s in stages],
        }
        for i in model.indicators
    ]
    totals = [sum(i.weights[s.code] for i in model.indicators if not i.bonus) for s in stages]
    context = _context(cur, "model")
    context.update(
        {
            "sample": model.is_sample,
            "shown": model,
            "shown_version": version,
            "indicators": indicators,
            "totals": totals,
            "models": PointsModel.objects.prefetch_related("versions").order_by("-is_active", "code"),
            "runs": PointsRun.objects.filter(version=version).order_by("-year", "-started_at")
            if version
            else [],
        }
    )
    return render(request, "points/model.html", context)


@login_required
def model(request):
    return _model_page(request, None)


@login_required
def version(request, pk: int):
    return _model_page(request, get_object_or_404(PointsModelVersion, pk=pk))


@login_required
def enterprise(request, credit_code: str):
    _may_view(request)
    cur = portrait.current(request.GET.get("year"))
    page = portrait.enterprise_portrait(request.user, credit_code, cur)
    if page is None:
        raise Http404(_("未找到该企业的创新积分"))
    context = _context(cur, "enterprise")
    context["p"] = page
    return render(request, "points/enterprise.html", context)
