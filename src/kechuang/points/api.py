"""创新积分 API (/api/points): the stored runs, the scores (scoped: an enterprise its own, a town its
region, the bureau all; a bank none) and one enterprise's portrait. Same answers as the pages: a role
without access is a 403, an enterprise outside the scope a 404."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema

from kechuang import access
from kechuang.points import portrait
from kechuang.points.models import PointsRun

router = Router(tags=["创新积分"])
DENIED = "您的角色无权查看创新积分"


class RunOut(Schema):
    id: int
    year: int
    model_code: str
    model_name: str
    version_id: int
    version_number: int
    sample: bool = Field(description="模型为示例（示例模型的结果仅供演示）")
    started_at: datetime
    started_by: str
    enterprises: int
    scored: int
    excluded: int
    no_facts: int
    superseded: bool


class ScoreFilters(Schema):
    year: int | None = Field(None, description="评价年度；默认为当前模型最近计算的年度")
    stage: str = Field("", description="阶段代码，如 startup")
    tier: str = Field("", description="层级代码，如 leading")
    region: str = Field("", description="镇街区划代码")
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=1000)


class ScoreOut(Schema):
    credit_code: str
    name: str | None
    region_code: str
    industry_code: str
    stage: str | None
    excluded: str | None
    points: float | None
    rank: int | None
    cohort_size: int | None
    top_share: float | None
    tier: str | None
    indicator_points: dict[str, float | None]


class ScorePage(Schema):
    year: int | None
    version_id: int | None
    sample: bool
    count: int
    page: int
    pages: int
    items: list[ScoreOut]


class PointsIndicatorOut(Schema):
    code: str
    name: str
    group: str
    value: str
    unit: str
    points: float | None
    weight: float | None


class ImprovementOut(Schema):
    code: str
    name: str
    value: str
    target: str
    unit: str
    gain: float


class HistoryOut(Schema):
    year: int
    version_id: int
    model_name: str
    version_number: int
    stage: str
    points: float | None
    rank: int | None
    cohort_size: int | None
    tier: str


class PortraitOut(Schema):
    credit_code: str
    name: str | None
    year: int | None
    version_id: int | None
    sample: bool
    score: ScoreOut | None
    indicators: list[PointsIndicatorOut]
    improvements: list[ImprovementOut]
    history: list[HistoryOut]


def _score_out(r) -> dict:
    return {
        "credit_code": r.credit_code,
        "name": getattr(r, "name", None),
        "region_code": r.region_code,
        "industry_code": r.industry_code,
        "stage": r.stage or None,
        "excluded": r.excluded or None,
        "points": r.points,
        "rank": r.rank,
        "cohort_size": r.cohort_size,
        "top_share": r.top_share,
        "tier": r.tier or None,
        "indicator_points": r.indicator_points or {},
    }


@router.get("/runs", response=list[RunOut], summary="积分计算记录（最近 100 次）")
def runs(request):
    access.deny_unless(access.can_view(request.user, "points"), DENIED)
    rows = PointsRun.objects.select_related("version__model").order_by("-started_at", "-id")[:100]
    return [
        {
            "id": r.pk,
            "year": r.year,
            "model_code": r.version.model.code,
            "model_name": r.version.model.name,
            "version_id": r.version_id,
            "version_number": r.version.number,
            "sample": r.version.model.is_sample,
            "started_at": r.started_at,
            "started_by": r.started_by,
            "enterprises": r.enterprises,
            "scored": r.scored,
            "excluded": r.excluded,
            "no_facts": r.no_facts,
            "superseded": r.superseded,
        }
        for r in rows
    ]


@router.get("/scores", response=ScorePage, summary="企业积分（按权限范围，可筛选、分页）")
def scores(request, filters: Query[ScoreFilters]):
    cur = portrait.current(filters.year)
    rows = portrait.scores(request.user, cur.run)
    if filters.year is not None and filters.year != cur.year:
        rows = rows.none()
    for field, value in (("stage", filters.stage), ("tier", filters.tier), ("region_code", filters.region)):
        if value:
            rows = rows.filter(**{field: value})
    page = Paginator(rows.order_by("stage", "rank", "credit_code"), filters.page_size).get_page(filters.page)
    return {
        "year": cur.year,
        "version_id": cur.version.pk if cur.version else None,
        "sample": cur.is_sample,
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_score_out(r) for r in page.object_list],
    }


@router.get(
    "/enterprises/{credit_code}", response=PortraitOut, summary="企业精准画像（积分、各指标、提升建议、历史）"
)
def enterprise(request, credit_code: str, year: int | None = None):
    cur = portrait.current(year)
    page = portrait.enterprise_portrait(request.user, credit_code, cur)
    if page is None:
        raise Http404("未找到该企业的创新积分")
    score = page["score"]
    return {
        "credit_code": credit_code,
        "name": page["enterprise"].name if page["enterprise"] else None,
        "year": cur.year,
        "version_id": cur.version.pk if cur.version else None,
        "sample": cur.is_sample,
        "score": _score_out(score) if score else None,
        "indicators": [
            {k: i[k] for k in ("code", "name", "group", "value", "unit", "points", "weight")}
            for i in page.get("indicators", [])
        ],
        "improvements": page.get("improvements", []),
        "history": [
            {
                "year": h["year"],
                "version_id": h["version"].pk,
                "model_name": h["version"].model.name,
                "version_number": h["version"].number,
                "stage": h["stage"],
                "points": h["points"],
                "rank": h["rank"],
                "cohort_size": h["cohort_size"],
                "tier": h["tier"],
            }
            for h in page["history"]
        ],
    }
