"""Public pages (no login) and the bureau's page that chooses what is published."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kechuang import access
from kechuang.engine.plan_labels import OPENSDG_LABELS, WARNING_LABELS
from kechuang.engine.years import parse_year
from kechuang.plans import asof
from kechuang.plans.models import Indicator, Plan
from kechuang.plans.monitoring import charts
from kechuang.portal import services
from kechuang.portal.models import Publication

MAX_LENGTH = {"name_en": 200}


def _plan() -> Plan:
    plan = Plan.objects.order_by("pk").first()
    if plan is None:
        raise Http404(_("尚未加载规划"))
    return plan


@dataclass
class AsOf:
    year: int | None  # the year the page speaks about
    simulated: bool  # the year is past the official data: simulated values are shown, marked 模拟
    years: list[tuple[int, bool]]  # the selectable years, (year, simulated only)


def _as_of(request, plan: Plan) -> AsOf:
    """The latest year with official data, unless the visitor picks another year that has data; the
    simulated years are selectable only where the site shows them (never in production)."""
    show = settings.PORTAL_SHOW_SIMULATED
    official = asof.official_year(plan)  # the year the portal speaks about, the default of every page
    years = services.selectable_years(plan, include_simulated=show)
    chosen = parse_year(request.GET.get("as_of"))
    year = chosen if chosen in {y for y, _s in years} else official
    simulated = bool(show and year is not None and (official is None or year > official))
    return AsOf(year, simulated, years)


def _card(indicator: Indicator, row: dict | None) -> dict:
    row = row or {}
    return {
        "ind": indicator,
        "pub": indicator.publication,
        "latest_value": row.get("latest_value"),
        "latest_year": row.get("latest_year"),
        "warning": row.get("warning"),
        "warning_label": _(WARNING_LABELS[row["warning"]]) if row.get("warning") else _("无法评估"),
        "opensdg_label": _(OPENSDG_LABELS[row["opensdg_status"]]) if row.get("opensdg_status") else "",
        "progress": row.get("progress"),
    }


@require_GET
def home(request):
    plan = _plan()
    as_of = _as_of(request, plan)
    indicators = list(services.published_indicators(plan))
    rows = services.evaluation(plan, as_of.year, as_of.simulated)
    context = {
        "plan": plan,
        "as_of": as_of,
        "cards": [_card(i, rows.get(i.code)) for i in indicators],
        "status": services.status(indicators, rows),
    }
    return render(request, "portal/home.html", context)


def _published(plan: Plan, code: str) -> Indicator:
    return get_object_or_404(services.published_indicators(plan), code=code)


@require_GET
def indicator(request, code: str):
    plan = _plan()
    ind = _published(plan, code)
    as_of = _as_of(request, plan)
    row = services.evaluation(plan, as_of.year, as_of.simulated).get(code)
    points = services.series(ind, plan.region_code, as_of.year or 0, as_of.simulated)
    chart = charts.indicator_chart(
        [{"year": p["year"], "value": p["value"], "simulated": p["simulated"]} for p in points],
        row,
        ind.unit,
        ind.target_year,
        ind.target_value,
    )
    sources = sorted({p["source"] for p in points if p["source"]})
    context = {
        "plan": plan,
        "as_of": as_of,
        "card": _card(ind, row),
        "points": points,
        "chart": chart,
        "sources": sources,
        "tilemap": services.tile_map(plan, as_of.year, code, as_of.simulated),
        "measure": code,
    }
    return render(request, "portal/indicator.html", context)


def _attachment(body: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def indicator_csv(request, code: str):
    plan = _plan()
    ind = _published(plan, code)
    body = services.as_csv(services.download_rows(plan, ind, settings.PORTAL_SHOW_SIMULATED))
    return _attachment(body.encode("utf-8"), "text/csv; charset=utf-8", f"{ind.code}.csv")


@require_GET
def indicator_json(request, code: str):
    plan = _plan()
    ind = _published(plan, code)
    pub = ind.publication
    body = {
        "indicator": ind.code,
        "name": ind.name,
        "name_en": pub.name_en,
        "unit": ind.unit,
        "target_year": ind.target_year,
        "target_value": ind.target_value,
        "baseline_year": ind.baseline_year,
        "baseline_value": ind.baseline_value,
        "methodology": pub.methodology,
        "methodology_en": pub.methodology_en,
        "source": pub.source,
        "data": services.download_rows(plan, ind, settings.PORTAL_SHOW_SIMULATED),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{ind.code}.json"'
    return response


@require_GET
def search(request):
    plan = _plan()
    text = request.GET.get("q", "")[:100]
    return render(
        request,
        "portal/search.html",
        {"plan": plan, "q": text, "results": list(services.search(plan, text)) if text.strip() else None},
    )


@require_GET
def tile_map(request):
    plan = _plan()
    as_of = _as_of(request, plan)
    indicators = list(services.published_indicators(plan))
    codes = {i.code for i in indicators}
    measure = request.GET.get("measure", "index")
    if measure != "index" and measure not in codes:
        measure = "index"
    context = {
        "plan": plan,
        "as_of": as_of,
        "indicators": indicators,
        "measure": measure,
        "tilemap": services.tile_map(plan, as_of.year, measure, as_of.simulated),
    }
    return render(request, "portal/map.html", context)


@login_required
def manage(request):
    """The bureau chooses which indicators are public, with their English name, method and source."""
    access.deny_unless(access.can_change(request.user, "plan"))
    plan = _plan()
    services.ensure_publications(plan)
    publications = list(Publication.objects.filter(indicator__plan=plan).select_related("indicator"))
    if request.method == "POST":
        errors = []
        for pub in publications:
            name_en = request.POST.get(f"name_en-{pub.pk}", "").strip()
            if len(name_en) > MAX_LENGTH["name_en"]:
                errors.append(_("%(name)s 的英文名称超过 200 字") % {"name": pub.indicator.name})
        if errors:
            for error in errors:
                messages.error(request, error)
        else:
            with transaction.atomic():
                for pub in publications:
                    new = {
                        "published": request.POST.get(f"published-{pub.pk}") == "on",
                        "name_en": request.POST.get(f"name_en-{pub.pk}", "").strip(),
                        "methodology": request.POST.get(f"methodology-{pub.pk}", "").strip(),
                        "methodology_en": request.POST.get(f"methodology_en-{pub.pk}", "").strip(),
                        "source": request.POST.get(f"source-{pub.pk}", "").strip(),
                    }
                    if any(getattr(pub, k) != v for k, v in new.items()):
                        for k, v in new.items():
                            setattr(pub, k, v)
                        pub.save()
            messages.success(request, _("已保存公开发布设置"))
            return redirect("portal:manage")
    return render(request, "portal/manage.html", {"plan": plan, "publications": publications})
