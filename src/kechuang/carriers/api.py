"""创新载体与人才 API (/api/carriers): carriers, evaluation results, instruments, bookings, talent
applications. Every endpoint asks kechuang.access first (403 for a role without rows), then
returns only the rows the user may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from ninja import Router, Schema

from kechuang import access
from kechuang.carriers.models import Booking, Carrier, EvaluationResult, Instrument, TalentApplication

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
    reward_total: float
    detail: dict


@router.get(
    "/evaluations",
    response=list[CarrierEvaluationOut],
    summary="评价结果：各指标得分与所依据的数值、等级、排名",
)
def evaluations(request, template: str = "", period: str = "", carrier: str = "", page: int = 1):
    qs = access.scoped(request.user, "carrier_evaluation", EvaluationResult.objects.select_related("carrier"))
    if template:
        qs = qs.filter(template=template)
    if period:
        qs = qs.filter(period=period)
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
    return [
        {
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
        for b in _page(qs.order_by("-date", "pk"), page)
    ]


class TalentOut(Schema):
    id: int
    person_name: str
    employer_name: str
    route: str
    claimed_class: str
    status: str
    decided_class: str
    valid_until: str | None
    expert_score: float | None


@router.get("/talent", response=list[TalentOut], summary="人才分类评价申报（申报人只看到自己的申报）")
def talent(request, page: int = 1):
    qs = access.scoped(request.user, "talent_application", TalentApplication.objects.all())
    return [
        {
            "id": a.pk,
            "person_name": a.person_name,
            "employer_name": a.employer_name,
            "route": a.route,
            "claimed_class": a.claimed_class,
            "status": a.status,
            "decided_class": a.decided_class,
            "valid_until": a.valid_until.isoformat() if a.valid_until else None,
            "expert_score": a.expert_score,
        }
        for a in _page(qs, page)
    ]
