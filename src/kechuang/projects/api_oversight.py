"""The programme officer's writes on calls and milestones (/api/projects, mounted by projects.api):
verifying a reported milestone, the 赛马制 stage gate, assigning experts (avoiding declared
conflicts and the applicant's own organisations) and the funding decision (the ranking and its
funding line within the call's budget). Each calls the service the call and project pages call;
kechuang.access decides who may (403 without the project_oversight right, 400 '找不到…' for what one
does not see); a domain refusal is a 400 with the Chinese reason, and nothing is written."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from kechuang import access
from kechuang.projects import services
from kechuang.projects.api import ProjectMilestoneOut, RankOut, Text40, find_milestone, milestone_out
from kechuang.projects.models import Call, Project

router = Router(tags=["重大科技项目"])
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _call(user, code: str) -> Call:
    """The call ``code`` among those the user oversees (403 for a role without the right to change)."""
    rows = access.scoped(user, "project_oversight", Call.objects.all(), "change")
    call = rows.filter(code=code.strip()).first()
    if call is None:
        raise HttpError(400, gettext("找不到指南「%(code)s」") % {"code": code[:40]})
    return call


def _in_range(day: dt.date | None, message: str) -> None:
    """400 with ``message`` (the field named, translated) for a day outside 2000–2100."""
    if day is not None and not EARLIEST <= day <= LATEST:
        raise HttpError(400, message)


class ProjectVerifyIn(Schema):
    project: Text40 = Field("", description="项目编号")
    number: int = Field(0, ge=0, le=1000, description="里程碑序号")


@router.post(
    "/milestones/verify",
    response=ProjectMilestoneOut,
    summary="核验里程碑的报告值（项目主管处室；按里程碑拨付的一期随之可拨付）",
)
def verify_milestone(request, body: ProjectVerifyIn):
    user = request.user
    projects = access.scoped(user, "project_oversight", Project.objects.all(), "change")
    milestone = find_milestone(projects, body.project, body.number)
    if milestone is None:
        raise HttpError(
            400,
            gettext("找不到项目「%(code)s」的第 %(n)s 个里程碑")
            % {"code": body.project[:40], "n": body.number},
        )
    services.verify_milestone(milestone)
    return milestone_out(milestone)


class ProjectGateIn(Schema):
    call: Text40 = Field("", description="指南编号（采用赛马制）")
    on: dt.date | None = Field(None, description="评估日期：比较此日前到期的里程碑，默认今天")


class ProjectGateRowOut(Schema):
    project: str
    position: int = Field(description="按达标比例、完成度排序的名次")
    reached_share: float = Field(description="到期里程碑中达到目标的比例")
    ratio: float = Field(description="报告值与目标之比的平均")
    kept: bool = Field(description="保留（前若干名）；否则淘汰，不再拨付")


class ProjectGateOut(Schema):
    call: str
    on: dt.date
    keep: int = Field(description="指南规定保留的团队数")
    kept: list[str]
    dropped: list[str]
    rows: list[ProjectGateRowOut]


@router.post(
    "/calls/gate",
    response=ProjectGateOut,
    summary="赛马制阶段评估：按到期里程碑比较在研团队，保留前若干名、淘汰其余（停止拨付）",
)
def race_gate(request, body: ProjectGateIn):
    call = _call(request.user, body.call)
    _in_range(body.on, gettext("评估日期应在 2000–2100 年之间"))
    on = body.on or timezone.localdate()
    with transaction.atomic():
        result = services.race_gate(call, on)
    rows = result.sort("position").to_dicts()
    return {
        "call": call.code, "on": on, "keep": call.race_keep, "rows": rows,
        "kept": [r["project"] for r in rows if r["kept"]],
        "dropped": [r["project"] for r in rows if not r["kept"]],
    }  # fmt: skip


class ProjectAssignIn(Schema):
    call: Text40 = Field("", description="指南编号")
    per_application: int = Field(5, ge=1, le=20, description="每项申报的评审专家数")


class ProjectAssignedOut(Schema):
    application: str
    added: list[str] = Field(description="本次新分配的专家（用户名）")
    experts: list[str] = Field(description="该申报现有的全部评审专家")


class ProjectAssignOut(Schema):
    call: str
    per_application: int
    applications: list[ProjectAssignedOut] = Field(description="已提交的申报（回避声明冲突与本单位专家）")


@router.post(
    "/calls/assign",
    response=ProjectAssignOut,
    summary="为已提交的申报分配评审专家（回避已声明冲突的专家与申报单位、联合体成员单位的专家）",
)
def assign_experts(request, body: ProjectAssignIn):
    call = _call(request.user, body.call)
    with transaction.atomic():
        done = services.assign_experts(call, services.expert_pool(), body.per_application)
    have: dict[str, list[str]] = {code: [] for code in done}
    rows = call.applications.filter(code__in=done).values_list("code", "assignments__expert__username")
    for code, username in rows.order_by("code", "assignments__expert__username"):
        if username:
            have[code].append(username)
    return {
        "call": call.code, "per_application": body.per_application,
        "applications": [{"application": c, "added": added, "experts": have[c]} for c, added in done.items()],
    }  # fmt: skip


class ProjectDecideIn(Schema):
    call: Text40 = Field("", description="指南编号")
    start: dt.date | None = Field(None, description="立项项目的开始日期，默认截止申报后 60 天")


class ProjectDecisionOut(Schema):
    call: str
    status: str
    budget: float = Field(description="指南总预算（万元）")
    funded: float = Field(description="确定资助合计（万元）")
    projects: list[str] = Field(description="立项的项目编号")
    ranking: list[RankOut]


@router.post(
    "/calls/decide",
    response=ProjectDecisionOut,
    summary="按排名确定资助：在指南预算内沿资助线立项（排序规则同 kechuang projects rank）",
)
def decide(request, body: ProjectDecideIn):
    call = _call(request.user, body.call)
    _in_range(body.start, gettext("开始日期应在 2000–2100 年之间"))
    result = services.decide(call, body.start)
    funded = result.filter(result["funded"])
    codes = Project.objects.filter(application__code__in=funded["application"].to_list())
    return {
        "call": call.code, "status": call.status, "budget": float(call.budget),
        "funded": float(funded["amount"].sum()), "projects": sorted(codes.values_list("code", flat=True)),
        "ranking": result.drop("requested").to_dicts(),
    }  # fmt: skip
