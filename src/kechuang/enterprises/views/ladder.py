"""Enterprise pages: the ladder dashboard (梯度培育看板), the 企业培育 menu entry `enterprises:home`.

Thin: the scope comes from kechuang.access (the user's visible enterprises), the figures from
enterprises.ladder (TierRecord counts, projection) and enterprises.pools (reserve sizes).
"""

from __future__ import annotations

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.enterprises import ladder, page_cache, pools
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.qualification import TIER_LABELS
from kechuang.regions import CITY_CODE, region_names


def own_enterprise_redirect(user):
    """An 企业用户 goes to its own enterprise page (built in views.registry as enterprises:detail)."""
    ent = access.visible(user, "enterprise", Enterprise.objects.all()).order_by("id").first()
    code = ent.credit_code if ent else getattr(user.org, "credit_code", "") if user.org_id else ""
    try:
        return redirect(reverse("enterprises:detail", args=[code]))
    except NoReverseMatch as exc:
        raise Http404(_("未找到本企业的画像页面")) from exc


def is_enterprise_user(user) -> bool:
    return access.scope_kind(user, "enterprise") == "own_enterprise"


def region_choices(counts: pl.DataFrame) -> list[tuple[str, str]]:
    """The city (when more than one town is visible) and each visible town with records."""
    names = region_names()
    towns = sorted(set(counts["region"].to_list()) - {""})
    city = [(CITY_CODE, names[CITY_CODE])] if len(towns) > 1 else []
    return city + [(c, names.get(c, c)) for c in towns]


def _year(text, years: list[int]) -> int | None:
    try:
        year = int(text)
    except (TypeError, ValueError):
        return years[-1] if years else None
    return year if year in years else (years[-1] if years else None)


def _projection(
    user, region: str, industrial: pl.DataFrame, scale: ladder.Scale, version: tuple
) -> dict | None:
    if not access.can_view(user, "indicator"):
        return None
    from django.db.models import Count, Max
    from django.utils.translation import get_language

    from kechuang.plans.models import Observation, Plan
    from kechuang.plans.services import DEFAULT_PLAN

    plans = access.visible(user, "plan", Plan.objects.all())
    plan = plans.filter(code=DEFAULT_PLAN).first() or plans.order_by("id").first()
    if plan is None:
        return None
    observations = access.visible(user, "observation", Observation.objects.filter(indicator__plan=plan))

    def compute() -> dict | None:
        proj = ladder.projection(plan, region, observations, ladder.city_and_towns(industrial), scale)
        if proj:
            proj["chart"] = ladder.projection_chart(proj, scale)
        return proj or None

    # Observations are append-only (a correction is a new revision row): their count and highest id
    # change with every new value; targets edited in place are picked up within 5 minutes.
    seen = observations.aggregate(n=Count("id"), m=Max("id"))
    key = ("ladder-projection", page_cache.scope_key(observations), plan.pk, region, seen["n"], seen["m"])
    return page_cache.cached((*key, get_language()), compute, version, timeout=300)


def town_headers() -> list[tuple[str, str]]:
    return [
        ("name", _("镇街")),
        ("kexiao", _("科小")),
        ("gaoqi", _("高企")),
        ("guishang_gaoqi", _("规上高企")),
        ("lingjun", _("领军")),
        ("ladder", _("梯队合计")),
        ("industrial", _("规上工业高企")),
        ("change", _("比上年")),
        ("reserve", _("高企后备")),
    ]


@login_required
def home(request):
    user = request.user
    enterprises = access.scoped(user, "enterprise", Enterprise.objects.all())
    if is_enterprise_user(user):
        return own_enterprise_redirect(user)
    scope, version = page_cache.scope_key(enterprises), page_cache.version()
    # The heavy figures, computed once per data version and scope, shared by the web workers.
    counts, industrial = page_cache.cached(
        ("ladder", scope),
        lambda: (ladder.tier_counts(enterprises), ladder.industrial_hightech_counts(enterprises)),
        version,
    )
    regions = region_choices(counts)
    region = request.GET.get("region") or (regions[0][0] if regions else CITY_CODE)
    years = sorted(set(counts["year"].to_list()))
    year = _year(request.GET.get("year"), years)
    out_of_scope = bool(regions) and region not in dict(regions)
    if out_of_scope:  # another town's filter shows nothing from it
        counts, industrial = counts.clear(), industrial.clear()
    scale = ladder.registry_scale()
    context = {
        "regions": regions,
        "region": region,
        "region_name": region_names().get(region, region),
        "out_of_scope": out_of_scope,
        "years": years,
        "year": year,
        "scale": scale,
        "can_recompute": access.can_change(user, "ruleset"),
    }
    if year is not None:
        by_tier = ladder.exclusive(counts, year, region)
        previous = ladder.exclusive(counts, year - 1, region) if year - 1 in years else None
        rungs = ladder.funnel(by_tier)
        before = ladder.funnel(previous) if previous else None
        for i, rung in enumerate(rungs):
            rung["change"] = rung["n"] - before[i]["n"] if before else None
            rung["estimate"] = scale.apply(rung["n"]) if scale.synthetic else None
        ind = ladder.in_region(industrial, region).filter(pl.col("year") == year)["n"].sum()
        ind_before = ladder.in_region(industrial, region).filter(pl.col("year") == year - 1)["n"].sum()

        def reserve_counts() -> tuple[int, dict]:
            reserve = pools.restrict(
                pools.pool("gaoqi_reserve", year), enterprises.values_list("id", flat=True)
            )
            return reserve.height, dict(reserve.group_by("region").len().iter_rows())

        reserve_height, reserve_by_town = page_cache.cached(
            ("ladder-reserve", scope, year), reserve_counts, version
        )
        if out_of_scope:
            reserve_height, reserve_by_town = 0, {}
        sort = request.GET.get("sort", "industrial")
        descending = request.GET.get("dir", "desc") != "asc"
        context |= {
            "rungs": rungs,
            "by_tier": [(t, TIER_LABELS[t], n, scale.apply(n)) for t, n in by_tier.items()],
            "total": sum(by_tier.values()),
            "industrial": ind,
            "industrial_change": ind - ind_before if year - 1 in years else None,
            "industrial_estimate": scale.apply(ind) if scale.synthetic else None,
            "reserve_total": reserve_height if region == CITY_CODE else reserve_by_town.get(region, 0),
            "funnel_chart": ladder.funnel_chart(rungs),
            "years_chart": ladder.by_year_chart(ladder.by_year(counts, region))
            if len(years) > 1 and not out_of_scope
            else None,
            "towns": ladder.town_table(counts, industrial, year, reserve_by_town, sort, descending),
            "town_headers": town_headers(),
            "sort": sort,
            "dir": "desc" if descending else "asc",
            "projection": None if out_of_scope else _projection(user, region, industrial, scale, version),
        }
    return render(request, "enterprises/home.html", context)


@login_required
@require_POST
def tiers_recompute(request):
    """Qualify the whole registry again (the stored years and the latest) as a background job."""
    from django.contrib import messages

    from kechuang.enterprises.services import start_tiers, tier_years
    from kechuang.jobs.services import JobBusy

    access.deny_unless(access.can_change(request.user, "ruleset"), _("您的角色无权重新计算梯队"))
    try:
        job = start_tiers(tier_years(), request.user)
    except JobBusy as exc:
        messages.warning(request, str(exc))
        return redirect("enterprises:home")
    return redirect("jobs:detail", pk=job.pk)


urlpatterns = [path("", home, name="home"), path("tiers/recompute/", tiers_recompute, name="tiers_recompute")]
