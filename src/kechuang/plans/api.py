"""规划监测 API (/api/plans): plans, indicators, observations (read and write), evaluation, tasks.

Thin: every list goes through kechuang.access.visible, writes go through plans.observations (which
checks access.can_create row by row), the evaluation is plans.evaluation.monitor — the JSON of
`kechuang monitor`.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.engine.observation_import import check_observations
from kechuang.engine.plan_labels import TASK_STATUS_LABELS
from kechuang.plans.evaluation import monitor, task_board
from kechuang.plans.models import Indicator, Observation, Plan, Task
from kechuang.plans.monitoring.selection import plan_for, region_choices, resolve_region
from kechuang.plans.observations import ObservationImportError, indicator_infos, store_observations
from kechuang.plans.texts import API_FORM
from kechuang.regions import region_lookup, region_names

router = Router(tags=["规划监测"])


# ---------------------------------------------------------------- schemas


class PlanOut(Schema):
    code: str
    name: str
    status: str
    start_year: int
    end_year: int
    region_code: str
    sample_note: str
    current_version: int | None
    indicators: int
    tasks: int


class VersionOut(Schema):
    number: int
    content_hash: str
    source_file: str
    loaded_at: datetime
    loaded_by: str
    note: str


class RegionalTargetOut(Schema):
    region: str
    region_name: str
    target_year: int
    target_value: float
    target_text: str
    sample: bool


class IndicatorOut(Schema):
    code: str
    seq: int
    name: str
    unit: str
    baseline_year: int | None
    baseline_value: float | None
    target_year: int
    target_value: float
    target_text: str
    nature: str
    direction: int
    growth_model: str
    kind: str
    weight: float
    owner_department: str
    owner_department_name: str
    description: str
    regional_targets: list[RegionalTargetOut]


class PlanDetailOut(PlanOut):
    versions: list[VersionOut]
    regions: list[dict[str, str]] = Field(description="用户可查看数据的地区：[{code, name}]，全市在前")


class ObservationOut(Schema):
    id: int
    indicator: str
    region: str
    region_name: str
    year: int
    value: float | None = Field(description="空：该版次原值不是有限数字，已作废（原值见备注）")
    unit: str
    source: str
    note: str
    simulated: bool
    revision: int
    is_latest: bool
    entered_by: str
    entered_at: datetime


class ObservationIn(Schema):
    indicator: str = Field(description="指标代码或中文名称")
    region: str = Field(description="地区名称或区划代码，如 虎门镇、441900121")
    year: int | str
    value: float | str = Field(description="有限数字；inf、NaN 等被拒绝")
    source: str = ""
    note: str = ""


class ObservationsIn(Schema):
    rows: list[ObservationIn] = Field(min_length=1, max_length=10000)
    source: str = Field("", description="未单独注明来源的行使用的来源")


class ImportOut(Schema):
    batch: int | None
    created: int
    revised: int
    unchanged: int
    warnings: list[str] = []  # broken ``warn`` validation rules (the values are written)


class RowErrorOut(Schema):
    index: int | None = Field(description="rows 中的位置（从 0 开始）")
    row: int = Field(description="按文件行号计（第 1 行为表头）")
    column: str
    value: str
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[RowErrorOut]


class OpenSdgOut(Schema):
    progress_value: float | None
    status: str | None
    score: float | None


class IndicatorEvaluationOut(Schema):
    code: str
    name: str
    unit: str
    baseline_year: int | None
    baseline_value: float | None
    baseline_source: str | None
    target_year: int | None
    target_value: float | None
    latest_year: int | None
    latest_value: float | None
    time_elapsed: float | None
    progress: float | None
    on_schedule: bool | None
    achieved: bool | None
    growth_model: str | None
    observed_rate: float | None
    required_rate: float | None
    trend: str | None
    projected_value: float | None
    probability: float | None
    warning: str | None
    stale: bool | None
    opensdg: OpenSdgOut


class EvaluationOut(Schema):
    plan: str
    as_of: int
    as_of_simulated: bool = Field(
        False, description="评估年份晚于有正式数据的最近一年：该年只有模拟数据（演示用，非官方统计）"
    )
    region: str
    index: float | None
    indicators: list[IndicatorEvaluationOut]


class MilestoneOut(Schema):
    seq: int
    title: str
    due: date
    done: bool


class TaskOut(Schema):
    code: str
    chapter: int
    section: int
    part: str
    title: str
    summary: str
    lead_department: str
    lead_department_name: str
    co_departments: list[str]
    co_department_names: list[str]
    start: date
    due: date
    sample: bool
    completed: bool
    status: str
    status_label: str
    warning: str
    overdue_days: int
    late_milestones: int
    milestones: list[MilestoneOut]


# ---------------------------------------------------------------- helpers


def _plans(user):
    access.deny_unless(access.can_view(user, "plan"))
    return access.visible(user, "plan", Plan.objects.all()).annotate(
        latest_version=Max("versions__number"),
        n_indicators=Count("indicators", filter=Q(indicators__active=True), distinct=True),
        n_tasks=Count("tasks", filter=Q(tasks__active=True), distinct=True),
    )


def _plan_out(plan: Plan) -> dict:
    return {
        "code": plan.code,
        "name": plan.name,
        "status": plan.status,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "region_code": plan.region_code,
        "sample_note": plan.sample_note,
        "current_version": plan.latest_version,
        "indicators": plan.n_indicators,
        "tasks": plan.n_tasks,
    }


def _indicator_out(ind: Indicator, depts: dict[str, str], names: dict[str, str]) -> dict:
    data = {f: getattr(ind, f) for f in IndicatorOut.model_fields if hasattr(ind, f)}
    data["owner_department_name"] = depts.get(ind.owner_department, ind.owner_department)
    data["regional_targets"] = [
        {
            "region": t.region_code,
            "region_name": names.get(t.region_code, t.region_code),
            "target_year": t.target_year,
            "target_value": t.target_value,
            "target_text": t.target_text,
            "sample": t.sample,
        }
        for t in ind.regional_targets.all()
    ]
    return data


# ---------------------------------------------------------------- endpoints


@router.get("/", response=list[PlanOut], summary="规划列表")
def list_plans(request):
    return [_plan_out(p) for p in _plans(request.user).order_by("id")]


@router.get("/{code}", response=PlanDetailOut, summary="规划详情：版本与可查看的地区")
def plan_detail(request, code: str):
    plan = get_object_or_404(_plans(request.user), code=code)
    versions = plan.versions.defer("content").order_by("-number")
    regions = [{"code": c, "name": n} for c, n in region_choices(request.user, plan)]
    return {**_plan_out(plan), "versions": list(versions), "regions": regions}


@router.get("/{code}/indicators", response=list[IndicatorOut], summary="指标（表1 主要目标）及分解目标")
def list_indicators(request, code: str):
    plan = plan_for(request.user, code)
    access.deny_unless(access.can_view(request.user, "indicator"))
    rows = access.visible(request.user, "indicator", Indicator.objects.filter(plan=plan, active=True))
    depts, names = department_names(full=True), region_names()
    return [_indicator_out(i, depts, names) for i in rows.prefetch_related("regional_targets")]


class ObservationFilter(Schema):
    indicator: str | None = Field(None, description="指标代码")
    region: str | None = Field(None, description="地区名称或区划代码")
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    revisions: str = Field(
        "latest", pattern="^(latest|all)$", description="latest：只取最新版次；all：全部修订"
    )


@router.get("/{code}/observations", response=list[ObservationOut], summary="观测值（按权限范围）")
def list_observations(request, code: str, filters: Query[ObservationFilter]):
    plan = plan_for(request.user, code)
    access.deny_unless(access.can_view(request.user, "observation"))
    qs = Observation.objects.filter(indicator__plan=plan)
    if filters.revisions == "latest":
        qs = qs.filter(is_latest=True)
    if filters.indicator:
        qs = qs.filter(indicator__code=filters.indicator)
    if filters.region:
        qs = qs.filter(region_code=region_lookup().get(filters.region.strip(), filters.region))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.year_from is not None:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        qs = qs.filter(year__lte=filters.year_to)
    rows = access.visible(request.user, "observation", qs).values(
        "id",
        "indicator__code",
        "region_code",
        "year",
        "value",
        "unit",
        "source",
        "note",
        "simulated",
        "revision",
        "is_latest",
        "entered_by_name",
        "entered_at",
    )
    names = region_names()
    return [
        {
            **r,
            "indicator": r["indicator__code"],
            "region": r["region_code"],
            "region_name": names.get(r["region_code"], r["region_code"]),
            "entered_by": r["entered_by_name"],
        }
        for r in rows.order_by("indicator__seq", "region_code", "year", "-revision")
    ]


def _row_errors(errors) -> list[dict]:
    return [
        {
            "index": e.row - 2 if e.row >= 2 else None,
            "row": e.row,
            "column": e.column,
            "value": str(e.value),
            "message": e.message,
        }
        for e in errors
    ]


@router.post(
    "/{code}/observations",
    response={201: ImportOut, 400: ErrorsOut},
    summary="填报观测值（全部成功或全部不写入）",
)
def add_observations(request, code: str, data: ObservationsIn):
    plan = plan_for(request.user, code)
    access.deny_unless(access.can_change(request.user, "observation"), "无权填报观测值")
    raw = pl.DataFrame(
        {
            "indicator": [r.indicator for r in data.rows],
            "region": [r.region for r in data.rows],
            "year": [str(r.year) for r in data.rows],
            "value": [repr(r.value) if isinstance(r.value, float) else str(r.value) for r in data.rows],
            "source": [r.source or data.source for r in data.rows],
            "note": [r.note for r in data.rows],
        },
        schema=dict.fromkeys(("indicator", "region", "year", "value", "source", "note"), pl.Utf8),
    )
    clean, errors = check_observations(raw, indicator_infos(plan), region_lookup())
    missing_source = [i for i, r in enumerate(data.rows) if not (r.source or data.source).strip()]
    if errors or missing_source:
        out = _row_errors(errors) + [
            {"index": i, "row": i + 2, "column": "来源", "value": "", "message": "请注明数据来源"}
            for i in missing_source
        ]
        out.sort(key=lambda e: (e["row"], e["column"]))
        return Status(400, {"detail": f"{len(out)} 处错误，数据未写入", "errors": out})
    try:
        result = store_observations(
            plan, clean, user=request.user, file_name=API_FORM, default_source=data.source
        )
    except ObservationImportError as exc:
        return Status(
            400, {"detail": f"{len(exc.errors)} 处错误，数据未写入", "errors": _row_errors(exc.errors)}
        )
    return Status(
        201,
        {
            "batch": result.batch.pk if result.batch else None,
            "created": result.created,
            "revised": result.revised,
            "unchanged": result.unchanged,
            "warnings": result.warnings,
        },
    )


@router.get(
    "/{code}/evaluation", response=EvaluationOut, summary="动态评估（与 kechuang monitor --format json 相同）"
)
def evaluation(
    request,
    code: str,
    as_of: int | None = Query(
        None, ge=2000, le=2100, description="评估年份，默认为有正式（非模拟）数据的最近一年"
    ),
    region: str | None = Query(None, description="地区名称或区划代码，默认全市"),
):
    plan = plan_for(request.user, code)
    access.deny_unless(access.can_view(request.user, "observation"))
    region_code = resolve_region(request.user, plan, region, region_choices(request.user, plan))
    return monitor(plan, as_of, region_code)


class TaskFilter(Schema):
    department: str | None = Field(None, description="部门代码：牵头或配合")
    chapter: int | None = None
    status: str | None = Field(None, description="completed / overdue / milestone_late / on_time")
    as_of: date | None = Field(
        None,
        description="评估日期，默认为默认评估年份（有正式数据的最近一年）的年末，当年为今天；"
        "与指标总览、重点任务页和年度报告相同",
    )


@router.get("/{code}/tasks", response=list[TaskOut], summary="重点任务及其状态")
def list_tasks(request, code: str, filters: Query[TaskFilter]):
    plan = plan_for(request.user, code)
    access.deny_unless(access.can_view(request.user, "task"))
    qs = Task.objects.filter(plan=plan, active=True)
    if filters.department:
        qs = qs.of_department(filters.department)
    if filters.chapter is not None:
        qs = qs.filter(chapter=filters.chapter)
    board = {r["code"]: r for r in task_board(plan, filters.as_of).iter_rows(named=True)}
    depts = department_names(full=True)
    out = []
    for task in access.visible(request.user, "task", qs).prefetch_related("milestones", "co_departments"):
        state = board.get(task.code, {})
        if filters.status and state.get("status") != filters.status:
            continue
        co = task.co_department_codes
        out.append(
            {
                **{
                    f: getattr(task, f)
                    for f in TaskOut.model_fields
                    if hasattr(Task, f) and f != "milestones"
                },
                "lead_department_name": depts.get(task.lead_department, task.lead_department),
                "co_departments": co,
                "co_department_names": [depts.get(c, c) for c in co],
                "status": state.get("status", ""),
                "status_label": TASK_STATUS_LABELS.get(state.get("status"), ""),
                "warning": state.get("warning", ""),
                "overdue_days": state.get("overdue_days") or 0,
                "late_milestones": state.get("late_milestones") or 0,
                "milestones": list(task.milestones.all()),
            }
        )
    return out
