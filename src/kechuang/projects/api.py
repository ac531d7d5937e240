"""重大科技项目 API (/api/projects): calls, one's eligibility for a call, a call's ranking, the
scoped applications and projects, and the security warning board. Every endpoint asks
kechuang.access, the same answers as the pages."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from kechuang import access
from kechuang.projects import services
from kechuang.projects.models import Application, Call, Project

router = Router(tags=["重大科技项目"])


class CallOut(Schema):
    code: str
    title: str
    mode: str
    mode_label: str
    project_class: str
    field: str
    funding_mode: str
    budget: float
    opens_on: date
    closes_on: date
    status: str


class EligibilityOut(Schema):
    call: str
    eligible: str
    label: str
    note: str
    year: int | None = None


class RankOut(Schema):
    application: str
    score: float | None
    experts: int
    rank: int
    funded: bool
    amount: float


class ProjectApplicationOut(Schema):
    code: str
    call: str
    title: str
    applicant: str
    consortium: bool
    requested: float
    status: str
    eligible: str
    score: float | None
    rank: int | None
    granted: float | None


class ProjectOut(Schema):
    code: str
    title: str
    applicant: str
    grant: float
    stage: str
    released: float


class WarningOut(Schema):
    code: str
    name: str
    value: float | None
    period: str
    level: str | None
    yellow: float
    red: float


def _user(request):
    return request.user


@router.get("/calls", response=list[CallOut], summary="项目指南（榜单）")
def list_calls(request):
    rows = access.scoped(_user(request), "project_call", Call.objects.all())
    return [
        {
            **{f: getattr(c, f) for f in CallOut.model_fields if hasattr(c, f)},
            "mode_label": c.get_mode_display(),
            "budget": float(c.budget),
        }  # fmt: skip
        for c in rows.order_by("code")
    ]


@router.get(
    "/calls/{call_code}/eligibility", response=EligibilityOut, summary="本单位是否符合指南的申报条件及原因"
)
def call_eligibility(request, call_code: str):
    user = _user(request)
    access.scoped(user, "project_application", Application.objects.none(), "change")
    call = get_object_or_404(access.scoped(user, "project_call", Call.objects.all()), code=call_code)
    if not user.org_id:
        raise HttpError(422, "账号未关联单位")
    try:
        result = services.check_eligibility(call, user.org)
    except services.ProjectError as exc:
        raise HttpError(422, str(exc)) from exc
    return {"call": call.code, "eligible": result.eligible, "label": result.label, "note": result.note,
            "year": result.year}  # fmt: skip


@router.get(
    "/calls/{call_code}/ranking", response=list[RankOut], summary="评审排序与资助线（按排序规则计算）"
)
def call_ranking(request, call_code: str):
    user = _user(request)
    call = get_object_or_404(access.scoped(user, "project_oversight", Call.objects.all()), code=call_code)
    return services.ranking(call).drop("requested").to_dicts()


@router.get("/applications", response=list[ProjectApplicationOut], summary="项目申报（按权限范围）")
def list_applications(request):
    rows = access.scoped(_user(request), "project_application", Application.objects.all())
    return [
        {
            "code": a.code,
            "call": a.call.code,
            "title": a.title,
            "applicant": a.applicant.name,
            "consortium": a.consortium,
            "requested": float(a.requested),
            "status": a.status,
            "eligible": a.eligible,
            "score": a.score,
            "rank": a.rank,
            "granted": None if a.granted is None else float(a.granted),
        }
        for a in rows.select_related("call", "applicant").order_by("code")
    ]


@router.get("/projects", response=list[ProjectOut], summary="重大项目（按权限范围）")
def list_projects(request):
    rows = access.scoped(_user(request), "major_project", Project.objects.all())
    out = []
    for p in rows.select_related("applicant").prefetch_related("tranches").order_by("code"):
        released = sum(float(t.amount) for t in p.tranches.all() if t.released_on)
        out.append({"code": p.code, "title": p.title, "applicant": p.applicant.name, "grant": float(p.grant),
                    "stage": p.stage, "released": released})  # fmt: skip
    return out


@router.get("/security", response=list[WarningOut], summary="科技安全监测预警：各指标的最新值与预警等级")
def security(request):
    access.scoped(_user(request), "security_indicator", Call.objects.none())
    return [
        {
            "code": r.indicator.code,
            "name": r.indicator.name,
            "value": r.value,
            "period": r.period,
            "level": r.level,
            "yellow": r.indicator.yellow,
            "red": r.indicator.red,
        }  # fmt: skip
        for r in services.security_board()
    ]
