"""The annual monitoring and evaluation report (规划实施年度监测评估报告): everything a report shows.

``build_report`` gathers it from the services (evaluation, task board, observations) into one
:class:`AnnualReport`; the renderers (report_docx, report_xlsx, report_html, with report_charts for
images) only lay it out. The report speaks about the city (东莞市); its text is Chinese only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl
from django.utils import timezone

from kechuang.engine.plan_eval import OUTPUT_SCHEMA
from kechuang.engine.plan_labels import OPENSDG_LABELS, TASK_STATUS_LABELS, TREND_LABELS, WARNING_LABELS
from kechuang.plans.models import Milestone, Observation, Plan, Task
from kechuang.regions import CITY_CODE, region_names

TITLE = "东莞市科技创新“十五五”规划实施年度监测评估报告（{year}年度）"
FILE_STEM = "规划实施年度监测评估报告"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
WARNING_ORDER = ("red", "yellow", "green")
WARNING_COLOURS = {"green": "#1A7F37", "yellow": "#BF8700", "red": "#B3261E"}  # text, bars, marks
CELL_FILLS = {"green": "#DAFBE1", "yellow": "#FFF8C5", "red": "#FFEBE9", "sim": "#F3E8FF"}  # table cells


@dataclass
class ObservationRow:
    indicator: str
    indicator_name: str
    unit: str
    region: str
    year: int
    value: float
    source: str
    revision: int
    simulated: bool
    note: str = ""


@dataclass
class IndicatorRow:
    """One indicator's evaluation for the city (the columns of engine.plan_eval) plus its owner."""

    code: str
    name: str
    unit: str
    owner_department: str
    owner_name: str
    target_text: str
    direction: int
    values: dict
    observations: list[ObservationRow] = field(default_factory=list)

    def __getattr__(self, item):  # the engine's output columns: row.progress, row.warning, …
        values = self.__dict__.get("values", {})
        if item in values:
            return values[item]
        if item in OUTPUT_SCHEMA:  # an indicator the engine returned nothing for
            return None
        raise AttributeError(item)

    @property
    def trend_label(self) -> str:
        return TREND_LABELS.get(self.trend, "—")

    @property
    def warning_label(self) -> str:
        label = WARNING_LABELS.get(self.warning, "—")
        return label + ("（数据陈旧）" if self.stale else "")

    @property
    def opensdg_label(self) -> str:
        return OPENSDG_LABELS.get(self.opensdg_status, "—")

    @property
    def latest_simulated(self) -> bool:
        return any(o.simulated and o.year == self.latest_year for o in self.observations)


@dataclass
class TaskRow:
    code: str
    title: str
    chapter: int
    section: int
    lead_department: str
    lead_name: str
    co_names: list[str]
    due: date
    status: str
    warning: str
    overdue_days: int
    percent: float | None
    sample: bool
    late_milestones: list[tuple[str, date]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS.get(self.status, self.status)


@dataclass
class DepartmentRow:
    code: str
    name: str
    total: int = 0
    completed: int = 0
    overdue: int = 0
    milestone_late: int = 0
    on_time: int = 0


@dataclass
class Summary:
    plan_index: float | None
    warnings: dict[str, int]
    indicators: int
    with_data: int
    achieved: int
    on_schedule: int
    tasks: int
    tasks_completed: int
    tasks_overdue: int
    tasks_milestone_late: int
    tasks_on_time: int


@dataclass
class AnnualReport:
    plan_code: str
    plan_name: str
    plan_status: str
    year: int
    task_date: date
    generated_at: datetime
    region_name: str
    summary: Summary
    indicators: list[IndicatorRow]
    tasks: list[TaskRow]
    departments: list[DepartmentRow]
    sources: list[ObservationRow]
    sample_note: str
    uses_simulated: bool
    notes: list[str]
    chart_font: str | None = None

    @property
    def title(self) -> str:
        return TITLE.format(year=self.year)

    @property
    def lagging(self) -> list[IndicatorRow]:
        """Red, then yellow indicators."""
        rows = [r for r in self.indicators if r.warning in ("red", "yellow")]
        return sorted(rows, key=lambda r: (WARNING_ORDER.index(r.warning), r.values["seq"]))

    @property
    def overdue_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.status == "overdue"]

    @property
    def late_milestone_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.status == "milestone_late"]

    def overdue_by_department(self) -> list[tuple[str, list[TaskRow]]]:
        groups: dict[str, list[TaskRow]] = {}
        for t in self.overdue_tasks:
            groups.setdefault(t.lead_name, []).append(t)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def filename(self, fmt: str) -> str:
        return f"{FILE_STEM}-{self.year}.{fmt}"


# ---------------------------------------------------------------- assembly


def department_names() -> dict[str, str]:
    from kechuang.accounts.models import OrgKind, OrgUnit

    units = OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).values_list("code", "short_name", "name")
    return {code: short or name for code, short, name in units}


def task_date_for(year: int, today: date | None = None) -> date:
    """Tasks are judged at the end of the report year, or today if that day has not come yet:
    min(31 December of ``year``, today), so a report on a year not yet over calls no task overdue early."""
    today = today or timezone.localdate()
    return min(date(year, 12, 31), today)


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
            o.indicator.name,
            o.indicator.unit,
            names.get(o.region_code, o.region_code),
            o.year,
            o.value,
            o.source,
            o.revision,
            o.simulated,
            o.note,
        )
        for o in qs
    ]


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _indicators(results: pl.DataFrame, indicators: pl.DataFrame, sources, depts) -> list[IndicatorRow]:
    city = {r["code"]: r for r in results.filter(pl.col("region") == CITY_CODE).iter_rows(named=True)}
    rows = []
    for m in indicators.iter_rows(named=True):  # one row per indicator (nine in the Dongguan plan)
        values = {k: _clean(v) for k, v in city.get(m["code"], {}).items()}
        values["seq"] = m["seq"]
        rows.append(
            IndicatorRow(
                code=m["code"],
                name=m["name"],
                unit=m["unit"],
                owner_department=m["owner_department"],
                owner_name=depts.get(m["owner_department"], m["owner_department"]),
                target_text=m["target_text"],
                direction=m["direction"],
                values=values,
                observations=[o for o in sources if o.indicator == m["code"]],
            )
        )
    return rows


def _tasks(plan: Plan, task_date: date, depts: dict[str, str]) -> list[TaskRow]:
    from kechuang.plans.evaluation import task_board

    board = {r["code"]: r for r in task_board(plan, task_date).iter_rows(named=True)}
    late: dict[str, list[tuple[str, date]]] = {}
    for code, title, due in Milestone.objects.filter(
        task__plan=plan, task__active=True, task__completed=False, done=False, due__lt=task_date
    ).values_list("task__code", "title", "due"):
        late.setdefault(code, []).append((title, due))
    rows = []
    tasks = Task.objects.filter(plan=plan, active=True).with_progress().prefetch_related("co_departments")
    for t in tasks.order_by("chapter", "section", "id"):
        status = board[t.code]
        rows.append(
            TaskRow(
                code=t.code,
                title=t.title,
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


def build_report(plan: Plan, year: int, today: date | None = None) -> AnnualReport:
    """Evaluate the plan as of ``year`` and gather everything the annual report shows."""
    from kechuang.engine.plan_eval import plan_index
    from kechuang.plans.evaluation import evaluate_plan
    from kechuang.plans.report_charts import find_cjk_font
    from kechuang.plans.report_text import report_notes

    results, indicators, as_of = evaluate_plan(plan, year)
    depts = department_names()
    sources = _sources(plan, as_of, region_names())
    rows = _indicators(results, indicators, sources, depts)
    task_date = task_date_for(year, today)
    tasks = _tasks(plan, task_date, depts)
    index = _clean(plan_index(results, indicators, region=CITY_CODE))
    uses_simulated = any(o.simulated for o in sources)
    font = find_cjk_font()
    report = AnnualReport(
        plan_code=plan.code,
        plan_name=plan.name,
        plan_status=plan.status,
        year=as_of,
        task_date=task_date,
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
    )
    report.notes = report_notes(report)
    return report


def render(report: AnnualReport, fmt: str) -> bytes:
    """The report as a .docx, .xlsx or standalone .html file."""
    if fmt == "docx":
        from kechuang.plans.report_docx import render_docx

        return render_docx(report)
    if fmt == "xlsx":
        from kechuang.plans.report_xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "html":
        from kechuang.plans.report_html import render_html

        return render_html(report).encode("utf-8")
    raise ValueError(f"未知格式「{fmt}」：请用 docx、xlsx 或 html")
