"""重大科技项目 API (/api/projects): calls, one's eligibility for a call, a call's ranking, the
scoped applications and projects, the 补改投 stakes and the security warning board; writes: an
application (draft, optionally submitted at once), its submission, an expert's conflict declaration
and scoring sheet, a milestone report, spending (negative-list flags returned), an ethics approval,
a tranche release and an acceptance decision; the exemption dossier (.docx). Each write calls the
service its page calls. Every endpoint asks kechuang.access, the same answers as the pages; a domain
refusal is a 400 with the Chinese reason, and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kechuang import access
from kechuang.projects import evaluations, services, stakes
from kechuang.projects.evaluation import shipped
from kechuang.projects.models import Application, Assignment, Call, Milestone, Project
from kechuang.projects.security import level_reason
from kechuang.projects.vocabulary import (
    ACCEPTANCE_METHODS,
    SCORING_SHEETS,
    SPENDING_CATEGORIES,
    acceptance_method_label,
    spending_reason,
)

router = Router(tags=["重大科技项目"])
# A service's refusal (Chinese, naming what is wrong) is a 400 everywhere in this module's API:
# kechuang.api answers it, so no operation repeats the try/except.
REFUSALS = (services.ProjectError,)


class CallOut(Schema):
    code: str
    title: str
    title_en: str = Field("", description="英文名称（英文界面显示；未填为空）")
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
    title_en: str = Field("", description="英文名称（未填为空）")
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
    title_en: str = Field("", description="英文名称（未填为空）")
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
    reason: str = Field(description="预警原因：数值与阈值的比较（同预警看板），无数值时为空")
    sample: bool = Field(description="阈值为演示用示例，尚未经正式文件确定")


def _user(request):
    return request.user


def _english(label, value: str) -> str:
    """A stored Chinese word of a vocabulary in English (the API's *_en twin), whatever the reader's language."""
    with translation.override("en"):
        return str(label(value))


def _goal_en(goals: list[dict] | None, indicator: str) -> str:
    """The English name the call gives a target indicator ("" when it gives none)."""
    return next((g.get("indicator_en") or "" for g in goals or () if g.get("indicator") == indicator), "")


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
        raise HttpError(422, gettext("账号未关联单位"))
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
        "title_en": a.title_en,
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
    title_en: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = Field(
        "", description="英文名称（选填，英文界面显示）"
    )
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
        raise HttpError(400, gettext("找不到指南「%(code)s」") % {"code": body.call[:40]})
    if not user.org_id:
        raise HttpError(400, gettext("账号未关联单位，不能申报"))
    with transaction.atomic():
        application = services.new_application(
            call, user.org, body.title, body.requested, body.summary, body.members, body.title_en
        )
        if not access.can_create(user, "project_application", application):
            raise access.AccessDenied("无权以该单位申报")
        services.save_application(application)
        if body.submit:
            services.submit(application)
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
        raise HttpError(400, gettext("找不到申报「%(code)s」，或无权提交") % {"code": body.application[:40]})
    services.submit(application)
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
    title_en: str = Field("", description="里程碑英文名称（未填为空）")
    indicator: str
    indicator_en: str = Field("", description="考核指标英文名称（指南未填为空）")
    target: float | None
    due_on: date
    reported_value: float | None
    reported_on: date | None
    on_time: bool | None
    verified: bool


def find_milestone(projects, code: str, number: int) -> Milestone | None:
    """Milestone ``number`` of the project ``code`` among ``projects`` (the caller's scoped queryset)."""
    return (
        Milestone.objects.filter(project__in=projects, project__code=code.strip(), number=number)
        .select_related("project")
        .first()
    )


@router.post("/milestones/report", response=ProjectMilestoneOut, summary="报告里程碑完成值（承担单位）")
def report_milestone(request, body: ProjectMilestoneIn):
    user = _user(request)
    projects = access.scoped(user, "major_project", Project.objects.all(), "change")
    milestone = find_milestone(projects, body.project, body.number)
    if milestone is None:
        raise HttpError(
            400,
            gettext("找不到项目「%(code)s」的第 %(n)s 个里程碑，或无权报告")
            % {"code": body.project[:40], "n": body.number},
        )
    if body.reported_on is not None and not date(2000, 1, 1) <= body.reported_on <= date(2100, 12, 31):
        raise HttpError(400, gettext("报告日期应在 2000–2100 年之间"))
    services.report_milestone(milestone, body.value, body.reported_on)
    return milestone_out(milestone)


def milestone_out(m: Milestone) -> dict:
    return {
        "project": m.project.code, "number": m.number, "title": m.title, "title_en": m.title_en,
        "indicator": m.indicator, "indicator_en": _goal_en(m.project.application.call.goals, m.indicator),
        "target": m.target, "due_on": m.due_on, "reported_value": m.reported_value, "reported_on": m.reported_on,
        "on_time": m.reported_on <= m.due_on if m.reported_on else None, "verified": m.verified,
    }  # fmt: skip


# ---------------------------------------------------------------- review: an expert's own assignments

Text40 = Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")]


def _my_assignment(user, code: str) -> Assignment:
    """The user's own assignment on the application ``code`` (the review page: an expert acts only on
    what it was assigned; 403 for a role without review rights, 400 for anything else)."""
    rows = access.scoped(user, "project_review", Assignment.objects.all(), "change")
    assignment = (
        rows.filter(expert=user, application__code=code.strip()).select_related("application__call").first()
    )
    if assignment is None:
        raise HttpError(400, gettext("找不到分配给您的申报「%(code)s」") % {"code": code[:40]})
    return assignment


class ProjectConflictIn(Schema):
    application: Text40 = Field("", description="申报编号（须为分配给本人的评审）")
    reason: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = Field("", description="回避原因")


class ProjectConflictOut(Schema):
    application: str
    expert: str
    reason: str


@router.post(
    "/reviews/conflict",
    response=ProjectConflictOut,
    summary="评审专家声明回避（声明后该专家对该申报的评分不计入排名）",
)
def declare_conflict(request, body: ProjectConflictIn):
    user = _user(request)
    assignment = _my_assignment(user, body.application)
    conflict = services.declare_conflict(user, assignment.application, body.reason)
    return {"application": assignment.application.code, "expert": user.username, "reason": conflict.reason}


class ProjectScoreIn(Schema):
    application: Text40 = Field("", description="申报编号（须为分配给本人的评审）")
    items: dict[Text40, float] = Field(
        {}, max_length=20, description="评分表：评分项 → 分数（0 至该项权重），须填全该类项目的评分项"
    )
    comment: Annotated[str, Field(max_length=5000, pattern=r"^[^\x00]*$")] = Field("", description="评审意见")


class ProjectScoreOut(Schema):
    application: str
    expert: str
    score: float = Field(description="总分（0–100）")
    items: dict[str, float]
    comment: str
    sheet: list[str] = Field(description="该类项目评分表的评分项")
    sheet_en: list[str] = Field([], description="评分项（英文，与 sheet 同序）")


@router.post("/reviews/score", response=ProjectScoreOut, summary="评审专家按项目类别的评分表评分")
def score_application(request, body: ProjectScoreIn):
    user = _user(request)
    assignment = _my_assignment(user, body.application)
    services.record_score(assignment, body.items, body.comment)
    return {
        "application": assignment.application.code, "expert": user.username, "score": assignment.score,
        "items": assignment.items, "comment": assignment.comment,
        "sheet": [c for c, _w in SCORING_SHEETS[assignment.application.call.project_class]],
        "sheet_en": [c.name_en for c in shipped().classes[assignment.application.call.project_class].criteria],
    }  # fmt: skip


# ---------------------------------------------------------------- running a project (the project page)


def _project(user, code: str, resource: str = "major_project", action: str = "change") -> Project:
    """The project ``code`` as the project page finds it (among the projects the user sees), after
    the operation's own right (403 for a role without it); 400 when the user does not see it."""
    access.scoped(user, resource, Project.objects.none(), action)
    project = (
        access.scoped(user, "major_project", Project.objects.all())
        .filter(code=code.strip())
        .select_related("application__call", "applicant")
        .first()
    )
    if project is None:
        raise HttpError(400, gettext("找不到项目「%(code)s」，或无权操作") % {"code": code[:40]})
    return project


class ProjectSpendingIn(Schema):
    project: Text40 = Field("", description="项目编号")
    spent_on: date | None = Field(None, description="支出日期")
    category: Text40 = Field(
        "", description="支出类别代码：" + "、".join(f"{c} {label}" for c, label in SPENDING_CATEGORIES)
    )
    description: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = Field("", description="摘要")
    amount: float = Field(0, ge=0, le=1e9, description="金额（万元）")


class ProjectSpendingOut(Schema):
    project: str
    spent_on: date
    category: str
    description: str
    amount: float
    flagged: bool = Field(description="触及负面清单（包干制：记录并提示，不拒绝）")
    reason: str = Field(description="触及负面清单的原因；未触及为空")
    reason_en: str = Field("", description="触及负面清单的原因（英文）")


@router.post(
    "/spending",
    response={201: ProjectSpendingOut},
    summary="报告经费支出（包干制：按负面清单标记，返回是否触及）",
)
def report_spending(request, body: ProjectSpendingIn):
    user = _user(request)
    project = _project(user, body.project)
    access.deny_unless(access.can_change(user, "major_project", project))
    if body.spent_on is None:
        raise HttpError(400, gettext("请填写支出日期"))
    if not date(2000, 1, 1) <= body.spent_on <= date(2100, 12, 31):
        raise HttpError(400, gettext("支出日期应在 2000–2100 年之间"))
    row = services.add_spending(project, body.spent_on, body.category, body.description, body.amount)
    return Status(
        201,
        {"project": project.code, "spent_on": row.spent_on, "category": row.category,
         "description": row.description, "amount": float(row.amount), "flagged": row.flagged,
         "reason": row.reason, "reason_en": _english(spending_reason, row.reason) if row.reason else ""},
    )  # fmt: skip


class ProjectTrancheIn(Schema):
    project: Text40 = Field("", description="项目编号")
    number: int = Field(0, ge=0, le=1000, description="拨付期次")
    released_on: date | None = Field(None, description="拨付日期，默认今天")


class ProjectTrancheOut(Schema):
    project: str
    number: int
    amount: float
    trigger: str
    released_on: date | None


@router.post(
    "/tranches/release",
    response=ProjectTrancheOut,
    summary="拨付一期经费（按资助方式；伦理审查、阶段评估与验收未满足时拒绝并说明原因）",
)
def release_tranche(request, body: ProjectTrancheIn):
    user = _user(request)
    project = _project(user, body.project, "project_oversight")
    tranche = project.tranches.filter(number=body.number).first()
    if tranche is None:
        raise HttpError(
            400, gettext("项目「%(code)s」没有第 %(n)s 期拨付") % {"code": project.code, "n": body.number}
        )
    if body.released_on is not None and not date(2000, 1, 1) <= body.released_on <= date(2100, 12, 31):
        raise HttpError(400, gettext("拨付日期应在 2000–2100 年之间"))
    services.release(tranche, body.released_on)
    return {"project": project.code, "number": tranche.number, "amount": float(tranche.amount),
            "trigger": tranche.trigger, "released_on": tranche.released_on}  # fmt: skip


class ProjectAcceptanceResultIn(Schema):
    indicator: Text40 = Field("", description="考核指标（指南所列）")
    measured: float | None = Field(None, ge=-1e12, le=1e12, description="实测值；未测得留空")
    method: Text40 = Field("", description="核验方式：" + "或".join(ACCEPTANCE_METHODS))
    by: Annotated[str, Field(max_length=120, pattern=r"^[^\x00]*$")] = Field("", description="核验机构")


class ProjectAcceptanceIn(Schema):
    project: Text40 = Field("", description="项目编号")
    decided_on: date | None = Field(None, description="验收日期")
    conditions: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = Field(
        "", description="整改要求（有条件通过时）"
    )
    results: list[ProjectAcceptanceResultIn] = Field([], max_length=50, description="每项考核指标一条")


class ProjectAcceptanceResultOut(Schema):
    indicator: str
    indicator_en: str = Field("", description="考核指标英文名称（指南未填为空）")
    target: float | None
    measured: float | None
    method: str
    method_en: str = Field("", description="核验方式（英文）")
    by: str
    met: bool | None = None
    key: bool | None = None


class ProjectAcceptanceOut(Schema):
    project: str
    outcome: str = Field(description="passed 通过、conditional 有条件通过、failed 不通过")
    outcome_label: str
    decided_on: date
    conditions: str
    results: list[ProjectAcceptanceResultOut]


@router.post(
    "/acceptance",
    response=ProjectAcceptanceOut,
    summary="记录验收结论（按指南考核指标的第三方测试与真实应用场景考核结果）",
)
def record_acceptance(request, body: ProjectAcceptanceIn):
    user = _user(request)
    project = _project(user, body.project, "project_oversight")
    if body.decided_on is None:
        raise HttpError(400, gettext("请填写验收日期"))
    if not date(2000, 1, 1) <= body.decided_on <= date(2100, 12, 31):
        raise HttpError(400, gettext("验收日期应在 2000–2100 年之间"))
    with transaction.atomic():
        results = services.acceptance_results(project, [r.dict() for r in body.results])
        acceptance = services.record_acceptance(project, results, body.decided_on, body.conditions)
    return {"project": project.code, "outcome": acceptance.outcome,
            "outcome_label": acceptance.get_outcome_display(), "decided_on": acceptance.decided_on,
            "conditions": acceptance.conditions,
            "results": [{**r, "indicator_en": _goal_en(project.application.call.goals, r["indicator"]),
                         "method_en": _english(acceptance_method_label, r["method"])}
                        for r in acceptance.results]}  # fmt: skip


class ProjectEthicsIn(Schema):
    project: Text40 = Field("", description="项目编号")
    committee: Annotated[str, Field(max_length=120, pattern=r"^[^\x00]*$")] = Field(
        "", description="伦理委员会"
    )
    committee_registration: Annotated[str, Field(max_length=60, pattern=r"^[^\x00]*$")] = Field(
        "", description="委员会备案号"
    )
    number: Annotated[str, Field(max_length=60, pattern=r"^[^\x00]*$")] = Field("", description="批件号")
    approved_on: date | None = Field(None, description="批准日期")


class ProjectEthicsOut(Schema):
    project: str
    committee: str
    committee_registration: str
    number: str
    approved_on: date
    missing: list[str] = Field(description="登记后仍缺少的伦理审查要求（空：已满足）")


@router.post(
    "/ethics", response={201: ProjectEthicsOut}, summary="登记伦理审查批准（敏感领域项目拨付前须取得）"
)
def register_ethics(request, body: ProjectEthicsIn):
    user = _user(request)
    project = _project(user, body.project)
    access.deny_unless(
        access.can_change(user, "major_project", project) or access.can_change(user, "project_oversight")
    )
    if body.approved_on is None:
        raise HttpError(400, gettext("请填写批准日期"))
    if body.approved_on < date(2000, 1, 1):
        raise HttpError(400, gettext("批准日期应不早于 2000 年"))
    approval = services.add_ethics_approval(
        project, body.committee, body.committee_registration, body.number, body.approved_on
    )
    return Status(
        201,
        {"project": project.code, "committee": approval.committee,
         "committee_registration": approval.committee_registration, "number": approval.number,
         "approved_on": approval.approved_on, "missing": services.ethics_missing(project)},
    )  # fmt: skip


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
        out.append({"code": p.code, "title": p.title, "title_en": p.title_en, "applicant": p.applicant.name, "grant": float(p.grant),
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
            "reason": level_reason(
                r.value, r.indicator.yellow, r.indicator.red, r.indicator.higher_is_worse, r.indicator.unit
            ),
            "sample": r.indicator.sample,
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
    licences: int = Field(0, description="承担单位项目开始以来签订的许可合同（许可方或被许可方）份数")
    patents: int = Field(0, description="承担单位的成果中项目开始当年起申请的专利项数（按专利号年份）")
    papers: int = Field(0, description="项目已核验的论文篇数（承担单位登记、科技局核验）")
    products: int = Field(0, description="项目已核验的产品项数（承担单位登记、科技局核验）")
    failed: int = Field(description="验收不通过项目数")
    evaluated: int = Field(description="已分类评价的项目数（按各项目最近一次评价）")
    mean_score: float | None
    grades: dict[str, int] = Field(description="等级 → 项目数")
    grades_en: dict[str, int] = Field({}, description="等级（英文）→ 项目数")


class ProjectPortfolioOut(Schema):
    projects: int
    committed: float
    released: float
    returned: float
    evaluated: int
    mean_score: float | None
    grades: dict[str, int]
    grades_en: dict[str, int] = Field({}, description="等级（英文）→ 项目数")
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
            "licences": r["licences"],
            "patents": r["patents"],
            "papers": r["papers"],
            "products": r["products"],
            "failed": r["failed"],
            "evaluated": r["evaluated"],
            "mean_score": r["mean_score"],
            "grades": dict(r["grades"]),
            "grades_en": _grades_en(r["grades"]),
        }  # fmt: skip
        for key, rows in data["by"].items()
        for r in rows
    ]
    return {
        "projects": data["count"], "committed": data["committed"], "released": data["released"],
        "returned": data["returned"], "evaluated": data["evaluated"], "mean_score": data["mean_score"],
        "grades": dict(data["grades"]), "grades_en": _grades_en(data["grades"]), "groups": groups,
    }  # fmt: skip


def _grades_en(grades: list[tuple[str, int]]) -> dict[str, int]:
    english = {g.grade: g.grade_en or g.grade for g in shipped().grades}
    return {english.get(g, g): n for g, n in grades}


class ProjectEvidenceOut(Schema):
    name: str
    name_en: str = Field("", description="证据名称（英文，来自分类评价模板；空表示模板无英文）")
    kind: str = Field(description="text 文字、number 数值、attachment 附件编号或文件名")
    unit: str = ""
    unit_en: str = ""
    value: str = Field(description="登记的证据；空表示缺少")


class ProjectEvaluationItemOut(Schema):
    criterion: str
    criterion_en: str = Field("", description="评分项（英文）")
    weight: int
    score: float
    evidence: list[ProjectEvidenceOut]


class ProjectEvaluationOut(Schema):
    project: str
    period: str
    period_en: str = Field("", description="评价期次（英文）")
    evaluated_on: date
    total: float
    grade: str
    grade_en: str = Field("", description="等级（英文）")
    gaps: list[str] = Field(description="缺少的证据（评分项：证据）")
    gaps_en: list[str] = Field([], description="缺少的证据（英文，Criterion: evidence）")
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
        raise HttpError(404, gettext("找不到项目「%(code)s」，或无权查看") % {"code": project_code[:40]})
    return [evaluations.as_dict(e) for e in evaluations.visible(user, admitted.filter(code=project_code))]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/{project_code}/exemption",
    response={200: None},
    summary="下载责任豁免材料（.docx；验收不通过的项目，列出勤勉尽责的证据与缺项）",
    openapi_extra={
        "responses": {
            200: {
                "description": "责任豁免材料（Word 文档）",
                "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
            },
            400: {
                "description": "项目未被认定为验收不通过，无需责任豁免材料",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
            },
        }
    },
)
def exemption_dossier(request, project_code: str):
    user = _user(request)
    rows = access.scoped(user, "major_project", Project.objects.all())  # 403 without a scope
    project = rows.filter(code=project_code).select_related("applicant").first()
    if project is None:
        raise HttpError(404, gettext("找不到项目「%(code)s」，或无权查看") % {"code": project_code[:40]})
    body = services.exemption_dossier(project)
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"责任豁免材料-{project.code}.docx"
    )
    return response


# The programme officer's writes on calls and milestones: their own module, which uses this one's
# schemas (so imported here, at the end, once they exist).
from kechuang.projects import api_oversight  # noqa: E402

router.add_router("", api_oversight.router)

# 项目产出 (papers and products): their own module, on this one's _project and Text40.
from kechuang.projects import api_outputs  # noqa: E402

router.add_router("", api_outputs.router)
