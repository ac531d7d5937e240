"""项目产出 in the API (/api/projects, mounted by projects.api): the holder records a paper or product
of its project (a duplicate is refused) and withdraws a mistaken one before it is verified, the
programme officer verifies or rejects it (with a reason), and whoever sees the project reads its outputs.
Each write calls projects.outputs, as the project page does; kechuang.access decides who may (403
without the right, 400 '找不到…' for a project one does not see); a refusal is a 400 with the Chinese
reason naming the field, and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kechuang import access
from kechuang.projects import outputs
from kechuang.projects.api import Text40, _project
from kechuang.projects.models import OutputKind, Project, ProjectOutput

router = Router(tags=["重大科技项目"])
KIND_HELP = "产出类型：" + "、".join(f"{k}（{v}）" for k, v in OutputKind.choices)


class ProjectOutputIn(Schema):
    project: Text40 = Field("", description="项目编号")
    kind: Text40 = Field("", description=KIND_HELP)
    title: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = Field(
        "", description="论文题目或产品名称"
    )
    dated_on: date | None = Field(None, description="发表或上市日期")
    evidence: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")] = Field(
        "", description="佐证：论文的期刊与 DOI；产品的注册证号或首次销售凭证"
    )


class ProjectOutputOut(Schema):
    id: int
    project: str
    kind: str = Field(description=KIND_HELP)
    kind_label: str = Field(description="产出类型（界面语言）")
    title: str
    dated_on: date
    evidence: str
    verified: bool = Field(description="已由科技局核验（只有已核验的计入项目组合）")
    verified_on: date | None
    state: str = Field(
        description="状态：pending（待核验）、verified（已核验）、withdrawn（已撤回）、rejected（未通过核验）"
    )
    state_label: str = Field(description="状态（界面语言）")
    withdrawn_on: date | None = Field(description="承担单位撤回的日期")
    rejected_on: date | None = Field(description="科技局退回（未通过核验）的日期")
    rejection: str = Field(description="未通过核验的原因")


class ProjectOutputVerifyIn(Schema):
    project: Text40 = Field("", description="项目编号")
    id: int = Field(0, ge=0, description="产出编号（登记时返回的 id）")


class ProjectOutputRejectIn(ProjectOutputVerifyIn):
    reason: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")] = Field(
        "", description="未通过原因（承担单位可见）"
    )


def output_out(o: ProjectOutput) -> dict:
    return {"id": o.pk, "project": o.project.code, "kind": o.kind, "kind_label": str(o.get_kind_display()),
            "title": o.title, "dated_on": o.dated_on, "evidence": o.evidence, "verified": o.verified,
            "verified_on": o.verified_on, "state": o.state, "state_label": str(outputs.STATES[o.state]),
            "withdrawn_on": o.withdrawn_on, "rejected_on": o.rejected_on, "rejection": o.rejection}  # fmt: skip


def _output(project: Project, pk: int) -> ProjectOutput:
    row = project.outputs.filter(pk=pk).first()
    if row is None:
        raise HttpError(
            400, gettext("找不到项目「%(code)s」的产出 %(id)s") % {"code": project.code, "id": pk}
        )
    return row


@router.post(
    "/outputs",
    response={201: ProjectOutputOut},
    summary="登记项目产出：论文或产品（承担单位；经科技局核验后计入项目组合）",
)
def record_output(request, body: ProjectOutputIn):
    user = request.user
    project = _project(user, body.project)
    access.deny_unless(access.can_change(user, "major_project", project))
    row = outputs.record(project, body.kind, body.title, body.dated_on, body.evidence, by=user)
    return Status(201, output_out(row))


@router.post("/outputs/verify", response=ProjectOutputOut, summary="核验项目产出（项目主管处室）")
def verify_output(request, body: ProjectOutputVerifyIn):
    user = request.user
    project = _project(user, body.project, "project_oversight")
    row = _output(project, body.id)
    outputs.verify(row, by=user)
    return output_out(row)


@router.post(
    "/outputs/withdraw",
    response=ProjectOutputOut,
    summary="撤回登记有误的项目产出（承担单位；核验前）",
)
def withdraw_output(request, body: ProjectOutputVerifyIn):
    user = request.user
    project = _project(user, body.project)
    access.deny_unless(access.can_change(user, "major_project", project))
    row = _output(project, body.id)
    outputs.withdraw(row, by=user)
    return output_out(row)


@router.post(
    "/outputs/reject",
    response=ProjectOutputOut,
    summary="退回项目产出：未通过核验，须写明原因（项目主管处室；不计入项目组合）",
)
def reject_output(request, body: ProjectOutputRejectIn):
    user = request.user
    project = _project(user, body.project, "project_oversight")
    row = _output(project, body.id)
    outputs.reject(row, body.reason, by=user)
    return output_out(row)


@router.get(
    "/{project_code}/outputs", response=list[ProjectOutputOut], summary="项目产出：论文与产品（含核验状态）"
)
def list_outputs(request, project_code: str):
    rows = access.scoped(request.user, "major_project", Project.objects.all())  # 403 without a scope
    project = rows.filter(code=project_code).first()
    if project is None:
        raise HttpError(404, gettext("找不到项目「%(code)s」，或无权查看") % {"code": project_code[:40]})
    return [output_out(o) for o in project.outputs.select_related("project")]
