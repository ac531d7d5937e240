"""The plan file into the database (versions, indicators, regional targets, tasks with their
co-departments and milestones) and the plan's rows out of it as frames for the engine.

Shared by every concern of the app (monitoring, entry, tasks, report), the API and the CLI; observations
have their own service (plans.observations) and the evaluation its own (plans.evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.plan_tasks import evaluate_tasks as engine_evaluate_tasks
from kechuang.plans.models import (
    Indicator,
    Milestone,
    Plan,
    PlanVersion,
    RegionalTarget,
    Task,
    TaskDepartment,
)
from kechuang.plans.schema import PlanFile, load_plan_file, load_plan_text, plan_diff

DEFAULT_PLAN = "dongguan-2026-2030"


@dataclass
class LoadResult:
    plan: Plan
    version: PlanVersion
    new_version: bool
    changes: list = field(default_factory=list)


def default_plan() -> Plan:
    plan = Plan.objects.filter(code=DEFAULT_PLAN).first() or Plan.objects.order_by("id").first()
    if plan is None:
        raise Plan.DoesNotExist("尚未加载任何规划：请运行 kechuang plan load 或 kechuang demo")
    return plan


def get_plan(code: str | None) -> Plan:
    return Plan.objects.get(code=code) if code else default_plan()


def parse_plan(path: str | Path | None = None, text: str | None = None, filename: str = "<plan>") -> PlanFile:
    """Validate a plan file; raises schema.PlanFileError listing every error with its path and line."""
    if text is not None:
        return load_plan_text(text, filename=filename)
    return load_plan_file(path)


@transaction.atomic
def load_plan(plan_file: PlanFile, source_file: str, loaded_by: str = "", note: str = "") -> LoadResult:
    """Store a validated plan file. A changed file becomes a new version; the old one is kept."""
    meta = plan_file.plan
    plan, _ = Plan.objects.update_or_create(
        code=meta.code,
        defaults={
            "name": meta.name,
            "name_en": meta.name_en or "",
            "status": meta.status,
            "status_en": meta.status_en or "",
            "start_year": meta.start_year,
            "end_year": meta.end_year,
            "region_code": meta.region,
            "sample_note": plan_file.sample_note or "",
            "sample_note_en": plan_file.sample_note_en or "",
        },
    )
    current = plan.current_version
    digest = plan_file.content_hash()
    if current is not None and current.content_hash == digest:
        return LoadResult(plan, current, False, [])
    changes = plan_diff(PlanFile.model_validate(current.content), plan_file) if current else []
    version = PlanVersion.objects.create(
        plan=plan,
        number=(current.number + 1) if current else 1,
        content_hash=digest,
        content=plan_file.model_dump(mode="json"),
        source_file=str(source_file),
        loaded_by=loaded_by,
        note=note,
    )
    _sync_indicators(plan, plan_file)
    _sync_tasks(plan, plan_file)
    record(
        Action.IMPORT,
        version,
        object_repr=f"{plan.name} 第 {version.number} 版",
        after={"source_file": str(source_file), "changes": len(changes)},
    )
    return LoadResult(plan, version, True, changes)


def _sync_indicators(plan: Plan, plan_file: PlanFile) -> None:
    codes = []
    for ind in plan_file.indicators:
        codes.append(ind.code)
        Indicator.objects.update_or_create(
            plan=plan,
            code=ind.code,
            defaults={
                "seq": ind.seq,
                "name": ind.name,
                "name_en": ind.name_en or "",
                "unit": ind.unit,
                "unit_en": ind.unit_en or "",
                "baseline_year": ind.baseline_year,
                "baseline_value": ind.baseline_value,
                "target_year": ind.target_year,
                "target_value": ind.target_value,
                "target_text": ind.target_text,
                "target_text_en": ind.target_text_en or "",
                "nature": ind.nature,
                "direction": ind.direction,
                "growth_model": ind.effective_growth_model,
                "kind": ind.kind,
                "weight": ind.weight,
                "owner_department": ind.owner_department,
                "description": ind.description,
                "description_en": ind.description_en or "",
                "active": True,
            },
        )
    Indicator.objects.filter(plan=plan).exclude(code__in=codes).update(active=False)
    by_code = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    keep = []
    for rt in plan_file.regional_targets:
        obj, _ = RegionalTarget.objects.update_or_create(
            indicator=by_code[rt.indicator],
            region_code=rt.region,
            defaults={
                "target_year": rt.target_year,
                "target_value": rt.target_value,
                "target_text": rt.target_text or "",
                "target_text_en": rt.target_text_en or "",
                "sample": rt.sample,
            },
        )
        keep.append(obj.pk)
    RegionalTarget.objects.filter(indicator__plan=plan).exclude(pk__in=keep).delete()


def _sync_tasks(plan: Plan, plan_file: PlanFile) -> None:
    codes = []
    for t in plan_file.tasks:
        codes.append(t.code)
        task, _ = Task.objects.update_or_create(
            plan=plan,
            code=t.code,
            defaults={
                "chapter": t.chapter,
                "section": t.section,
                "part": t.part or "",
                "part_en": _part_en(plan_file, t),
                "title": t.title,
                "title_en": t.title_en or "",
                "summary": t.summary,
                "summary_en": t.summary_en or "",
                "lead_department": t.lead_department,
                "start": t.start,
                "due": t.due,
                "sample": t.sample,
                "active": True,
            },
        )
        _sync_co_departments(task, t.co_departments)
        existing = {m.seq: m for m in task.milestones.all()}
        for seq, m in enumerate(t.milestones, start=1):
            if seq in existing:
                old = existing.pop(seq)
                title_en = m.title_en or ""
                if (old.title, old.title_en, old.due) != (m.title, title_en, m.due):
                    old.title, old.title_en, old.due = m.title, title_en, m.due
                    old.save()
            else:
                Milestone.objects.create(
                    task=task, seq=seq, title=m.title, title_en=m.title_en or "", due=m.due
                )
        for extra in existing.values():  # milestones the new version dropped
            extra.delete()
    Task.objects.filter(plan=plan).exclude(code__in=codes).update(active=False)


def _part_en(plan_file: PlanFile, task) -> str:
    """The English sub-heading of a task's part (the plan file's parts_en, in the order of parts)."""
    if not task.part:
        return ""
    _, section = plan_file.section_of(task)
    index = section.parts.index(task.part)
    return section.parts_en[index] if index < len(section.parts_en) else ""


def _sync_co_departments(task: Task, codes: list[str]) -> None:
    """The task's co-departments as the plan file lists them (rows rewritten only when they change)."""
    if task.co_department_codes == list(codes):
        return
    task.co_departments.all().delete()
    TaskDepartment.objects.bulk_create(
        TaskDepartment(task=task, department=code, seq=n) for n, code in enumerate(codes, start=1)
    )


# ---------------------------------------------------------------- frames for the engine


def indicators_frame(plan: Plan) -> pl.DataFrame:
    rows = list(
        Indicator.objects.filter(plan=plan, active=True).values(
            "code",
            "name",
            "unit",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "growth_model",
            "kind",
            "weight",
            "seq",
            "owner_department",
            "target_text",
        )
    )
    return pl.DataFrame(
        rows,
        schema={
            "code": pl.Utf8,
            "name": pl.Utf8,
            "unit": pl.Utf8,
            "direction": pl.Int8,
            "baseline_year": pl.Int32,
            "baseline_value": pl.Float64,
            "target_year": pl.Int32,
            "target_value": pl.Float64,
            "growth_model": pl.Utf8,
            "kind": pl.Utf8,
            "weight": pl.Float64,
            "seq": pl.Int32,
            "owner_department": pl.Utf8,
            "target_text": pl.Utf8,
        },
    ).sort("seq")


def regional_targets_frame(plan: Plan) -> pl.DataFrame:
    rows = list(
        RegionalTarget.objects.filter(indicator__plan=plan).values(
            "indicator__code", "region_code", "target_value"
        )
    )
    return pl.DataFrame(
        {
            "indicator": [r["indicator__code"] for r in rows],
            "region": [r["region_code"] for r in rows],
            "target_value": [r["target_value"] for r in rows],
        },
        schema={"indicator": pl.Utf8, "region": pl.Utf8, "target_value": pl.Float64},
    )


def task_frames(plan: Plan) -> tuple[pl.DataFrame, pl.DataFrame]:
    tasks = list(
        Task.objects.filter(plan=plan, active=True)
        .with_progress()
        .values("code", "due", "completed", "progress")
    )
    milestones = list(
        Milestone.objects.filter(task__plan=plan, task__active=True).values("task__code", "due", "done")
    )
    tf = pl.DataFrame(
        {
            "code": [t["code"] for t in tasks],
            "due": [t["due"] for t in tasks],
            "completed": [t["completed"] for t in tasks],
            "percent": [None if t["progress"] is None else float(t["progress"]) for t in tasks],
        },
        schema={"code": pl.Utf8, "due": pl.Date, "completed": pl.Boolean, "percent": pl.Float64},
    )
    mf = pl.DataFrame(
        {
            "task": [m["task__code"] for m in milestones],
            "due": [m["due"] for m in milestones],
            "done": [m["done"] for m in milestones],
        },
        schema={"task": pl.Utf8, "due": pl.Date, "done": pl.Boolean},
    )
    return tf, mf


def evaluate_tasks(plan: Plan, as_of: date) -> pl.DataFrame:
    tasks, milestones = task_frames(plan)
    return engine_evaluate_tasks(tasks, milestones, as_of)
