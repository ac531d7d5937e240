"""重大科技项目 API (/api/projects): calls, one's eligibility for a call, a call's ranking, the
scoped applications and projects, the 补改投 stakes and the security warning board; writes: an
application (draft, optionally submitted at once), its submission, and a milestone report. Every
endpoint asks kechuang.access, the same answers as the pages; a domain refusal is a 400 with the
Chinese reason, and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kechuang import access
from kechuang.projects import evaluations, services, stakes
from kechuang.projects.models import Application, Call, Milestone, Project

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
    eligibility_note: str = ""
    members: list[str] = []


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
    computed: bool = Field(description="由平台数据计算（否则为部门填报）")
    detail: str = Field(description="计算值所指（专利集中度：最集中的技术领域）")


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
    rows = rows.select_related("call", "applicant").prefetch_related("members__org").order_by("code")
    return [_application_out(a) for a in rows]


def _application_out(a: Application) -> dict:
    return {
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
        "eligibility_note": a.eligibility_note,
        "members": [m.org.code for m in a.members.all()],
    }


# Texts are without NUL (PostgreSQL refuses it in a text column or a query parameter).
class ProjectApplicationIn(Schema):
    call: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")] = ""
    title: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""
    requested: float = Field(0, ge=0, le=1e9, description="申请资助（万元）")
    summary: Annotated[str, Field(max_length=5000, pattern=r"^[^\x00]*$")] = ""
    members: list[Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")]] = Field(
        [], max_length=30, description="以创新联合体申报时成员单位的机构代码"
    )
    submit: bool = Field(False, description="保存后立即提交（即时审查申报资格）")


@router.post(
    "/applications",
    response={201: ProjectApplicationOut},
    summary="以本单位名义申报（保存草稿，可同时提交并即时审查资格）",
)
def create_application(request, body: ProjectApplicationIn):
    user = _user(request)
    access.scoped(user, "project_application", Application.objects.none(), "change")
    call = access.scoped(user, "project_call", Call.objects.all()).filter(code=body.call.strip()).first()
    if call is None:
        raise HttpError(400, f"找不到指南「{body.call[:40]}」")
    if not user.org_id:
        raise HttpError(400, "账号未关联单位，不能申报")
    try:
        with transaction.atomic():
            application = services.new_application(
                call, user.org, body.title, body.requested, body.summary, body.members
            )
            if not access.can_create(user, "project_application", application):
                raise access.AccessDenied("无权以该单位申报")
            services.save_application(application)
            if body.submit:
                services.submit(application)
    except services.ProjectError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, _application_out(application))


class ProjectSubmitIn(Schema):
    application: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")] = Field(
        "", description="申报编号"
    )


@router.post(
    "/applications/submit",
    response=ProjectApplicationOut,
    summary="提交申报（截止日期、申请额度与申报资格即时审查）",
)
def submit_application(request, body: ProjectSubmitIn):
    user = _user(request)
    rows = access.scoped(user, "project_application", Application.objects.all(), "change")
    application = rows.select_related("call", "applicant").filter(code=body.application.strip()).first()
    if application is None:
        raise HttpError(400, f"找不到申报「{body.application[:40]}」，或无权提交")
    try:
        services.submit(application)
    except services.ProjectError as exc:
        raise HttpError(400, str(exc)) from exc
    return _application_out(application)


class ProjectMilestoneIn(Schema):
    project: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")] = Field("", description="项目编号")
    number: int = Field(0, ge=0, le=1000, description="里程碑序号")
    value: float | None = Field(None, ge=-1e12, le=1e12, description="报告值（无数值的里程碑留空）")
    reported_on: date | None = Field(None, description="报告日期，默认今天")


class ProjectMilestoneOut(Schema):
    project: str
    number: int
    title: str
    indicator: str
    target: float | None
    due_on: date
    reported_value: float | None
    reported_on: date | None
    on_time: bool | None
    verified: bool


@router.post("/milestones/report", response=ProjectMilestoneOut, summary="报告里程碑完成值（承担单位）")
def report_milestone(request, body: ProjectMilestoneIn):
    user = _user(request)
    projects = access.scoped(user, "major_project", Project.objects.all(), "change")
    milestone = (
        Milestone.objects.filter(project__in=projects, project__code=body.project.strip(), number=body.number)
        .select_related("project")
        .first()
    )
    if milestone is None:
        raise HttpError(400, f"找不到项目「{body.project[:40]}」的第 {body.number} 个里程碑，或无权报告")
    if body.reported_on is not None and not date(2000, 1, 1) <= body.reported_on <= date(2100, 12, 31):
        raise HttpError(400, "报告日期应在 2000–2100 年之间")
    try:
        services.report_milestone(milestone, body.value, body.reported_on)
    except services.ProjectError as exc:
        raise HttpError(400, str(exc)) from exc
    m = milestone
    return {
        "project": m.project.code, "number": m.number, "title": m.title, "indicator": m.indicator,
        "target": m.target, "due_on": m.due_on, "reported_value": m.reported_value, "reported_on": m.reported_on,
        "on_time": m.reported_on <= m.due_on if m.reported_on else None, "verified": m.verified,
    }  # fmt: skip


class ProjectStakeOut(Schema):
    project: str
    enterprise: str
    amount: float
    share: float = Field(description="转股时的持股比例（小数）")
    held_share: float
    converted_on: date
    holding_ends: date
    status: str
    value: float | None = Field(description="持有部分按最近估值的价值（万元）；未估值为空")
    returned: float = Field(description="退出所得，回收基金（万元）")
    multiple: float | None


@router.get("/stakes", response=list[ProjectStakeOut], summary="补改投股权：持有、估值、退出与回收基金")
def list_stakes(request):
    _projects, rows = stakes.visible_rows(_user(request))
    return [
        {
            "project": r["object"].project.code,
            "enterprise": r["object"].project.applicant.name,
            "amount": r["amount"],
            "share": r["share"],
            "held_share": r["held_share"],
            "converted_on": r["object"].converted_on,
            "holding_ends": r["holding_ends"],
            "status": r["status"],
            "value": r["value"],
            "returned": r["returned"],
            "multiple": r["multiple"],
        }  # fmt: skip
        for r in rows
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
            "computed": r.indicator.computed,
            "detail": r.detail if r.indicator.computed else "",
        }  # fmt: skip
        for r in services.security_board()
    ]


class ProjectPortfolioGroupOut(Schema):
    key: str = Field(
        description="汇总维度：class 类别、mode 组织方式、field 领域、town 镇街、holder 承担单位"
    )
    value: str
    label: str
    projects: int
    committed: float = Field(description="承诺资助（万元）")
    released: float = Field(description="已拨付（万元）")
    returned: float = Field(description="补改投退出回收基金（万元）")
    contracts: int = Field(description="承担单位项目开始以来登记的技术合同（卖方）份数")
    contract_amount: float
    failed: int = Field(description="验收不通过项目数")
    evaluated: int = Field(description="已分类评价的项目数（按各项目最近一次评价）")
    mean_score: float | None
    grades: dict[str, int] = Field(description="等级 → 项目数")


class ProjectPortfolioOut(Schema):
    projects: int
    committed: float
    released: float
    returned: float
    evaluated: int
    mean_score: float | None
    grades: dict[str, int]
    groups: list[ProjectPortfolioGroupOut]


@router.get(
    "/portfolio",
    response=ProjectPortfolioOut,
    summary="项目组合：按类别、组织方式、领域、镇街、承担单位汇总（含分类评价）",
)
def portfolio(request):
    data = stakes.portfolio_for(_user(request))["portfolio"]
    groups = [
        {
            "key": key,
            "value": r[key],
            "label": r["label"],
            "projects": r["n"],
            "committed": r["committed"],
            "released": r["released"],
            "returned": r["returned"],
            "contracts": r["contracts"],
            "contract_amount": r["contract_amount"],
            "failed": r["failed"],
            "evaluated": r["evaluated"],
            "mean_score": r["mean_score"],
            "grades": dict(r["grades"]),
        }  # fmt: skip
        for key, rows in data["by"].items()
        for r in rows
    ]
    return {
        "projects": data["count"], "committed": data["committed"], "released": data["released"],
        "returned": data["returned"], "evaluated": data["evaluated"], "mean_score": data["mean_score"],
        "grades": dict(data["grades"]), "groups": groups,
    }  # fmt: skip


class ProjectEvidenceOut(Schema):
    name: str
    kind: str = Field(description="text 文字、number 数值、attachment 附件编号或文件名")
    unit: str = ""
    value: str = Field(description="登记的证据；空表示缺少")


class ProjectEvaluationItemOut(Schema):
    criterion: str
    weight: int
    score: float
    evidence: list[ProjectEvidenceOut]


class ProjectEvaluationOut(Schema):
    project: str
    period: str
    evaluated_on: date
    total: float
    grade: str
    gaps: list[str] = Field(description="缺少的证据（评分项：证据）")
    items: list[ProjectEvaluationItemOut]
    evaluated_by: str
    template_version: str
    comment: str


@router.get(
    "/{project_code}/evaluations",
    response=list[ProjectEvaluationOut],
    summary="项目的分类评价记录（按评价日期）",
)
def project_evaluations(request, project_code: str):
    user = _user(request)
    admitted = access.scoped(user, "project_evaluation", Project.objects.all())  # 403 without a scope
    if not admitted.filter(code=project_code).exists():
        raise HttpError(404, f"找不到项目「{project_code[:40]}」，或无权查看")
    return [evaluations.as_dict(e) for e in evaluations.visible(user, admitted.filter(code=project_code))]
