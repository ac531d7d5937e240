"""Assembling the annual report: everything it shows, gathered from the services into one
:class:`~kechuang.plans.report.model.AnnualReport` (evaluation, task board, observations, departments).

The report is built in one language (zh-hans or en): names from data are taken in it (the ``*_en``
fields through :func:`kechuang.web.names.localized`, department and town names through their lookups),
the Chinese name where there is no English one (decision 0023)."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
from django.utils import timezone
from django.utils.translation import override

from kechuang.accounts.departments import department_names
from kechuang.engine.plan_eval import plan_index
from kechuang.engine.plan_labels import TASK_STATUS_LABELS
from kechuang.plans.asof import official_year, task_date
from kechuang.plans.evaluation import evaluate_plan, task_board
from kechuang.plans.models import Indicator, Milestone, Observation, Plan, Task
from kechuang.plans.report import fonts
from kechuang.plans.report.model import (
    WARNING_ORDER,
    AnnualReport,
    DepartmentRow,
    IndicatorRow,
    ObservationRow,
    Summary,
    TaskRow,
)
from kechuang.plans.report.text import report_notes
from kechuang.regions import CITY_CODE, region_names
from kechuang.web.names import localized
from kechuang.web.names import unit as unit_label


def _sources(plan: Plan, year: int, names: dict[str, str]) -> list[ObservationRow]:
    qs = (
        Observation.objects.filter(
            indicator__plan=plan,
            indicator__active=True,
            is_latest=True,
            region_code=CITY_CODE,
            year__lte=year,
        )
        .select_related("indicator")
        .order_by("indicator__seq", "year")
    )
    return [
        ObservationRow(
            o.indicator.code,
            localized(o.indicator, "name"),
            o.indicator.unit,
            names.get(o.region_code, o.region_code),
            o.year,
            o.value,
            o.source,
            o.revision,
            o.simulated,
            o.note,
            unit_label(o.indicator.unit, o.indicator.unit_en),
        )
        for o in qs
    ]


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _indicators(
    plan: Plan, results: pl.DataFrame, indicators: pl.DataFrame, sources, depts
) -> list[IndicatorRow]:
    city = {r["code"]: r for r in results.filter(pl.col("region") == CITY_CODE).iter_rows(named=True)}
    fields = ("code", "name", "name_en", "unit", "unit_en", "target_text", "target_text_en")
    data = {i["code"]: i for i in Indicator.objects.filter(plan=plan, active=True).values(*fields)}
    rows = []
    for m in indicators.iter_rows(named=True):  # one row per indicator (nine in the Dongguan plan)
        values = {k: _clean(v) for k, v in city.get(m["code"], {}).items()}
        values["seq"] = m["seq"]
        names = data.get(m["code"], m)
        rows.append(
            IndicatorRow(
                code=m["code"],
                name=localized(names, "name") or m["name"],
                unit=m["unit"],
                owner_department=m["owner_department"],
                owner_name=depts.get(m["owner_department"], m["owner_department"]),
                target_text=localized(names, "target_text") or m["target_text"],
                direction=m["direction"],
                values=values,
                observations=[o for o in sources if o.indicator == m["code"]],
                unit_label=unit_label(m["unit"], names.get("unit_en", "")),
                unit_en=names.get("unit_en", ""),
            )
        )
    return rows


def _tasks(plan: Plan, on: date, depts: dict[str, str]) -> list[TaskRow]:
    board = {r["code"]: r for r in task_board(plan, on).iter_rows(named=True)}
    late: dict[str, list[tuple[str, date]]] = {}
    for m in Milestone.objects.filter(
        task__plan=plan, task__active=True, task__completed=False, done=False, due__lt=on
    ).values("task__code", "title", "title_en", "due"):
        late.setdefault(m["task__code"], []).append((localized(m, "title"), m["due"]))
    rows = []
    tasks = Task.objects.filter(plan=plan, active=True).with_progress().prefetch_related("co_departments")
    for t in tasks.order_by("chapter", "section", "id"):
        status = board[t.code]
        rows.append(
            TaskRow(
                code=t.code,
                title=localized(t, "title"),
                chapter=t.chapter,
                section=t.section,
                lead_department=t.lead_department,
                lead_name=depts.get(t.lead_department, t.lead_department),
                co_names=[depts.get(c, c) for c in t.co_department_codes],
                due=t.due,
                status=status["status"],
                warning=status["warning"],
                overdue_days=status["overdue_days"],
                percent=None if t.progress is None else float(t.progress),
                sample=t.sample,
                late_milestones=sorted(late.get(t.code, []), key=lambda m: m[1]),
            )
        )
    return rows


def _departments(tasks: list[TaskRow]) -> list[DepartmentRow]:
    out: dict[str, DepartmentRow] = {}
    for t in tasks:
        row = out.setdefault(t.lead_department, DepartmentRow(t.lead_department, t.lead_name))
        row.total += 1
        setattr(row, t.status, getattr(row, t.status) + 1)
    return sorted(out.values(), key=lambda d: (-d.overdue, -d.milestone_late, -d.total, d.code))


def _summary(rows: list[IndicatorRow], tasks: list[TaskRow], index: float | None) -> Summary:
    warnings = {w: sum(1 for r in rows if r.warning == w) for w in WARNING_ORDER}
    count = {s: sum(1 for t in tasks if t.status == s) for s in TASK_STATUS_LABELS}
    return Summary(
        plan_index=index,
        warnings=warnings,
        indicators=len(rows),
        with_data=sum(1 for r in rows if r.latest_year is not None),
        achieved=sum(1 for r in rows if r.achieved),
        on_schedule=sum(1 for r in rows if r.on_schedule),
        tasks=len(tasks),
        tasks_completed=count["completed"],
        tasks_overdue=count["overdue"],
        tasks_milestone_late=count["milestone_late"],
        tasks_on_time=count["on_time"],
    )


def build_report(plan: Plan, year: int, today: date | None = None, language: str = "zh-hans") -> AnnualReport:
    """Evaluate the plan as of ``year`` and gather everything the annual report shows, with the names
    from data in ``language`` (zh-hans or en)."""
    with override(language):
        return _build(plan, year, today, language)


def _build(plan: Plan, year: int, today: date | None, language: str) -> AnnualReport:
    results, indicators, as_of = evaluate_plan(plan, year)
    depts = department_names()
    sources = _sources(plan, as_of, region_names())
    rows = _indicators(plan, results, indicators, sources, depts)
    tasks_on = task_date(year, today)  # the same date as the overview and the task board (plans.asof)
    tasks = _tasks(plan, tasks_on, depts)
    index = _clean(plan_index(results, indicators, region=CITY_CODE))
    uses_simulated = any(o.simulated for o in sources)
    font = fonts.find_cjk_font()
    report = AnnualReport(
        plan_code=plan.code,
        plan_name=localized(plan, "name"),
        plan_status=localized(plan, "status"),
        year=as_of,
        task_date=tasks_on,
        official_year=official_year(plan),
        generated_at=timezone.localtime(),
        region_name=region_names().get(CITY_CODE, "东莞市"),
        summary=_summary(rows, tasks, index),
        indicators=rows,
        tasks=tasks,
        departments=_departments(tasks),
        sources=sources,
        sample_note=plan.sample_note,
        uses_simulated=uses_simulated,
        notes=[],
        chart_font=font,
        language=language,
    )
    report.notes = report_notes(report)
    return report
