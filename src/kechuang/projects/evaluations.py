"""分类评价 of funded projects (issue 12 §3): a project is evaluated by its class's template (basic
research by peer review with 代表作 over a long cycle — 中期评价, 结题评价, 后评价; applied research
by readiness level, users' evaluation and market figures; demonstration by integration, spread and
benefit). Each criterion is scored 0..its weight with the evidence it needs; the total and grade come
from engine.projects.evaluation; the evidence left empty is stored and shown as gaps. Who may record
and read is decided by kechuang.access (resource ``project_evaluation``).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from django.db import transaction

from kechuang import access
from kechuang.engine.projects import evaluation as engine
from kechuang.projects.evaluation import ClassEvaluation, shipped
from kechuang.projects.models import Project, ProjectEvaluation
from kechuang.projects.services import ProjectError
from kechuang.projects.vocabulary import Stage

NOT_EVALUATED = (Stage.DROPPED,)


def template_of(project: Project) -> ClassEvaluation:
    template = shipped().classes[project.application.call.project_class].evaluation
    if template is None:
        raise ProjectError("该类项目的分类评价模板未配置评价评分项")
    return template


def grades() -> list[tuple[str, float]]:
    return [(g.grade, g.min) for g in shipped().grades]


def _number(criterion: str, evidence, value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        raise ProjectError(
            f"评分项「{criterion}」的证据「{evidence.name}」应为数值，收到「{value[:20]}」"
        ) from None
    low = -math.inf if evidence.min is None else evidence.min
    high = math.inf if evidence.max is None else evidence.max
    if not (math.isfinite(number) and low <= number <= high):
        raise ProjectError(
            f"评分项「{criterion}」的证据「{evidence.name}」应在 {evidence.bounds} 之间，收到 {value[:20]}"
        )
    return f"{number:g}"


def record(
    project: Project,
    *,
    period: str,
    scores: dict[str, float | None],
    evidence: dict[str, dict[str, str]],
    evaluated_on: dt.date,
    by,
    comment: str = "",
) -> ProjectEvaluation:
    """Record an evaluation; ProjectError (Chinese, naming the field) on a bad sheet, nothing written.
    ``scores``: criterion → points; ``evidence``: criterion → {evidence name → text}."""
    template = template_of(project)
    if project.stage in NOT_EVALUATED:
        raise ProjectError(f"项目 {project.code} {project.get_stage_display()}，不作分类评价")
    if period not in template.periods:
        raise ProjectError(f"评价期次：应为 {'、'.join(template.periods)} 之一，收到「{period[:20]}」")
    if not project.started_on <= evaluated_on <= dt.date(2100, 12, 31):
        raise ProjectError(f"评价日期：不能早于项目开始日期 {project.started_on:%Y-%m-%d}")
    criteria = pl.DataFrame(
        [(c.name, float(c.weight)) for c in template.criteria], schema=engine.CRITERIA_SCHEMA, orient="row"
    )
    given = pl.DataFrame(
        [(c, None if s is None else float(s)) for c, s in scores.items()],
        schema={"criterion": pl.Utf8, "score": pl.Float64},
        orient="row",
    )
    problems = engine.score_problems(criteria, given)
    for name, values in evidence.items():
        criterion = template.criterion(name)
        if criterion is None:
            problems.append(f"评分项「{name}」：模板中没有该评分项")
            continue
        known = {e.name for e in criterion.evidence}
        problems += [f"评分项「{name}」：模板中没有证据「{e}」" for e in values if e not in known]
    if problems:
        raise ProjectError("；".join(problems))
    items = []
    for c in template.criteria:
        values = evidence.get(c.name, {})
        row = []
        for e in c.evidence:
            value = str(values.get(e.name) or "").strip()
            if value and e.kind == "number":
                value = _number(c.name, e, value)
            row.append({"name": e.name, "kind": e.kind, "unit": e.unit, "value": value})
        items.append(
            {"criterion": c.name, "weight": c.weight, "score": float(scores[c.name]), "evidence": row}
        )
    result = computed(items)
    with transaction.atomic():
        if ProjectEvaluation.objects.select_for_update().filter(project=project, period=period).exists():
            raise ProjectError(f"评价期次：项目 {project.code} 已有{period}，未覆盖")
        return ProjectEvaluation.objects.create(
            project=project, period=period, evaluated_on=evaluated_on, items=items, total=result["total"],
            grade=result["grade"], gaps=result["gaps"], template_version=shipped().version, evaluated_by=by,
            comment=comment,
        )  # fmt: skip


def computed(items: list[dict], number: int = 0) -> dict:
    """Total, grade and gaps of one evaluation's items (as stored) by the engine."""
    scores = pl.DataFrame(
        [(number, i["criterion"], i["score"]) for i in items], schema=engine.SCORES_SCHEMA, orient="row"
    )
    required = pl.DataFrame(
        [(i["criterion"], e["name"]) for i in items for e in i["evidence"]],
        schema=engine.REQUIRED_SCHEMA,
        orient="row",
    )
    given = pl.DataFrame(
        [(number, i["criterion"], e["name"], e["value"]) for i in items for e in i["evidence"]],
        schema=engine.GIVEN_SCHEMA,
        orient="row",
    )
    (row,) = engine.totals(scores, grades()).to_dicts()
    gaps = [f"{g['criterion']}：{g['evidence']}" for g in engine.evidence_gaps(required, given).to_dicts()]
    return {"total": row["total"], "grade": row["grade"], "gaps": gaps}


def visible(user, projects=None):
    """The evaluations ``user`` may read (of the projects the access module admits), newest last."""
    projects = Project.objects.all() if projects is None else projects
    admitted = access.scoped(user, "project_evaluation", projects)
    return (
        ProjectEvaluation.objects.filter(project__in=admitted)
        .select_related("project", "evaluated_by")
        .order_by("project__code", "evaluated_on", "pk")
    )


def latest() -> dict[int, dict]:
    """project pk → its latest evaluation's total and grade (for the portfolio)."""
    out: dict[int, dict] = {}
    for pk, total, grade in ProjectEvaluation.objects.order_by("evaluated_on", "pk").values_list(
        "project_id", "total", "grade"
    ):
        out[pk] = {"total": total, "grade": grade}
    return out


def as_dict(e: ProjectEvaluation) -> dict:
    return {
        "project": e.project.code,
        "period": e.period,
        "evaluated_on": e.evaluated_on,
        "total": e.total,
        "grade": e.grade,
        "gaps": e.gaps,
        "items": e.items,
        "evaluated_by": e.evaluated_by.display_name or e.evaluated_by.username,
        "template_version": e.template_version,
        "comment": e.comment,
    }
