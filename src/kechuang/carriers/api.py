"""创新载体与人才 API (/api/carriers): carriers, evaluation results, instruments, bookings, talent
applications, withdrawals (摘牌) and 回避声明. Every endpoint asks kechuang.access first (403 for a role
without rows), then returns only the rows the user may see. Writes — withdrawing a carrier's
recognition and undoing it, an expert's 回避声明, a booking, a talent application — take the pages' steps (carriers.steps, services):
a row outside the user's scope is a 404, a refusal of the workflow a 400 with the Chinese reason,
and nothing is written. The writes of operators, instrument owners and the bureau are
carriers.api_writes's (mounted below). A talent application carries the facts it states (the people
vocabulary, refused as the apply form refuses them); GET /talent/{id} adds, as its page shows them,
the recognition rules per class on those facts and, for 专家评定, the evaluation template's result
(carriers.talent_rules), in Chinese with the English beside it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from kechuang import access
from kechuang.carriers import services, steps, talent_rules
from kechuang.carriers.models import (
    Booking,
    Carrier,
    CarrierWithdrawal,
    EvaluationResult,
    Instrument,
    TalentApplication,
)
from kechuang.carriers.upkeep import field_message
from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS
from kechuang.engine.evaluation import EvaluationInputError
from kechuang.engine.evaluation.people import PERSON_CHOICES, PERSON_COLUMNS
from kechuang.engine.rules.gaps import ConditionVerdict

router = Router(tags=["创新载体与人才"])


def _page(qs, page: int, size: int = 100):
    return Paginator(qs, size).get_page(page).object_list


class CarrierOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    region_code: str
    specialisation: str
    area: float | None
    status: str


@router.get("/", response=list[CarrierOut], summary="创新载体名录（运营方只看到自己的载体）")
def carriers(request, kind: str = "", page: int = 1):
    qs = access.scoped(request.user, "carrier", Carrier.objects.all())
    if kind:
        # an unknown kind (or one with a NUL, which PostgreSQL refuses in a query) matches nothing
        kinds = {code for code, _label in Carrier._meta.get_field("kind").flatchoices}
        qs = qs.filter(kind=kind) if kind in kinds else qs.none()
    return list(_page(qs.order_by("code"), page))


class CarrierEvaluationOut(Schema):
    carrier: str
    template: str
    template_version: str
    period: str
    evaluation_class: str
    total: float
    grade: str
    grade_label: str
    rank: int
    cohort_size: int
    previous_grade: str
    change: float | None
    consecutive_failures: int
    consequence: bool
    lift: str
    lift_en: str = Field(description="提升建议（英文）")
    missing: str = Field(
        description="缺少数据：无数值的指标（按 0 分计）；多年评价期还有缺少的年度报告（年份与按已有年度计算的指标）"
    )
    reward_total: float
    detail: dict


def _period_filter(template: str, period: str) -> Q:
    """The results of ``period`` as the run page names it: with a template, its one stored form
    (``2025`` of the three-yearly assessment is 2023-2025; a malformed period is a 400 in Chinese);
    without, a year also finds the multi-year periods ending in it."""
    period = period.strip()
    if template in services.TEMPLATES:
        try:
            return Q(period=services.evaluation_period(template, period))
        except EvaluationInputError as exc:
            raise HttpError(400, str(exc)) from exc
    return Q(period=period) | Q(period__endswith=f"-{period}") if period.isdigit() else Q(period=period)


@router.get(
    "/evaluations",
    response=list[CarrierEvaluationOut],
    summary="评价结果：各指标得分与所依据的数值、等级、排名",
    openapi_extra={
        "responses": {
            400: {
                "description": "评价期不是该评价模板的评价期（如三年一评的 2024-2025）",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
            }
        }
    },
)
def evaluations(request, template: str = "", period: str = "", carrier: str = "", page: int = 1):
    """``period``: a year (2025) or a span (2023-2025); a year finds the three-yearly assessment
    ending in it too."""
    qs = access.scoped(request.user, "carrier_evaluation", EvaluationResult.objects.select_related("carrier"))
    if template:
        qs = qs.filter(template=template)
    if period:
        qs = qs.filter(_period_filter(template, period))
    if carrier:
        qs = qs.filter(carrier__code=carrier)
    rows = _page(qs.order_by("template", "-period", "rank"), page)
    return [
        {
            **{f: getattr(r, f) for f in CarrierEvaluationOut.model_fields if f != "carrier"},
            "carrier": r.carrier.code,
        }
        for r in rows
    ]


class InstrumentOut(Schema):
    code: str
    name: str
    name_en: str
    owner: str
    category: str
    is_facility: bool
    value: float
    location: str
    fee_per_hour: float
    open_for_sharing: bool


@router.get("/instruments", response=list[InstrumentOut], summary="科研仪器设施目录（≥ 50 万元）")
def instruments(request, page: int = 1):
    qs = access.scoped(request.user, "instrument", Instrument.objects.select_related("owner"))
    return [
        {**{f: getattr(i, f) for f in InstrumentOut.model_fields if f != "owner"}, "owner": i.owner.code}
        for i in _page(qs.order_by("code"), page)
    ]


class BookingOut(Schema):
    id: int
    instrument: str
    applicant_name: str
    date: str
    hours_requested: float
    hours_used: float | None
    status: str
    external: bool
    rating: int | None
    fee: float


@router.get("/bookings", response=list[BookingOut], summary="仪器预约（申请人只看到自己的预约）")
def bookings(request, page: int = 1):
    qs = access.scoped(request.user, "booking", Booking.objects.select_related("instrument"))
    return [_booking_out(b) for b in _page(qs.order_by("-date", "pk"), page)]


def _booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "instrument": b.instrument.code,
        "applicant_name": b.applicant_name,
        "date": b.date.isoformat(),
        "hours_requested": b.hours_requested,
        "hours_used": b.hours_used,
        "status": b.status,
        "external": b.external,
        "rating": b.rating,
        "fee": b.fee,
    }


class BookingIn(Schema):
    instrument: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")] = Field(
        "", description="仪器编号（见 /api/carriers/instruments）"
    )
    date: dt.date | None = Field(None, description="使用日期")
    hours_requested: float | None = Field(None, description="预约机时（小时，不少于 0.5）")


@router.post(
    "/bookings",
    response={201: BookingOut},
    summary="预约仪器（企业、高校院所、个人；待仪器所有单位审批）",
)
def book(request, body: BookingIn):
    access.scoped(request.user, "booking", Booking.objects.none(), "change")
    instrument = (
        access.visible(request.user, "instrument", Instrument.objects.select_related("owner"))
        .filter(code=body.instrument.strip())
        .first()
    )
    if instrument is None:
        raise HttpError(400, _("找不到仪器「%(c)s」") % {"c": body.instrument})
    try:
        b = services.book(request.user, instrument, body.date, body.hours_requested)
    except ValidationError as exc:
        raise _refused(exc, Booking) from exc
    return 201, _booking_out(b)


class TalentOut(Schema):
    id: int
    person_name: str
    employer_name: str
    route: str
    claimed_class: str
    status: str
    decided_class: str
    valid_until: str | None
    support: str = Field(description="认定后享受的支持（认定时按目录记录；示例）")
    expert_score: float | None
    facts: dict[str, bool | float] = Field(
        default_factory=dict,
        description="申报事实（人员词表的名称 → 值：等级和数量为数字，是否为 true/false；未填的不列）",
    )


def _talent_out(a: TalentApplication) -> dict:
    return {
        "id": a.pk,
        "person_name": a.person_name,
        "employer_name": a.employer_name,
        "route": a.route,
        "claimed_class": a.claimed_class,
        "status": a.status,
        "decided_class": a.decided_class,
        "valid_until": a.valid_until.isoformat() if a.valid_until else None,
        "support": a.support,
        "expert_score": a.expert_score,
        "facts": a.facts or {},
    }


class CarrierTalentFactOut(Schema):
    name: str = Field(description="人员词表的名称")
    label: str
    label_en: str = Field(description="名称（英文）")
    value: str = Field(description="所填的值（文字，如「正高级」「5年」）")
    value_en: str = Field(description="所填的值（英文）")


class CarrierTalentVerdictOut(Schema):
    talent_class: str = Field(description="类别 A–F")
    eligible: str = Field(
        description="yes 符合 / possible 可能符合（取决于专家评定）/ no 不符合 / unknown 数据不全（缺少所需的事实）"
    )
    eligible_label: str
    eligible_label_en: str = Field(description="结果（英文）")
    ruleset: str = Field(description="认定规则集（示例）")
    ruleset_name: str
    ruleset_name_en: str = Field(description="规则集名称（英文）")
    routes: list[ConditionVerdict] = Field(
        description="直接认定的条目（满足其一即可，不看专家评定）；只有设专家评定条目的类别才有"
    )
    conditions: list[ConditionVerdict] = Field(
        description="各条件：status 为 pass / fail / missing / possible（取决于专家评分），text 为条件及差距"
        "（text_en 英文），missing 为会改变结果的缺少的事实"
    )


class CarrierTalentIndicatorOut(Schema):
    id: str
    label: str
    label_en: str = Field(description="指标（英文）")
    value: float | None = Field(description="所依据的值（未填为 null）")
    value_text: str | None = Field(description="所依据的值（文字，事实写作等级或带单位的数）")
    value_text_en: str | None = Field(description="所依据的值（英文）")
    unit: str
    unit_en: str = Field(description="单位（英文）")
    points: float | None
    full: float = Field(description="满分")


class CarrierTalentEvaluationOut(Schema):
    template: str
    template_name: str
    template_name_en: str = Field(description="模板名称（英文）")
    version: str
    version_en: str = Field(description="模板版本（英文）")
    sample_note: str = Field(description="示例说明：模板须经主管部门确认")
    sample_note_en: str = Field(description="示例说明（英文）")
    period: str = Field(description="评价期（申报年度）")
    computed_at: dt.datetime = Field(description="计算时间（决定页的「运行」或 carriers run 命令）")
    computed_by: str = Field(description="计算人（用户名，命令为 cli:carriers run）")
    stale: bool = Field(
        description="结果已过期：计算后专家评分、申报事实或同批申报（数量或其评分、事实）有变，须重新运行"
    )
    stale_reason: str = Field(description="过期原因（未过期为空）")
    stale_reason_en: str = Field(description="过期原因（英文）")
    total: float = Field(description="模板总分")
    grade: str = Field(description="模板建议类别（代码）")
    grade_label: str
    grade_label_en: str = Field(description="模板建议类别（英文）")
    rank: int = Field(description="同批（同年提交的专家评定申报）排名")
    cohort_size: int
    lift: str = Field(description="提升建议")
    lift_en: str = Field(description="提升建议（英文）")
    missing: str = Field(description="缺少的数据")
    indicators: list[CarrierTalentIndicatorOut]


class CarrierTalentDetailOut(TalentOut):
    region_code: str
    criterion: str
    evidence: str
    fact_rows: list[CarrierTalentFactOut] = Field(description="申报事实，按人员词表的顺序，附文字")
    qualifies: str | None = Field(description="所填事实符合认定条件的最高类别；都不符合为 null")
    verdicts: list[CarrierTalentVerdictOut] = Field(
        description="按所填事实的各类（A–F）认定条件（示例，认定以审核为准）"
    )
    evaluation: CarrierTalentEvaluationOut | None = Field(
        description="专家评定途径：已保存的评价模板结果（专家评分与事实，示例），只给作认定决定的用户；"
        "其他途径、其他用户或模板尚未运行（决定页的「运行」或 kechuang carriers run --template "
        "talent_expert）为 null"
    )


def _in_both(fn, *args):
    """What the page's function gives in Chinese and in English."""
    out = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            out.append(fn(*args))
    return out


def _class_results(a: TalentApplication) -> dict:
    """The recognition rules per class A–F on the application's facts and the highest class met, as
    the application page shows them (the list and the single application give the same)."""
    found = talent_rules.verdicts(a.facts)
    verdicts = [
        {
            "talent_class": cls,
            "eligible": v.eligible,
            "eligible_label": str(ELIGIBILITY_LABELS.get(v.eligible, v.eligible)),
            "eligible_label_en": _in_both(_, ELIGIBILITY_LABELS.get(v.eligible, v.eligible))[1],
            "ruleset": v.code,
            "ruleset_name": v.name,
            "ruleset_name_en": v.name_en or v.name,
            "routes": v.routes,
            "conditions": v.conditions,
        }
        for cls, v in found
    ]
    return {"qualifies": talent_rules.qualifying_class(found), "verdicts": verdicts}


def _talent_detail(a: TalentApplication, user) -> dict:
    """The application as its page shows it to ``user``: the facts, the recognition rules per class
    on them and, for 专家评定 and for those who decide (access: talent_decide, as on the page), the
    evaluation template's result (talent_rules, the page's functions)."""
    facts, facts_en = _in_both(talent_rules.fact_rows, a.facts)
    zh = None  # None for a route other than 专家评定, and for those who do not decide
    if access.can_change(user, "talent_decide"):
        with translation.override(settings.LANGUAGE_CODE):
            zh = talent_rules.evaluation(a)
    evaluation = None
    if zh is not None:
        tpl, row, stored = zh["tpl"], zh["row"], zh["stored"]
        with translation.override("en"):
            en = talent_rules.evaluation(a, row)
            en_stale = talent_rules.stale_reason(a, stored) if zh["stale"] else ""
        evaluation = {
            "template": tpl.code,
            "template_name": tpl.name,
            "template_name_en": tpl.name_en or tpl.name,
            "version": tpl.version,
            "version_en": tpl.version_en or tpl.version,
            "sample_note": tpl.sample_note,
            "sample_note_en": tpl.sample_note_en or tpl.sample_note,
            "period": stored.period,
            "computed_at": stored.computed_at,
            "computed_by": stored.computed_by_name,
            "stale": bool(zh["stale"]),
            "stale_reason": zh["stale"],
            "stale_reason_en": en_stale,
            "total": row["total"],
            "grade": row["grade"],
            "grade_label": zh["grade"],
            "grade_label_en": en["grade"],
            "rank": row["rank"],
            "cohort_size": row["cohort_size"],
            "lift": zh["lift"],
            "lift_en": en["lift"],
            "missing": row["missing"] or "",
            "indicators": [
                {
                    "id": i["id"],
                    "label": i["label"],
                    "label_en": e["label"],
                    "value": i["value"],
                    "value_text": i["value_text"],
                    "value_text_en": e["value_text"],
                    "unit": i["unit"],
                    "unit_en": e["unit"],
                    "points": i["points"],
                    "full": i["full"],
                }
                for i, e in zip(zh["rows"], en["rows"], strict=True)
            ],
        }
    return _talent_out(a) | {
        "region_code": a.region_code,
        "criterion": a.criterion,
        "evidence": a.evidence,
        "fact_rows": [
            f | {"value_en": e["value"], "label_en": e["label"]} for f, e in zip(facts, facts_en, strict=True)
        ],
        **_class_results(a),
        "evaluation": evaluation,
    }


class CarrierTalentListOut(TalentOut):
    qualifies: str | None = Field(description="所填事实符合认定条件的最高类别；都不符合为 null")
    verdicts: list[CarrierTalentVerdictOut] = Field(
        description="按所填事实的各类（A–F）认定结果，与单项申报（GET /talent/{talent_id}）相同"
    )


@router.get(
    "/talent",
    response=list[CarrierTalentListOut],
    summary="人才分类评价申报（申报人只看到自己的申报），附按所填事实的各类认定结果",
)
def talent(request, page: int = 1):
    qs = access.scoped(request.user, "talent_application", TalentApplication.objects.all())
    return [_talent_out(a) | _class_results(a) for a in _page(qs, page)]


@router.get(
    "/talent/{talent_id}",
    response=CarrierTalentDetailOut,
    summary="一项人才分类评价申报：申报事实，按事实的各类认定结果（符合、不符合、数据不全及差距），"
    "专家评定途径另有评价模板的结果（与申报页相同）",
)
def talent_one(request, talent_id: int):
    qs = access.scoped(request.user, "talent_application", TalentApplication.objects.all())
    return _talent_detail(get_object_or_404(qs, pk=talent_id), request.user)


def _facts_help() -> str:
    """The facts an application may state, from the people vocabulary (the API's documentation)."""
    parts = []
    for c in PERSON_COLUMNS:
        if c.name in PERSON_CHOICES:
            kind = "、".join(f"{level} {zh}" for level, zh, _en in PERSON_CHOICES[c.name])
        elif c.dtype is bool:
            kind = "true / false"
        else:
            low, high = talent_rules.BOUNDS.get(c.name, (0, 1e9))
            kind = f"{low:g}–{high:g}{c.unit}"
        parts.append(f"{c.name}（{c.header_zh}）：{kind}")
    return "申报事实，名称 → 值（不填的不写；与申报页的事实栏相同）。" + "；".join(parts)


_SHORT = Annotated[str, Field(max_length=120, pattern=r"^[^\x00]*$")]


class TalentIn(Schema):
    person_name: _SHORT = Field("", description="姓名")
    id_number: _SHORT = Field("", description="身份证件号码（只保存摘要，用于弄虚作假五年禁报）")
    employer_name: _SHORT = Field("", description="工作单位")
    region_code: _SHORT = Field("", description="工作单位所在镇街代码")
    route: _SHORT = Field(
        "", description="评价途径：recognition（认定）、expert（专家评定）、nomination（举荐自评）"
    )
    claimed_class: _SHORT = Field("", description="申报类别 A–F")
    criterion: _SHORT = Field("", description="目录条目编号（须属于所报类别与途径）")
    evidence: Annotated[str, Field(max_length=1000, pattern=r"^[^\x00]*$")] = Field(
        "", description="业绩说明"
    )
    facts: dict[str, Any] = Field(default_factory=dict, description=_facts_help())


@router.post(
    "/talent",
    response={201: CarrierTalentDetailOut},
    summary="申报人才分类评价（个人申报者本人），可附申报事实；返回按事实的各类认定结果",
)
def apply_talent(request, body: TalentIn):
    access.scoped(request.user, "talent_apply", TalentApplication.objects.none(), "change")
    data = body.dict()
    id_number = data.pop("id_number").strip()
    facts = data.pop("facts")
    if not id_number:
        raise HttpError(400, _("请填写身份证件号码"))
    try:
        app = services.submit_application(
            request.user, id_number, **{k: v.strip() for k, v in data.items()}, facts=facts
        )
    except ValidationError as exc:
        raise _refused(exc, TalentApplication) from exc
    return 201, _talent_detail(app, request.user)


# ------------------------------------------------------------------------------------------------
# 摘牌 / 恢复认定
# ------------------------------------------------------------------------------------------------


class WithdrawalOut(Schema):
    id: int
    carrier: str
    carrier_name: str
    level: str = Field(description="被取消的级别")
    reason: str
    evaluation: int | None = Field(description="依据的评价结果（编号）")
    decided_by: str
    decided_on: dt.date
    revoked_at: dt.datetime | None = Field(description="恢复认定时间；仍然有效的撤销为 null")
    revoked_by: str
    revoke_reason: str


def _refused(exc: ValidationError, model=None):
    """400 with the Chinese reason; a model's field errors name the field (姓名：…)."""
    if model is not None and hasattr(exc, "error_dict"):
        labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
        return HttpError(
            400,
            "；".join(
                field_message(labels.get(field, field), m)
                for field, msgs in exc.message_dict.items()
                for m in msgs
            ),
        )
    return HttpError(400, "；".join(exc.messages))


@router.get(
    "/withdrawals",
    response=list[WithdrawalOut],
    summary="撤销认定（摘牌）记录，含已恢复的（运营方只看到自己载体的）",
)
def withdrawals(request, carrier: str = "", page: int = 1):
    carriers = access.scoped(request.user, "carrier", Carrier.objects.all())
    qs = CarrierWithdrawal.objects.filter(carrier__in=carriers).select_related("carrier")
    if carrier:
        qs = qs.filter(carrier__code=carrier)
    return services.withdrawal_rows(_page(qs.order_by("-decided_on", "-pk"), page))


_TEXT = Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")]


class WithdrawIn(Schema):
    reason: _TEXT = Field("", description="撤销原因（必填）")
    evaluation: int | None = Field(None, description="依据的评价结果编号（可选，须属于该载体）")


class WithdrawalRevokeIn(Schema):
    reason: _TEXT = Field("", description="恢复认定的原因（必填）")


@router.post(
    "/{carrier_code}/withdrawal",
    response={201: WithdrawalOut},
    summary="撤销载体的认定（摘牌，科技局）",
)
def withdraw(request, carrier_code: str, body: WithdrawIn):
    carrier = steps.carrier_to_decide(request.user, carrier_code)
    evaluation = None
    if body.evaluation is not None:
        evaluation = EvaluationResult.objects.filter(pk=body.evaluation).first()
        if evaluation is None:
            raise HttpError(400, _("找不到评价结果 %(id)s") % {"id": body.evaluation})
    try:
        record = services.withdraw(carrier, body.reason, request.user, evaluation)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return 201, services.withdrawal_rows([record])[0]


@router.post(
    "/{carrier_code}/withdrawal/revoke",
    response=WithdrawalOut,
    summary="恢复认定：撤销记录保留并注明恢复，载体回到撤销前的状态和级别（科技局）",
)
def revoke_withdrawal(request, carrier_code: str, body: WithdrawalRevokeIn):
    carrier = steps.carrier_to_decide(request.user, carrier_code)
    try:
        record = services.revoke_withdrawal(carrier, body.reason, request.user)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return services.withdrawal_rows([record])[0]


# ------------------------------------------------------------------------------------------------
# 回避声明
# ------------------------------------------------------------------------------------------------


class DeclarationOut(Schema):
    id: int
    application: int
    expert: str
    conflict: bool = Field(description="true：存在利益冲突（回避，不评分）")
    reason: str
    declared_at: dt.datetime


def _declaration_out(d) -> dict:
    return {
        "id": d.pk,
        "application": d.application_id,
        "expert": str(d.expert),
        "conflict": d.conflict,
        "reason": d.reason,
        "declared_at": d.declared_at,
    }


@router.get(
    "/talent/{talent_id}/declarations",
    response=list[DeclarationOut],
    summary="一项人才评价申报的全部回避声明（科技局）",
)
def declarations(request, talent_id: int):
    apps = access.scoped(request.user, "talent_decide", TalentApplication.objects.all(), "change")
    app = apps.filter(pk=talent_id).first()
    if app is None or not access.can_view(request.user, "talent_application", app):
        raise Http404
    return [_declaration_out(d) for d in steps.declarations(app)]


class DeclarationIn(Schema):
    conflict: bool = Field(False, description="true：声明存在利益冲突（须写明原因）；false：声明无利益冲突")
    reason: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = Field(
        "", description="回避原因（声明冲突时必填）"
    )


@router.post(
    "/talent/{talent_id}/declaration",
    response={201: DeclarationOut},
    summary="评审专家在评分前作回避声明（每位专家每项申报一次）",
)
def declare(request, talent_id: int, body: DeclarationIn):
    access.scoped(request.user, "talent_score", TalentApplication.objects.none(), "change")
    app = steps.application_to_act_on(request.user, talent_id)
    if not access.can_change(request.user, "talent_score", app):
        raise access.AccessDenied(_("无权对该申报作回避声明"))
    try:
        made = services.declare(app, request.user, body.conflict, body.reason)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return 201, _declaration_out(made)


# The writes of operators, owners and the bureau (annual reports, booking decisions and hours, vouchers,
# talent recommendation and decisions, incubated enterprises, 「一院一策」 values): carriers.api_writes,
# which uses this module's schemas and helpers above.
from kechuang.carriers.api_writes import router as _writes  # noqa: E402

router.add_router("", _writes)
