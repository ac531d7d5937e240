"""科技金融 API (/api/finance): products, recommendations, consents, consenting enterprises (only the
consented fields), applications, decisions and outcomes, the validation report.

Every endpoint asks kechuang.access first (a role without access: 403), then narrows the rows: a
bank sees nothing of an enterprise without a consent in force for that bank. Every read of
consented data is recorded in the audit trail, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kechuang import access
from kechuang.accounts.models import OrgKind, OrgUnit
from kechuang.engine.years import YEAR_MAX, YEAR_MIN
from kechuang.enterprises.models import Enterprise
from kechuang.finance.models import Application, Consent, Product
from kechuang.finance.services import applications as apps_service
from kechuang.finance.services import consent as consent_service
from kechuang.finance.services import products as products_service
from kechuang.finance.services import validation as validation_service
from kechuang.finance.services import validation_job as validation_jobs
from kechuang.finance.services.scores import scored

router = Router(tags=["科技金融"])


def _year(year: int | None) -> int:
    from kechuang.enterprises.qualification import latest_year

    return year or latest_year()


class ProductOut(Schema):
    code: str
    name: str
    bank: str
    bank_name: str
    status: str = Field(description="sample（示例，待银行确认）| confirmed")
    version: int
    kind: str
    summary: str
    conditions: list[str]
    credit_line: str
    line_max: float
    term_months: list[float]
    rate: list[float]
    fields: list[str]


@router.get("/products", response=list[ProductOut], summary="金融产品（示例产品标注 sample）")
def products(request):
    qs = access.scoped(request.user, "finance_product", Product.objects.all())
    return [
        {
            "code": o.content.code,
            "name": o.content.name,
            "bank": o.product.bank.code,
            "bank_name": o.product.bank.name,
            "status": o.content.status,
            "version": o.version.number,
            "kind": o.content.kind,
            "summary": o.content.summary,
            "conditions": [c.name for c in o.content.eligibility],
            "credit_line": o.content.credit_line.expr,
            "line_max": o.content.credit_line.max,
            "term_months": [o.content.term_months.min, o.content.term_months.max],
            "rate": [o.content.rate.min, o.content.rate.max],
            "fields": o.content.fields,
        }
        for o in products_service.offers(qs)
    ]


class ReasonOut(Schema):
    condition: str
    holds: bool


class RecommendationOut(Schema):
    product: str
    name: str
    bank: str
    eligible: bool
    line: float = Field(description="测算额度（万元）")
    reasons: list[ReasonOut]


class RecommendationsOut(Schema):
    credit_code: str
    year: int
    points: float | None
    stage: str | None
    tier: str | None
    items: list[RecommendationOut]


@router.get(
    "/recommendations", response=RecommendationsOut, summary="一家企业可申请的产品（排序、额度与原因）"
)
def recommendations(request, credit_code: str = "", year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    visible = access.scoped(request.user, "finance_match", Enterprise.objects.all())
    if credit_code:
        enterprise = get_object_or_404(visible, credit_code=credit_code.strip().upper())
    else:
        first_two = list(visible.order_by("pk")[:2])
        if len(first_two) != 1:
            raise HttpError(422, _("请用 credit_code 指定企业"))
        enterprise = first_two[0]
    s = scored(_year(year))
    recs = products_service.recommendations(s, products_service.offers(), enterprise.credit_code)
    row = s.scores.filter(s.scores["credit_code"] == enterprise.credit_code)
    first = row.row(0, named=True) if row.height else {}
    return {
        "credit_code": enterprise.credit_code,
        "year": s.year,
        "points": first.get("points"),
        "stage": first.get("stage"),
        "tier": first.get("tier"),
        "items": [
            {
                "product": r.offer.content.code,
                "name": r.offer.content.name,
                "bank": r.offer.product.bank.code,
                "eligible": r.eligible,
                "line": r.line,
                "reasons": [{"condition": n, "holds": ok} for n, ok in r.reasons],
            }
            for r in recs
        ],
    }


class ConsentOut(Schema):
    id: int
    credit_code: str
    bank: str
    fields: list[str]
    valid_until: dt.date
    granted_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


def _consent_out(c: Consent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "credit_code": c.enterprise.credit_code,
        "bank": c.bank.code,
        "fields": c.fields,
        "valid_until": c.valid_until,
        "granted_at": c.granted_at,
        "revoked_at": c.revoked_at,
        "active": c.is_active,
    }


@router.get(
    "/consents", response=list[ConsentOut], summary="授权记录（企业：本企业；银行：对本机构有效的授权）"
)
def list_consents(request):
    rows = access.scoped(request.user, "consent", Consent.objects.all()).select_related("enterprise", "bank")
    return [_consent_out(c) for c in rows[:2000]]


class GrantIn(Schema):
    bank: str = ""
    fields: list[str] = []
    valid_until: dt.date | None = None


@router.post("/consents", response={201: ConsentOut}, summary="授权一家金融机构查看所列字段至截止日")
def grant_consent(request, body: GrantIn):
    access.scoped(request.user, "consent", Consent.objects.none(), "change")
    enterprise = Enterprise.objects.filter(
        credit_code=getattr(request.user.org, "credit_code", None) or "\0"
    ).first()
    bank = OrgUnit.objects.filter(code=body.bank, kind=OrgKind.BANK).first()
    if enterprise is None:
        raise HttpError(400, _("您的账号未关联企业"))
    if bank is None:
        raise HttpError(400, _("金融机构 %(b)s 不存在") % {"b": body.bank[:50]})
    if body.valid_until is None:
        raise HttpError(400, _("缺少授权截止日 valid_until"))
    try:
        c = consent_service.grant(request.user, enterprise, bank, body.fields, body.valid_until)
    except consent_service.ConsentError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, _consent_out(c))


class RevokeIn(Schema):
    id: int = 0


@router.post("/consents/revoke", response=ConsentOut, summary="撤回授权（即时生效）")
def revoke_consent(request, body: RevokeIn):
    access.scoped(request.user, "consent", Consent.objects.none(), "change")
    try:
        c = consent_service.revoke(request.user, body.id)
    except consent_service.ConsentError as exc:
        raise HttpError(400, str(exc)) from exc
    return _consent_out(c)


class FieldValue(Schema):
    field: str
    label: str
    value: Any = None
    unit: str = ""


class ConsentingOut(Schema):
    credit_code: str
    bank: str
    valid_until: dt.date
    points: float | None
    stage: str
    tier: str
    fields: list[FieldValue]


@router.get(
    "/enterprises", response=list[ConsentingOut], summary="已授权本机构的企业（只含授权字段、积分与层级）"
)
def consenting(request, q: str = "", year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    access.scoped(request.user, "consent", Consent.objects.none())
    rows = consent_service.consented_rows(request.user, scored(_year(year)), q.strip()[:50])
    consent_service.record_read("api", "GET /api/finance/enterprises", rows)
    return [
        {
            "credit_code": r["credit_code"],
            "bank": r["bank"].code,
            "valid_until": r["consent"].valid_until,
            "points": r["points"],
            "stage": r["stage"],
            "tier": r["tier"],
            "fields": [
                {"field": f, "label": str(label), "value": value, "unit": unit}
                for f, (label, value, unit) in zip(r["fields"], r["values"], strict=True)
            ],
        }
        for r in rows
    ]


class ApplicationOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    product: str
    bank: str
    year: int
    points: float | None
    line: float
    amount_requested: float | None
    decision: str
    amount: float | None
    decided_on: dt.date | None
    performance: str
    performance_on: dt.date | None
    simulated: bool


def _app_out(a: Application, named: set[int] | None = None) -> dict[str, Any]:
    return {
        "id": a.pk,
        "credit_code": a.enterprise.credit_code,
        "enterprise": a.enterprise.name if named is None or a.pk in named else "",
        "product": a.product.code,
        "bank": a.bank.code,
        **{
            k: getattr(a, k)
            for k in (
                "year",
                "points",
                "line",
                "amount_requested",
                "decision",
                "amount",
                "decided_on",
                "performance",
                "performance_on",
                "simulated",
            )
        },
    }


class ApplicationPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ApplicationOut]


@router.get(
    "/applications",
    response=ApplicationPage,
    summary="融资申请（企业：本企业；银行：授权有效的企业向本机构的申请）",
)
def list_applications(request, page: int = 1, page_size: int = 100):
    rows = access.scoped(request.user, "loan", Application.objects.all()).select_related(
        "enterprise", "product", "bank"
    )
    current = Paginator(rows, min(max(page_size, 1), 500)).get_page(page)
    named = consent_service.names_shown(request.user, current)
    items = [_app_out(a, named) for a in current]
    consent_service.record_read(
        "api",
        "GET /api/finance/applications",
        [{"credit_code": i["credit_code"], "fields": ["points"]} for i in items],
    )
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "items": items,
    }


class ApplyIn(Schema):
    product: str = ""
    credit_code: str = ""
    amount_requested: float | None = None
    grant_consent: bool = False


@router.post("/applications", response={201: ApplicationOut}, summary="申请金融产品（可同时授权该机构）")
def create_application(request, body: ApplyIn):
    access.scoped(request.user, "loan", Application.objects.none(), "change")
    visible = access.scoped(request.user, "finance_match", Enterprise.objects.all())
    enterprise = visible.filter(credit_code=body.credit_code.strip().upper()).first()
    if enterprise is None:
        raise HttpError(400, _("找不到企业 %(c)s，或无权以其名义申请") % {"c": body.credit_code[:18]})
    try:
        app = apps_service.apply(
            request.user,
            enterprise,
            body.product,
            scored(_year(None)),
            amount_requested=body.amount_requested,
            grant_consent=body.grant_consent,
        )
    except apps_service.ApplicationError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, _app_out(app))


class DecisionIn(Schema):
    application: int = 0
    decision: str = Field("", description="approved | declined | submitted")
    amount: float | None = None
    decided_on: dt.date | None = None
    performance: str = Field("", description="performing | repaid | overdue | default，或空")
    performance_on: dt.date | None = None


@router.post("/decisions", response=ApplicationOut, summary="记录审批结果与贷后表现")
def record_decision(request, body: DecisionIn):
    access.scoped(request.user, "loan_decision", Application.objects.none(), "change")
    d = apps_service.Decision(
        body.decision, body.amount, body.decided_on, body.performance, body.performance_on
    )
    try:
        app = apps_service.decide(request.user, body.application, d)
    except apps_service.ApplicationError as exc:
        raise HttpError(400, str(exc)) from exc
    return _app_out(app, consent_service.names_shown(request.user, [app]))


class DecileOut(Schema):
    decile: int
    loans: int
    points_min: float | None
    points_max: float | None
    defaults: int
    default_rate: float | None
    revenue_growth_next: float | None
    rd_growth_next: float | None


class ValidationOut(Schema):
    year: int | None = Field(description="积分年度；还没有贷款结果时为空")
    computed_at: dt.datetime | None = Field(
        description="报告的计算时间（最近一次成功的生成验证报告任务）；尚未生成时为空，各项指标也为空"
    )
    job: int | None = Field(description="计算该报告的任务编号（/jobs/编号/）")
    model: str
    sample: bool
    loans: int
    defaults: int
    simulated: int
    auc: float | None
    ks: float | None
    gini: float | None
    psi: float | None
    deciles: list[DecileOut]
    proposed_auc: float | None
    proposed_weights: dict[str, dict[str, float]]


@router.get(
    "/validation", response=ValidationOut, summary="产业验证：积分对违约的区分度（AUC、KS、Gini）、分组与 PSI"
)
def validation(request, year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    """The report kept by the latest successful 生成验证报告 job of the year (the active model), the same
    one the page shows; nothing is computed in the request. Before any report the figures are empty."""
    access.scoped(request.user, "validation", Application.objects.none())
    years = validation_service.loan_years()
    year = year or (years[0] if years else None)
    done = validation_jobs.latest_report_job(year, None) if year else None
    if done is None:
        return {
            "year": year, "computed_at": None, "job": None, "model": "", "sample": True, "loans": 0,
            "defaults": 0, "simulated": 0, "auc": None, "ks": None, "gini": None, "psi": None,
            "deciles": [], "proposed_auc": None, "proposed_weights": {},
        }  # fmt: skip
    r = done.result
    return {
        "year": r["year"],
        "computed_at": done.finished_at,
        "job": done.pk,
        "model": r["version_label"],
        "sample": r["is_sample"],
        "loans": r["loans"],
        "defaults": r["defaults"],
        "simulated": r["simulated"],
        "auc": r["current"]["auc"],
        "ks": r["current"]["ks"],
        "gini": r["current"]["gini"],
        "psi": r["psi"],
        "deciles": r["deciles"],
        "proposed_auc": (r["proposed"] or {}).get("auc"),
        "proposed_weights": {f["stage"]: f["weights"] for f in r["fits"] if f["source"] != "current"},
    }
