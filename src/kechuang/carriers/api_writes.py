"""创新载体与人才 API, the writes of the operators, owners and the bureau (mounted on /api/carriers by
carriers.api): an operator's annual report; the instrument owner's approval of a booking and the
machine hours used, the booker's rating; an innovation voucher against the year's budget; the
employer's recommendation of a talent application and the bureau's decision or revocation for fraud;
an operator's incubated enterprises and an institution's 「一院一策」 values.

Each takes the page's service (carriers.services, carriers.upkeep) after asking kechuang.access: a
role without the right gets 403, a row outside the user's scope 404 (a row named in the body: 400
「找不到…」), a refusal 400 with the Chinese reason naming the field, and nothing is written. The
models are audited: every change is in the audit log with the user who made it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model

from kechuang import access
from kechuang.carriers import services, upkeep
from kechuang.carriers.api import BookingOut, TalentOut, _booking_out, _refused, _talent_out
from kechuang.carriers.forms import ReportForm, UseForm, VoucherForm
from kechuang.carriers.models import Booking, Carrier, CarrierReport, TalentApplication
from kechuang.carriers.upkeep import field_message
from kechuang.carriers.vocabulary import ExitReason, TalentClass, TalentStatus

router = Router(tags=["创新载体与人才"])

_TEXT = Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")]
_CODE = Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")]


def _form_refused(form) -> HttpError:
    return HttpError(
        400,
        "；".join(field_message(form.fields[f].label, m) for f, msgs in form.errors.items() for m in msgs),
    )


# ------------------------------------------------------------------------------------------------
# 年度报告 (the operator's, for its own carrier)
# ------------------------------------------------------------------------------------------------


def _report_field(name: str):
    field = CarrierReport._meta.get_field(name)
    kind = bool if name == "new_national_title" else float
    return (kind | None, Field(None, description=str(field.verbose_name)))


CarrierReportIn = create_model(
    "CarrierReportIn",
    __base__=Schema,
    __doc__="一个载体一个年度的年度报告：只填该类载体的填报项（孵化载体或新型研发机构），其余留空。",
    carrier=(_CODE, Field("", description="载体编号")),
    year=(int | None, Field(None, description="年度")),
    correct=(
        bool,
        Field(
            False,
            description="true：更正已报送的本年度报告（未提供的项保留原值，显式 null 清空）；"
            "false：已报送时拒绝",
        ),
    ),
    **{name: _report_field(name) for name in services.REPORT_FIELDS},
)

CarrierReportOut = create_model(
    "CarrierReportOut",
    __base__=Schema,
    carrier=(str, ...),
    year=(int, ...),
    submitted_at=(dt.datetime, ...),
    **{
        name: (bool if name == "new_national_title" else float | None, None)
        for name in services.REPORT_FIELDS
    },
)


def _report_out(r: CarrierReport) -> dict:
    return {
        "carrier": r.carrier.code,
        "year": r.year,
        "submitted_at": timezone.localtime(r.submitted_at),
        **{f: getattr(r, f) for f in services.REPORT_FIELDS},
    }


@router.post(
    "/reports",
    response={200: CarrierReportOut, 201: CarrierReportOut},
    summary="报送载体年度报告（运营方报送自己的载体；全部通过才写入）",
)
def submit_report(request, body: CarrierReportIn):
    access.scoped(request.user, "carrier_report", CarrierReport.objects.none(), "change")
    carrier = (
        access.visible(request.user, "carrier", Carrier.objects.all())
        .filter(code=body.carrier.strip())
        .first()
    )
    if carrier is None:
        raise HttpError(400, _("找不到载体「%(c)s」") % {"c": body.carrier})
    if body.year is None or not upkeep.FIRST_YEAR <= body.year <= upkeep.LAST_YEAR:
        raise HttpError(400, field_message(_("年度"), _("应为 2000–2100 之间的年份")))
    given = {f: getattr(body, f) for f in services.REPORT_FIELDS if getattr(body, f) is not None}
    kept = set(services.report_fields(carrier.kind))
    foreign = [f for f in given if f not in kept]
    if foreign:
        raise HttpError(
            400,
            "；".join(
                field_message(CarrierReport._meta.get_field(f).verbose_name, _("不是该类载体的填报项"))
                for f in foreign
            ),
        )
    existing = carrier.reports.filter(year=body.year).first()
    if existing is not None:
        if not access.can_change(request.user, "carrier_report", existing):
            raise access.AccessDenied(_("无权修改该报告"))
        if not body.correct:
            raise HttpError(
                400,
                field_message(
                    _("年度"), _("%(y)s 年度报告已报送；更正时请将 correct 设为 true") % {"y": body.year}
                ),
            )
    data = dict(given)
    if existing is not None:
        # a correction changes what it sends: a field left out keeps its value, an explicit null clears
        sent = body.model_fields_set
        for f in kept:
            if f not in sent:
                data[f] = getattr(existing, f)
    form = ReportForm(
        {f: ("" if v is None else v) for f, v in data.items()},
        instance=existing or CarrierReport(carrier=carrier, year=body.year),
        kind=carrier.kind,
    )
    if not form.is_valid():
        raise _form_refused(form)
    with transaction.atomic():
        report = form.save(commit=False)
        report.submitted_by = request.user
        report.save()
    return (200 if existing else 201), _report_out(report)


# ------------------------------------------------------------------------------------------------
# 仪器预约: the owner approves and records the hours, the booker rates; vouchers (the bureau)
# ------------------------------------------------------------------------------------------------


def _owned_booking(user, booking_id: int) -> Booking:
    """A booking of an instrument the user's organisation owns (404 otherwise; 403 for a role that
    decides none)."""
    qs = access.scoped(user, "booking_decision", Booking.objects.select_related("instrument"), "change")
    return get_object_or_404(qs, pk=booking_id)


class CarrierBookingDecisionIn(Schema):
    approve: bool | None = Field(None, description="true：批准；false：不批准")


@router.post(
    "/bookings/{booking_id}/decision",
    response=BookingOut,
    summary="审批仪器预约（仪器所有单位）",
)
def decide_booking(request, booking_id: int, body: CarrierBookingDecisionIn):
    booking = _owned_booking(request.user, booking_id)
    if body.approve is None:
        raise HttpError(400, _("请选择批准或不批准（approve）"))
    try:
        services.decide_booking(booking, body.approve)
    except ValidationError as exc:
        raise _refused(exc, Booking) from exc
    return _booking_out(booking)


class CarrierBookingUseIn(Schema):
    hours: float | None = Field(None, description="实际机时（小时，0.5–10000）")
    rating: int | None = Field(None, description="用户评价（1–5，可选；也可由预约人评价）")


@router.post(
    "/bookings/{booking_id}/use",
    response=BookingOut,
    summary="登记已批准预约的实际机时（仪器所有单位；费用按收费标准计算）",
)
def record_use(request, booking_id: int, body: CarrierBookingUseIn):
    booking = _owned_booking(request.user, booking_id)
    form = UseForm({"hours": body.hours if body.hours is not None else "", "rating": body.rating or ""})
    if not form.is_valid():
        raise _form_refused(form)
    try:
        with transaction.atomic():
            services.record_use(booking, form.cleaned_data["hours"], form.cleaned_data["rating"])
    except ValidationError as exc:
        booking.refresh_from_db()
        raise _refused(exc, Booking) from exc
    return _booking_out(booking)


class CarrierBookingRatingIn(Schema):
    rating: int | None = Field(None, description="用户评价（1–5）")


@router.post(
    "/bookings/{booking_id}/rating",
    response=BookingOut,
    summary="评价使用完成的预约（预约人本人，一次）",
)
def rate_booking(request, booking_id: int, body: CarrierBookingRatingIn):
    qs = access.scoped(request.user, "booking", Booking.objects.select_related("instrument"), "change")
    booking = get_object_or_404(qs, pk=booking_id)
    try:
        services.rate_booking(booking, request.user, body.rating)
    except ValidationError as exc:
        raise _refused(exc, Booking) from exc
    return _booking_out(booking)


class CarrierVoucherIn(Schema):
    amount: float | None = Field(None, description="创新券金额（万元），不超过本次费用和当年预算余额")


class CarrierVoucherOut(Schema):
    booking: int
    year: int
    amount: float = Field(description="创新券金额（万元）")
    budget: float | None = Field(description="当年创新券预算（万元）；未设定为 null")
    budget_left: float = Field(description="当年预算余额（万元）")


def _budget_out(year: int) -> dict:
    total, left = services.voucher_budget_left(year)
    return {"year": year, "budget": total, "budget_left": left}


@router.post(
    "/bookings/{booking_id}/voucher",
    response={201: CarrierVoucherOut},
    summary="为企业已完成的预约兑付科技创新券（科技局；在当年预算内）",
)
def issue_voucher(request, booking_id: int, body: CarrierVoucherIn):
    access.scoped(request.user, "voucher", Booking.objects.none(), "change")
    booking = get_object_or_404(access.visible(request.user, "booking", Booking.objects.all()), pk=booking_id)
    form = VoucherForm({"amount": body.amount if body.amount is not None else ""})
    if not form.is_valid():
        raise _form_refused(form)
    try:
        voucher = services.issue_voucher(booking, form.cleaned_data["amount"])
    except ValidationError as exc:
        raise _refused(exc) from exc
    return 201, {"booking": booking.pk, "amount": voucher.amount, **_budget_out(voucher.year)}


class CarrierBudgetOut(Schema):
    year: int
    budget: float | None = Field(description="当年创新券预算（万元）；未设定为 null")
    budget_left: float = Field(description="当年预算余额（万元）")


@router.get("/vouchers/budget", response=CarrierBudgetOut, summary="创新券年度预算及余额（科技局）")
def voucher_budget(request, year: int | None = None):
    access.scoped(request.user, "voucher", Booking.objects.none())
    return _budget_out(year or timezone.localdate().year)


# ------------------------------------------------------------------------------------------------
# 人才分类评价: the employer recommends, the bureau decides or revokes for fraud
# ------------------------------------------------------------------------------------------------


def _application(user, resource: str, talent_id: int) -> TalentApplication:
    qs = access.scoped(user, resource, TalentApplication.objects.all(), "change")
    return get_object_or_404(qs, pk=talent_id)


class CarrierTalentRecommendIn(Schema):
    text: _TEXT = Field("", description="推荐意见（留空为「同意推荐」）")


@router.post(
    "/talent/{talent_id}/recommendation",
    response=TalentOut,
    summary="单位推荐本单位人员的人才分类评价申报（用人单位）",
)
def recommend(request, talent_id: int, body: CarrierTalentRecommendIn):
    app = _application(request.user, "talent_recommend", talent_id)
    try:
        services.recommend(app, body.text.strip() or _("同意推荐"))
    except ValidationError as exc:
        raise _refused(exc, TalentApplication) from exc
    return _talent_out(app)


class CarrierTalentDecisionIn(Schema):
    approve: bool | None = Field(None, description="true：认定；false：不予认定")
    talent_class: Annotated[str, Field(max_length=1, pattern=r"^[^\x00]*$")] = Field(
        "", description="认定类别 A–F（认定时必填）"
    )
    note: _TEXT = Field("", description="决定说明")


@router.post(
    "/talent/{talent_id}/decision",
    response=TalentOut,
    summary="认定或不予认定（科技局；推荐后，专家评定途径须已评分）",
)
def decide(request, talent_id: int, body: CarrierTalentDecisionIn):
    app = _application(request.user, "talent_decide", talent_id)
    if body.approve is None:
        raise HttpError(400, _("请选择认定或不予认定（approve）"))
    if body.approve and body.talent_class and body.talent_class not in TalentClass.values:
        raise HttpError(400, field_message(_("认定类别"), _("应为 A–F")))
    try:
        services.decide(app, body.approve, body.talent_class, body.note.strip())
    except ValidationError as exc:
        raise _refused(exc, TalentApplication) from exc
    return _talent_out(app)


class CarrierTalentRevokeIn(Schema):
    note: _TEXT = Field("", description="撤销说明（必填：弄虚作假的事实）")


@router.post(
    "/talent/{talent_id}/revocation",
    response=TalentOut,
    summary="弄虚作假，撤销人才评价结果（科技局；申报人五年内不得申报）",
)
def revoke(request, talent_id: int, body: CarrierTalentRevokeIn):
    app = _application(request.user, "talent_decide", talent_id)
    if app.status == TalentStatus.REVOKED:
        raise HttpError(400, _("该申请已撤销"))
    if not body.note.strip():
        raise HttpError(400, field_message(_("决定说明"), _("请填写")))
    services.revoke_for_fraud(app, body.note.strip())
    return _talent_out(app)


# ------------------------------------------------------------------------------------------------
# 在孵企业 and 「一院一策」 values (the operator's own carrier)
# ------------------------------------------------------------------------------------------------


def _visible_carrier(user, code: str) -> Carrier:
    return get_object_or_404(access.scoped(user, "carrier", Carrier.objects.all()), code=code)


def _kept_carrier(user, code: str) -> Carrier:
    """A carrier whose own data the user keeps (403 for a role that keeps none, 404 for another's)."""
    return get_object_or_404(
        access.scoped(user, "carrier_upkeep", Carrier.objects.all(), "change"), code=code
    )


class CarrierIncubatedOut(Schema):
    credit_code: str
    name: str
    entered_year: int
    graduated_year: int | None
    invested: bool = Field(description="载体股权投资（确权实缴）")
    invested_year: int | None = Field(description="股权投资年度（未知为 null）")
    left_on: dt.date | None = Field(description="退出日期（仍在孵为 null）")
    exit_reason: str = Field(
        description="退出原因：graduated 毕业 / moved 迁出 / deregistered 注销 / mistaken 误录；仍在孵为空"
    )
    exit_reason_label: str = Field(description="退出原因（按界面语言）")


def _incubated_out(link) -> dict:
    return {
        "credit_code": link.enterprise.credit_code,
        "name": link.enterprise.name,
        "entered_year": link.entered_year,
        "graduated_year": link.graduated_year,
        "invested": link.invested,
        "invested_year": link.invested_year,
        "left_on": link.left_on,
        "exit_reason": link.exit_reason,
        "exit_reason_label": str(link.get_exit_reason_display()) if link.exit_reason else "",
    }


@router.get(
    "/{carrier_code}/incubated",
    response=list[CarrierIncubatedOut],
    summary="载体的在孵及毕业企业（企业库）",
)
def incubated(request, carrier_code: str):
    carrier = _visible_carrier(request.user, carrier_code)
    return [_incubated_out(i) for i in upkeep.incubated(carrier).order_by("-entered_year", "pk")]


class CarrierIncubatedIn(Schema):
    credit_code: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")] = Field(
        "", description="统一社会信用代码（须在企业库中）"
    )
    entered_year: int | None = Field(None, description="入驻年度")
    graduated_year: int | None = Field(None, description="毕业年度（未毕业为 null）")
    invested: bool = Field(False, description="载体股权投资（确权实缴）")
    invested_year: int | None = Field(None, description="股权投资年度（须勾选股权投资，不早于入驻年度）")


@router.post(
    "/{carrier_code}/incubated",
    response={201: CarrierIncubatedOut},
    summary="添加在孵企业（运营方，自己的载体；按统一社会信用代码关联企业库）",
)
def add_incubated(request, carrier_code: str, body: CarrierIncubatedIn):
    carrier = _kept_carrier(request.user, carrier_code)
    try:
        link = upkeep.add_incubated(
            carrier,
            body.credit_code,
            body.entered_year,
            body.graduated_year,
            body.invested,
            body.invested_year,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return 201, _incubated_out(link)


class CarrierIncubatedChangeIn(Schema):
    entered_year: int | None = Field(None, description="入驻年度（不传则不变）")
    graduated_year: int | None = Field(None, description="毕业年度（不传则不变；null 表示未毕业）")
    invested: bool | None = Field(None, description="载体股权投资（不传则不变；false 同时清除投资年度）")
    invested_year: int | None = Field(None, description="股权投资年度（不传则不变；null 表示未知）")


def _kept_link(user, carrier_code: str, credit_code: str):
    carrier = _kept_carrier(user, carrier_code)
    link = upkeep.find_incubated(carrier, credit_code)
    if link is None:
        raise HttpError(404, _("该企业不是本载体的在孵企业"))
    return link


@router.patch(
    "/{carrier_code}/incubated/{credit_code}",
    response=CarrierIncubatedOut,
    summary="修改在孵企业的入驻、毕业年度或股权投资及其年度（运营方；只改所传字段）",
)
def change_incubated(request, carrier_code: str, credit_code: str, body: CarrierIncubatedChangeIn):
    link = _kept_link(request.user, carrier_code, credit_code)
    changes = {f: getattr(body, f) for f in body.model_fields_set}
    try:
        upkeep.edit_incubated(link, **changes)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return _incubated_out(link)


@router.delete(
    "/{carrier_code}/incubated/{credit_code}",
    response=CarrierIncubatedOut,
    summary="在孵企业退出（运营方）：登记退出日期与原因，记录保留（各年度只计当年末仍在孵的，误录的不计入）",
)
def remove_incubated(
    request,
    carrier_code: str,
    credit_code: str,
    reason: str = Query(
        ExitReason.MISTAKEN,
        description="退出原因：graduated 毕业 / moved 迁出 / deregistered 注销 / mistaken 误录（默认）",
    ),
    left_on: str = Query("", description="退出日期 YYYY-MM-DD（默认今天，不早于入驻年度、不晚于今天）"),
):
    link = _kept_link(request.user, carrier_code, credit_code)
    try:
        upkeep.leave_incubated(link, reason, left_on or None)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return _incubated_out(link)


@router.post(
    "/{carrier_code}/incubated/{credit_code}/exit/revoke",
    response=CarrierIncubatedOut,
    summary="撤销在孵企业的退出（运营方）：退出登记有误或企业重新入驻；清除退出日期与原因（及毕业退出自动填写的毕业年度）",
)
def undo_incubated_exit(request, carrier_code: str, credit_code: str):
    link = _kept_link(request.user, carrier_code, credit_code)
    try:
        upkeep.undo_exit(link)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return _incubated_out(link)


class CarrierTargetOut(Schema):
    code: str
    name: str
    name_en: str = Field(description="英文名称（未填为空）")
    unit: str
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    year: int | None = Field(description="所报年度")
    value: float | None = Field(description="该年度的实际值；未报送为 null")


def _targets_out(carrier: Carrier, year: int | None) -> list[dict]:
    return [
        {
            **{
                f: getattr(r["target"], f)
                for f in (
                    "code",
                    "name",
                    "name_en",
                    "unit",
                    "baseline_year",
                    "baseline_value",
                    "target_year",
                    "target_value",
                )
            },
            "year": year,
            "value": r["value"],
        }
        for r in upkeep.target_rows(carrier, year)
    ]


@router.get(
    "/{carrier_code}/targets",
    response=list[CarrierTargetOut],
    summary="新型研发机构的「一院一策」目标及某年度的实际值",
)
def targets(request, carrier_code: str, year: int | None = None):
    carrier = _visible_carrier(request.user, carrier_code)
    return _targets_out(carrier, year)


class CarrierTargetValueIn(Schema):
    target: _CODE = Field("", description="目标编号")
    value: float | None = Field(None, description="实际值")


class CarrierTargetValuesIn(Schema):
    year: int | None = Field(None, description="年度")
    values: list[CarrierTargetValueIn] = Field([], description="各目标的实际值")
    correct: bool = Field(False, description="true：更正已报送的不同数值；false：已报送的不同数值被拒绝")


@router.post(
    "/{carrier_code}/targets/values",
    response=list[CarrierTargetOut],
    summary="报送「一院一策」目标某年度的实际值（新型研发机构，自己的目标；全部通过才写入）",
)
def report_targets(request, carrier_code: str, body: CarrierTargetValuesIn):
    carrier = _kept_carrier(request.user, carrier_code)
    codes = [v.target.strip() for v in body.values]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:  # one value per target: which of two would be meant is not for us to guess
        raise HttpError(
            400,
            "；".join(
                field_message(
                    _("目标"), _("「%(c)s」在本次报送中出现了不止一次，每个目标只填一个值") % {"c": c}
                )
                for c in twice
            ),
        )
    try:
        upkeep.report_target_values(
            carrier, body.year, {v.target: v.value for v in body.values}, correct=body.correct
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return _targets_out(carrier, body.year)
