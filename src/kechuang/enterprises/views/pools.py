"""Enterprise pages: the cultivation pools (高企后备库, 科小储备库, 规上高企后备) and their Excel export.

Thin: the scope comes from kechuang.access (the user's visible enterprises, joined by id), the
members from enterprises.pools, the definitions from pools.yaml.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import urlencode

from kechuang import access
from kechuang.audit.signals import record_export
from kechuang.engine.vocabulary import TECH_FIELDS
from kechuang.enterprises import ladder, pools
from kechuang.enterprises.models import Enterprise, TierRecord
from kechuang.enterprises.pools_config import KINDS, STATUS_LABELS, Filters, definition
from kechuang.enterprises.pools_export import write_xlsx
from kechuang.enterprises.views.ladder import is_enterprise_user, own_enterprise_redirect
from kechuang.regions import region_names
from kechuang.web import names as display

PER_PAGE = 50
STATUSES = {
    "gaoqi_reserve": ["ready", "possible", "one_gap", "data_missing"],
    "kexiao_reserve": ["ready", "possible", "one_gap", "data_missing"],
    "guishang_candidates": ["upgrade", "certify", "nonindustrial"],
}
SORTS = {"closeness": ("closeness", False), "revenue": ("revenue", True), "name": ("name", False)}


class _Rows:
    """A frame as the paginator's object list: rows come out as dicts, page by page."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __len__(self) -> int:
        return self.frame.height

    def __getitem__(self, s: slice) -> list[dict]:
        return self.frame[s].to_dicts()


def _members(request, kind: str):
    """(scoped and filtered members, scoped members, filters, year, years) for a pool page or export."""
    if kind not in KINDS:
        raise Http404(kind)
    visible = access.scoped(request.user, "enterprise", Enterprise.objects.all())
    years = sorted(TierRecord.objects.order_by().values_list("year", flat=True).distinct())
    if not years:
        return None, None, Filters(), None, []
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[-1]
    year = year if year in years else years[-1]
    scoped = pools.restrict(pools.pool(kind, year), visible.values_list("id", flat=True))
    g = request.GET
    filters = Filters(
        region=g.get("region", ""),
        section=g.get("section", "").upper()[:1],
        field=g.get("field", ""),
        status=g.get("status", ""),
        q=g.get("q", "").strip()[:60],
    )
    members = filters.apply(scoped)
    column, descending = SORTS.get(g.get("sort", ""), SORTS["closeness"])
    if g.get("sort") in SORTS:
        members = members.sort(column, descending=descending, nulls_last=True)
    return members, scoped, filters, year, years


@login_required
def pool_index(request):
    access.deny_unless(access.can_view(request.user, "enterprise"))
    return redirect("enterprises:pool", kind="gaoqi_reserve")


@login_required
def pool_list(request, kind: str):
    if is_enterprise_user(request.user):
        return own_enterprise_redirect(request.user)
    members, scoped, filters, year, years = _members(request, kind)
    names = region_names()
    context = {
        "kind": kind,
        "active": kind,
        "title": KINDS[kind],
        "year": year,
        "years": years,
        "filters": filters,
        "definition": definition(kind, english=display.english()),
        "config_file": "src/kechuang/enterprises/pools.yaml",
        "scale": ladder.registry_scale(),
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUSES[kind]],
        "sort": request.GET.get("sort", "closeness"),
    }
    if members is not None:
        regions = sorted(set(scoped["region"].to_list()) - {""})
        sections = sorted(set(scoped["section"].to_list()) - {""})
        counts = dict(scoped.group_by("status").len().iter_rows())
        if display.english():  # the page shows the English twins of the gap texts (the export stays Chinese)
            twins = [c for c in pools.EN_PAIRS if f"{c}_en" in members.columns]
            members = members.with_columns(pl.col(f"{c}_en").alias(c) for c in twins)
        page = Paginator(_Rows(members), PER_PAGE).get_page(request.GET.get("page"))
        query = {k: v for k, v in request.GET.items() if k != "page" and v}
        context |= {
            "page": page,
            "total": members.height,
            "scoped_total": scoped.height,
            "status_counts": [(s, STATUS_LABELS[s], counts.get(s, 0)) for s in STATUSES[kind]],
            "region_options": [(c, names.get(c, c)) for c in regions],
            "section_options": [(s, display.industry_section(s) or s) for s in sections],
            "field_options": list(TECH_FIELDS),
            "export_query": urlencode(query),
            "out_of_scope": bool(filters.region) and filters.region not in regions,
        }
    return render(request, "enterprises/pools.html", context)


@login_required
def pool_export(request, kind: str):
    if is_enterprise_user(request.user):
        return own_enterprise_redirect(request.user)
    members, _, filters, year, _ = _members(request, kind)
    if members is None:
        raise Http404("尚无梯队数据")
    scale = ladder.registry_scale()
    body = write_xlsx(members, kind, year, filters, definition(kind), scale.note)
    name = f"{KINDS[kind]}_{year}_{date.today():%Y%m%d}.xlsx"
    record_export("enterprises:pool_export", name, members.height, request.GET.urlencode())
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


urlpatterns = [
    path("pools/", pool_index, name="pools"),
    path("pools/<str:kind>/", pool_list, name="pool"),
    path("pools/<str:kind>/export.xlsx", pool_export, name="pool_export"),
]
