"""Enterprise API (/api/enterprises): the scoped registry, one enterprise with its facts and sources,
its verdicts, a what-if self-check (nothing saved) and the upload records.

Every endpoint asks kechuang.access; an enterprise outside the user's scope is a 404, a role without
access to the resource a 403 — the same answers as the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model, model_validator

from kechuang import access
from kechuang.engine.enterprise_import import YEAR_MAX, YEAR_MIN
from kechuang.engine.rules.gaps import Verdict
from kechuang.engine.vocabulary import FACTS_BY_NAME
from kechuang.enterprises import portrait
from kechuang.enterprises.forms import (
    SELFCHECK_FIELDS,
    RegistryFilterForm,
    selfcheck_bounds,
    selfcheck_is_count,
    tier_year,
)
from kechuang.enterprises.models import FACT_FIELDS, REGISTRY_FIELDS, Enterprise, Fact, Upload
from kechuang.enterprises.qualification import latest_year, verdicts
from kechuang.regions import region_names

router = Router(tags=["企业培育"])


class EnterpriseFilters(Schema):
    q: str = Field("", description="企业名称或统一社会信用代码（部分匹配）")
    region: str = Field("", description="镇街区划代码，如 441900401")
    section: str = Field("", description="行业门类字母（GB/T 4754-2017），如 C")
    tech_field: str = Field("", description="技术领域；「-」表示无")
    tier: str = Field("", description="梯队：kexiao / gaoqi / guishang_gaoqi / lingjun / none")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    region_code: str
    region_name: str
    industry_code: str
    tech_field: str
    registered_on: date | None
    hightech_cert_until: date | None
    kexiao_registered_year: int | None
    tier: str | None = Field(None, description="最近一次计算的梯队（tier_year 年）")
    tier_label: str | None = None


class EnterprisePage(Schema):
    count: int
    page: int
    pages: int
    tier_year: int | None
    items: list[EnterpriseOut]


class SourceOut(Schema):
    upload_id: int
    file_name: str
    kind: str
    department: str
    department_name: str
    uploaded_at: datetime


class RegistryFieldOut(Schema):
    field: str
    label: str
    value: Any
    source_upload: int | None


class FactYearOut(Schema):
    year: int
    values: dict[str, float | int | None]
    sources: dict[str, int | None] = Field(description="字段 → 提供当前数值的上传编号")


class EnterpriseDetailOut(EnterpriseOut):
    registry: list[RegistryFieldOut]
    facts: list[FactYearOut]
    sources: list[SourceOut]


class SelfCheckOut(Schema):
    credit_code: str
    year: int
    saved: bool = Field(False, description="始终为 false：自测不保存任何数据")
    overrides: dict[str, float]
    verdicts: list[Verdict]


class UploadOut(Schema):
    id: int
    kind: str
    file_name: str
    department: str
    department_name: str
    rows: int
    created_rows: int
    changed_rows: int
    uploaded_by: str
    uploaded_at: datetime


class UploadPage(Schema):
    count: int
    page: int
    pages: int
    items: list[UploadOut]


YEAR_DESCRIPTION = f"评估年度（{YEAR_MIN}–{YEAR_MAX}），默认为该企业最近有数据的年度"


def _selfcheck_field(name: str):
    """A figure's type and bounds; strict: JSON numbers only (not true/false, not "12")."""
    low, high = selfcheck_bounds(name)
    column = FACTS_BY_NAME[name]
    description = f"{column.header_zh}（{column.unit}）"
    if selfcheck_is_count(name):  # a count: a whole number
        return (int | None, Field(None, strict=True, ge=int(low), le=int(high), description=description))
    return (
        float | None,
        Field(None, strict=True, ge=low, le=high, allow_inf_nan=False, description=description),
    )


class JsonObjectIn(Schema):
    """A request body that must be a JSON object (django-ninja would read a list as an empty object)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja wraps the input in a DjangoGetter
            raise ValueError(_("请求体应为 JSON 对象"))
        return data


SelfCheckIn = create_model(
    "SelfCheckIn",
    year=(int | None, Field(None, strict=True, ge=YEAR_MIN, le=YEAR_MAX, description=YEAR_DESCRIPTION)),
    **{name: _selfcheck_field(name) for name in SELFCHECK_FIELDS},
    __base__=JsonObjectIn,
)


def _scoped(request):
    return access.scoped(
        request.user, "enterprise", Enterprise.objects.all(), message="您的角色无权查看企业库"
    )


def _enterprise(request, credit_code: str) -> Enterprise:
    return get_object_or_404(_scoped(request), credit_code=credit_code)


def _out(e: Enterprise, tier: str | None) -> dict:
    return {
        **{f: getattr(e, f) for f in ("credit_code", "name", "region_code", "industry_code", "tech_field")},
        "region_name": region_names().get(e.region_code, e.region_code),
        "registered_on": e.registered_on,
        "hightech_cert_until": e.hightech_cert_until,
        "kexiao_registered_year": e.kexiao_registered_year,
        "tier": tier,
        "tier_label": portrait.tier_label(tier) if tier else None,
    }


def _default_year(e: Enterprise) -> int:
    year = Fact.objects.filter(enterprise=e).order_by("-year").values_list("year", flat=True).first()
    return int(year) if year else latest_year()


@router.get("/", response=EnterprisePage, summary="企业名录（按权限范围，可筛选、分页）")
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    data = filters.dict()
    form = RegistryFilterForm({k: v for k, v in data.items() if k not in ("page", "page_size") and v})
    if not form.is_valid():
        raise HttpError(422, "；".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    year = tier_year()
    rows = form.apply(_scoped(request), year)
    page = Paginator(rows, data["page_size"]).get_page(data["page"])
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "tier_year": year,
        "items": [_out(e, e.tier_now) for e in page],
    }


@router.get("/uploads", response=UploadPage, summary="企业数据上传记录（按权限范围）")
def list_uploads(request, page: int = 1, page_size: int = 50):
    uploads = Upload.objects.order_by("-uploaded_at", "-id")
    rows = access.scoped(
        request.user, "enterprise_upload", uploads, message="您的角色无权查看企业数据上传记录"
    )
    current = Paginator(rows, min(max(page_size, 1), 500)).get_page(page)
    names = portrait.department_names(u.department for u in current)
    items = [
        {
            **{f: getattr(u, f) for f in ("id", "kind", "file_name", "department", "rows", "created_rows")},
            "changed_rows": u.changed_rows,
            "department_name": names.get(u.department, u.department),
            "uploaded_by": u.uploaded_by_name,
            "uploaded_at": u.uploaded_at,
        }
        for u in current
    ]
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "items": items,
    }


@router.get(
    "/{credit_code}", response=EnterpriseDetailOut, summary="一家企业：名录信息、年度数据及每个数值的来源"
)
def enterprise_detail(request, credit_code: str):
    e = _enterprise(request, credit_code)
    data = portrait.lineage(e)
    last_tier = e.tiers.order_by("-year").values_list("tier", flat=True).first()
    registry = [
        {
            "field": name,
            "label": portrait.field_label(name),
            "value": getattr(e, name),
            "source_upload": data.registry_from.get(name, e.upload_id),
        }
        for name in REGISTRY_FIELDS
    ]
    facts = [
        {
            "year": f.year,
            "values": {n: getattr(f, n) for n in FACT_FIELDS},
            "sources": data.facts_from[f.year],
        }
        for f in data.facts
    ]
    sources = [vars(s) for s in data.sources.values()]
    return {**_out(e, last_tier), "registry": registry, "facts": facts, "sources": sources}


@router.get("/{credit_code}/verdicts", response=list[Verdict], summary="资格判定：各规则集的结论、条件、差距")
def enterprise_verdicts(
    request,
    credit_code: str,
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description=YEAR_DESCRIPTION),
):
    e = _enterprise(request, credit_code)
    return verdicts(e, year or _default_year(e))


@router.post("/{credit_code}/selfcheck", response=SelfCheckOut, summary="资格自测：用给定数字试算（不保存）")
def enterprise_selfcheck(request, credit_code: str, payload: SelfCheckIn):  # type: ignore[valid-type]
    e = _enterprise(request, credit_code)
    body = payload.dict()
    year = body.pop("year") or _default_year(e)
    overrides = {k: v for k, v in body.items() if v is not None}
    return {
        "credit_code": e.credit_code,
        "year": year,
        "overrides": overrides,
        "verdicts": verdicts(e, year, overrides=overrides),
    }
