"""Transfer API (/api/transfer): achievements, licences with their dues (the contract's JSON), the
technology-contract turnover. Every endpoint reads through kechuang.access (outside the scope: 404)."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from kechuang import access
from kechuang.transfer.forms import AchievementFilterForm
from kechuang.transfer.models import Achievement, Licence, TechContract
from kechuang.transfer.services import contracts, licences

router = Router(tags=["成果转化"])


class AchievementFilters(Schema):
    q: str = Field("", description="名称、编号或关键词（部分匹配）")
    field: str = Field("", description="技术领域（八大领域之一）")
    status: str = Field("", description="状态：可转化 / 洽谈中 / 已转化 / 已撤回")
    trl: str = Field("", description="最低技术就绪水平 1–9")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class IPRightOut(Schema):
    number: str
    kind: str
    legal_status: str


class AchievementOut(Schema):
    id: int
    code: str
    institution: str
    title: str
    field: str
    keywords: str
    inventors: str
    trl: int
    trl_name: str
    ownership: str
    modes: list[str]
    asking_price: float | None = Field(None, description="万元；空为面议")
    status: str


class AchievementDetailOut(AchievementOut):
    abstract: str
    ip_rights: list[IPRightOut]


class AchievementPage(Schema):
    count: int
    page: int
    pages: int
    items: list[AchievementOut]


def _achievement(a: Achievement) -> dict:
    return {
        **{
            f: getattr(a, f)
            for f in (
                "id",
                "code",
                "title",
                "field",
                "keywords",
                "inventors",
                "trl",
                "ownership",
                "asking_price",
                "status",
            )
        },
        "institution": a.institution.name,
        "trl_name": a.trl_name,
        "modes": list(a.modes or []),
    }


def _achievements(request):
    return access.scoped(
        request.user,
        "achievement",
        Achievement.objects.select_related("institution"),
        message="您的角色无权查看科技成果",
    )


@router.get("/achievements", response=AchievementPage, summary="科技成果（按权限范围，可筛选、分页）")
def list_achievements(request, filters: Query[AchievementFilters]):
    data = filters.dict()
    form = AchievementFilterForm({k: x for k, x in data.items() if k not in ("page", "page_size") and x})
    page = Paginator(form.apply(_achievements(request)), data["page_size"]).get_page(data["page"])
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_achievement(a) for a in page],
    }


@router.get(
    "/achievements/{achievement_id}", response=AchievementDetailOut, summary="一项科技成果及其知识产权"
)
def achievement_detail(request, achievement_id: int):
    a = get_object_or_404(_achievements(request), pk=achievement_id)
    return {
        **_achievement(a),
        "abstract": a.abstract,
        "ip_rights": [
            {"number": ip.number, "kind": ip.kind, "legal_status": ip.legal_status}
            for ip in a.ip_rights.all()
        ],
    }


class LicenceOut(Schema):
    code: str
    achievement: str
    institution: str
    licensee: str
    licensee_name: str
    signed_on: date
    state: str
    terms: dict


def _licences(request):
    return access.scoped(
        request.user,
        "transfer_licence",
        Licence.objects.select_related("achievement", "institution"),
        message="您的角色无权查看许可合同",
    )


def _licence(lic: Licence) -> dict:
    return {
        "code": lic.code,
        "achievement": lic.achievement.code,
        "institution": lic.institution.name,
        "licensee": lic.licensee_code,
        "licensee_name": lic.licensee_name,
        "signed_on": lic.signed_on,
        "state": lic.state,
        "terms": lic.terms,
    }


@router.get("/licences", response=list[LicenceOut], summary="许可合同及条款（按权限范围）")
def list_licences(request):
    return [_licence(lic) for lic in _licences(request).order_by("code")[:2000]]


@router.get("/licences/{licence_code}", response=LicenceOut, summary="一份许可合同及条款")
def licence_detail(request, licence_code: str):
    return _licence(get_object_or_404(_licences(request), code=licence_code))


@router.get("/licences/{licence_code}/dues", summary="一份许可合同截至某日的应付款项（数据规范的 JSON）")
def licence_dues(request, licence_code: str, as_of: date | None = None):
    lic = get_object_or_404(_licences(request), code=licence_code)
    s = licences.schedule(lic, as_of or date.today())
    return {"as_of": s.as_of.isoformat(), "licences": [s.dues.to_json()]}


class TurnoverOut(Schema):
    year: int
    region_code: str
    value: float = Field(description="技术合同成交额，亿元")
    contracts: int
    simulated: bool


@router.get(
    "/contracts/turnover", response=list[TurnoverOut], summary="技术合同成交额（亿元），按年度与卖方所属镇街"
)
def turnover(request):
    rows = access.scoped(
        request.user, "tech_contract", TechContract.objects.all(), message="您的角色无权查看技术合同登记"
    )
    frame = contracts.turnover(contracts.contract_frame(rows))
    if access.scope_kind(request.user, "tech_contract") != "all":  # a town: its own row only
        region = request.user.org.region_code if request.user.org_id else ""
        frame = frame.filter(frame["region_code"] == region)
    return frame.to_dicts()
