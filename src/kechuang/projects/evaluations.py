"""分类评价 of funded projects (issue 12 §3): a project is evaluated by its class's template (basic
research by peer review with 代表作 over a long cycle — 中期评价, 结题评价, 后评价; applied research
by readiness level, users' evaluation and market figures; demonstration by integration, spread and
benefit). Each criterion is scored 0..its weight with the evidence it needs; the total and grade come
from engine.projects.evaluation; the evidence left empty is stored and shown as gaps. Who may record
and read is decided by kechuang.access (resource ``project_evaluation``).

An evaluation stores its names in Chinese (the template's keys); ``as_dict`` gives each its English
twin (``period_en``, ``grade_en``, ``criterion_en``, ``name_en``, ``unit_en``, ``gaps_en``) from the
shipped template at display time, so evaluations recorded before the template had English read in
English too; a name the template no longer has keeps an empty twin (shown in Chinese).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kechuang import access
from kechuang.engine.projects import evaluation as engine
from kechuang.projects.evaluation import ClassEvaluation, shipped
from kechuang.projects.models import Project, ProjectEvaluation
from kechuang.projects.services import ProjectError
from kechuang.projects.vocabulary import Stage
from kechuang.web import names
from kechuang.web.names import UNITS_EN

NOT_EVALUATED = (Stage.DROPPED,)


# the engine's score problems (engine.projects.evaluation.score_problems) in words
PROBLEMS = {
    "unknown": gettext_noop("评分项「%(criterion)s」：模板中没有该评分项"),
    "missing": gettext_noop("评分项「%(criterion)s」：未填写得分"),
    "range": gettext_noop("评分项「%(criterion)s」：得分应在 0–%(weight)s 分之间，收到 %(score)s"),
}


def template_of(project: Project) -> ClassEvaluation:
    template = shipped().classes[project.application.call.project_class].evaluation
    if template is None:
        raise ProjectError(_("该类项目的分类评价模板未配置评价评分项"))
    return template


def grades() -> list[tuple[str, float]]:
    return [(g.grade, g.min) for g in shipped().grades]


def _shown(template: ClassEvaluation):
    """A template's name (criterion, evidence, period) as the interface names it in a message."""
    english = template.english_names() if names.english() else {}
    return lambda name: english.get(name, name)


def _number(criterion: str, evidence, value: str, shown) -> str:
    try:
        number = float(value)
    except ValueError:
        raise ProjectError(
            _("评分项「%(criterion)s」的证据「%(evidence)s」应为数值，收到「%(value)s」")
            % {"criterion": shown(criterion), "evidence": shown(evidence.name), "value": value[:20]}
        ) from None
    low = -math.inf if evidence.min is None else evidence.min
    high = math.inf if evidence.max is None else evidence.max
    if not (math.isfinite(number) and low <= number <= high):
        raise ProjectError(
            _("评分项「%(criterion)s」的证据「%(evidence)s」应在 %(bounds)s 之间，收到 %(value)s")
            % {
                "criterion": shown(criterion),
                "evidence": shown(evidence.name),
                "bounds": evidence.bounds,
                "value": value[:20],
            }  # fmt: skip
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
    shown = _shown(template)
    if project.stage in NOT_EVALUATED:
        raise ProjectError(
            _("项目 %(code)s %(stage)s，不作分类评价")
            % {"code": project.code, "stage": project.get_stage_display()}
        )
    if period not in template.periods:
        raise ProjectError(
            _("评价期次：应为 %(periods)s 之一，收到「%(period)s」")
            % {"periods": _("、").join(template.periods), "period": period[:20]}
        )
    if not project.started_on <= evaluated_on <= dt.date(2100, 12, 31):
        raise ProjectError(
            _("评价日期：不能早于项目开始日期 %(date)s") % {"date": f"{project.started_on:%Y-%m-%d}"}
        )
    criteria = pl.DataFrame(
        [(c.name, float(c.weight)) for c in template.criteria], schema=engine.CRITERIA_SCHEMA, orient="row"
    )
    given = pl.DataFrame(
        [(c, None if s is None else float(s)) for c, s in scores.items()],
        schema={"criterion": pl.Utf8, "score": pl.Float64},
        orient="row",
    )
    problems = [
        _(PROBLEMS[p.pop("problem")]) % {**p, "criterion": shown(p["criterion"])}
        for p in engine.score_problems(criteria, given)
    ]
    for name, values in evidence.items():
        criterion = template.criterion(name)
        if criterion is None:
            problems.append(_("评分项「%(criterion)s」：模板中没有该评分项") % {"criterion": name})
            continue
        known = {e.name for e in criterion.evidence}
        problems += [
            _("评分项「%(criterion)s」：模板中没有证据「%(evidence)s」")
            % {"criterion": shown(name), "evidence": e}
            for e in values
            if e not in known
        ]
    if problems:
        raise ProjectError(_("；").join(problems))
    items = []
    for c in template.criteria:
        values = evidence.get(c.name, {})
        row = []
        for e in c.evidence:
            value = str(values.get(e.name) or "").strip()
            if value and e.kind == "number":
                value = _number(c.name, e, value, shown)
            row.append({"name": e.name, "kind": e.kind, "unit": e.unit, "value": value})
        items.append(
            {"criterion": c.name, "weight": c.weight, "score": float(scores[c.name]), "evidence": row}
        )
    result = computed(items)
    with transaction.atomic():
        if ProjectEvaluation.objects.select_for_update().filter(project=project, period=period).exists():
            raise ProjectError(
                _("评价期次：项目 %(code)s 已有%(period)s，未覆盖")
                % {"code": project.code, "period": shown(period)}
            )
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
        .select_related("project__application__call", "evaluated_by")
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
    """An evaluation as stored, each name with its English twin (see the module's docstring)."""
    template = shipped().classes[e.project.application.call.project_class].evaluation
    english = template.english_names() if template else {}
    units = {ev.unit: ev.unit_en for c in (template.criteria if template else ()) for ev in c.evidence}

    def gap_en(gap: str) -> str:
        criterion, _sep, evidence = gap.partition("：")
        return f"{english.get(criterion, criterion)}: {english.get(evidence, evidence)}"

    items = [
        {**i, "criterion_en": english.get(i["criterion"], ""),
         "evidence": [{**ev, "name_en": english.get(ev["name"], ""),
                       "unit_en": units.get(ev["unit"]) or UNITS_EN.get(ev["unit"], "")} for ev in i["evidence"]]}
        for i in e.items
    ]  # fmt: skip
    grade = next((g for g in shipped().grades if g.grade == e.grade), None)
    return {
        "project": e.project.code,
        "period": e.period,
        "period_en": english.get(e.period, ""),
        "evaluated_on": e.evaluated_on,
        "total": e.total,
        "grade": e.grade,
        "grade_en": grade.grade_en if grade else "",
        "gaps": e.gaps,
        "gaps_en": [gap_en(g) for g in e.gaps],
        "items": items,
        "evaluated_by": e.evaluated_by.display_name or e.evaluated_by.username,
        "template_version": e.template_version,
        "comment": e.comment,
    }
