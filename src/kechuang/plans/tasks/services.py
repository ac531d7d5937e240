"""Key tasks: the board (by chapter, by department), one task, progress reports, the department scorecard.

Status and warnings come from the evaluation engine (plans.evaluation.task_board); every scope
question goes to kechuang.access. A report marks the milestones it names done, and a 100% report by
the lead department completes the task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.engine.plan_labels import TASK_STATUS_LABELS, TREND_LABELS, WARNING_LABELS
from kechuang.plans import asof
from kechuang.plans.evaluation import evaluate_plan, task_board
from kechuang.plans.models import Indicator, Observation, Plan, Task, TaskDepartment, TaskReport
from kechuang.regions import CITY_CODE
from kechuang.web import names
from kechuang.web.names import localized

STATUS_ORDER = ("overdue", "milestone_late", "on_time", "completed")
EVIDENCE_SUFFIXES = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".txt",
)


def outline(plan: Plan) -> tuple[dict[int, str], dict[tuple[int, int], str]]:
    """Chapter titles and section titles of the current plan version (第二章 强化高质量科技供给 …)."""
    version = plan.current_version
    chapters, sections = {}, {}
    for ch in version.content.get("chapters", []) if version else []:
        chapters[ch["seq"]] = _heading(ch, _("第%(n)s章") % {"n": ch["seq"]})
        for sec in ch.get("sections", []):
            sections[(ch["seq"], sec["seq"])] = _heading(sec, _("第%(n)s节") % {"n": sec["seq"]})
    return chapters, sections


def _heading(item: dict, number_en: str) -> str:
    """「第二章 强化高质量科技供给」, or in English 「Chapter 2 Strengthening …」 when the plan has it."""
    if names.english() and item.get("title_en"):
        return f"{number_en} {item['title_en']}"
    return f"{item['number']} {item['title']}"


@dataclass
class TaskRow:
    task: Task
    status: str
    warning: str
    status_label: str
    overdue_days: int
    late_milestones: int
    percent: int | None
    lead_name: str
    co_names: list[str]
    role: str = ""  # "lead" or "co" when the board is filtered by a department
    co_codes: list[str] = field(default_factory=list)

    @property
    def co_departments(self) -> list[tuple[str, str]]:
        return list(zip(self.co_codes, self.co_names, strict=True))


@dataclass
class Board:
    rows: list[TaskRow]
    groups: list[tuple[str, list[TaskRow]]]
    counts: dict[str, int]
    as_of: date
    chapters: dict[int, str]


def _statuses(plan: Plan, as_of: date) -> dict[str, dict]:
    return {r["code"]: r for r in task_board(plan, as_of).iter_rows(named=True)}


def board(
    user, plan: Plan, *, by: str = "chapter", chapter=None, department="", status="", as_of=None
) -> Board:
    """The tasks the user may see, with status from the engine, grouped by chapter or lead department;
    ``as_of`` is the date they are judged at (default: the task date of the default year, plans.asof)."""
    as_of = as_of or asof.task_date(asof.default_year(plan))
    names = department_names()
    chapters, sections = outline(plan)
    tasks = access.visible(user, "task", Task.objects.filter(plan=plan, active=True))
    if chapter:
        tasks = tasks.filter(chapter=chapter)
    if department:
        tasks = tasks.of_department(department)
    tasks = (
        tasks.with_progress()
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count("milestones", filter=Q(milestones__done=True), distinct=True),
        )
        .prefetch_related("co_departments")
        .order_by("chapter", "section", "id")
    )
    evaluated = _statuses(plan, as_of)
    rows = []
    for t in tasks:
        ev = evaluated.get(t.code, {})
        st = ev.get("status") or "on_time"
        if status and st != status:
            continue
        t.section_title = sections.get((t.chapter, t.section), "")
        rows.append(
            TaskRow(
                task=t,
                status=st,
                warning=ev.get("warning") or "green",
                status_label=TASK_STATUS_LABELS.get(st, st),
                overdue_days=ev.get("overdue_days") or 0,
                late_milestones=ev.get("late_milestones") or 0,
                percent=t.progress,
                lead_name=names.get(t.lead_department, t.lead_department),
                co_names=[names.get(c, c) for c in t.co_department_codes],
                co_codes=t.co_department_codes,
                role=("lead" if t.lead_department == department else "co") if department else "",
            )
        )
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_ORDER}
    counts["total"] = len(rows)
    if by == "department":
        keyed: dict[str, list[TaskRow]] = {}
        for r in rows:
            keyed.setdefault(r.task.lead_department, []).append(r)
        order = sorted(keyed, key=lambda d: (-len(keyed[d]), d))
        groups = [(names.get(d, d), keyed[d]) for d in order]
    else:
        keyed = {}
        for r in rows:
            keyed.setdefault(r.task.chapter, []).append(r)
        groups = [(chapters.get(c, f"第{c}章"), keyed[c]) for c in sorted(keyed)]
    return Board(rows, groups, counts, as_of, chapters)


def summary(user, plan: Plan, on: date) -> dict:
    """The tasks the user may see by status on ``on`` and the overdue ones' codes: the board's counts
    (the same engine rows and scope) without building its rows, for the overview."""
    codes = access.visible(user, "task", Task.objects.filter(plan=plan, active=True)).values_list(
        "code", flat=True
    )
    ev = task_board(plan, on).filter(pl.col("code").is_in(list(codes)))
    counts = {s: ev.filter(pl.col("status") == s).height for s in STATUS_ORDER} | {"total": ev.height}
    overdue = ev.filter(pl.col("status") == "overdue").sort("code")["code"].to_list()
    return {"date": on, "counts": counts, "overdue": overdue}


def task_departments(plan: Plan, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(code, name) of the departments that lead or co-lead any task of the plan, in code order."""
    names = names if names is not None else department_names()
    tasks = Task.objects.filter(plan=plan, active=True)
    used = set(tasks.values_list("lead_department", flat=True))
    used.update(TaskDepartment.objects.filter(task__in=tasks).values_list("department", flat=True))
    return sorted((c, names.get(c, c)) for c in used)


# ---------------------------------------------------------------- one task


@dataclass
class TaskPage:
    task: Task
    row: TaskRow
    chapter_title: str
    section_title: str
    milestones: list[dict]
    reports: list[dict]


def task_page(user, plan: Plan, task: Task, as_of: date | None = None) -> TaskPage:
    as_of = as_of or asof.task_date(asof.default_year(plan))
    names = department_names()
    chapters, sections = outline(plan)
    ev = _statuses(plan, as_of).get(task.code, {})
    st = ev.get("status") or "on_time"
    reports_qs = access.visible(user, "task_report", task.reports.select_related("submitted_by"))
    reports = list(reports_qs.order_by("-submitted_at", "-id"))
    milestones = list(task.milestones.order_by("seq"))
    titles = {m.seq: localized(m, "title") for m in milestones}
    row = TaskRow(
        task=task,
        status=st,
        warning=ev.get("warning") or "green",
        status_label=TASK_STATUS_LABELS.get(st, st),
        overdue_days=ev.get("overdue_days") or 0,
        late_milestones=ev.get("late_milestones") or 0,
        percent=Task.objects.with_progress().values_list("progress", flat=True).get(pk=task.pk),
        lead_name=names.get(task.lead_department, task.lead_department),
        co_names=[names.get(c, c) for c in task.co_department_codes],
    )
    return TaskPage(
        task=task,
        row=row,
        chapter_title=chapters.get(task.chapter, ""),
        section_title=sections.get((task.chapter, task.section), ""),
        milestones=[
            {"m": m, "late": not m.done and m.due < as_of and not task.completed} for m in milestones
        ],
        reports=[
            {
                "report": r,
                "department_name": names.get(r.department, r.department),
                "milestones": [
                    titles.get(int(s), s) for s in r.milestones_done.split(",") if s.strip().isdigit()
                ],
                "is_lead": r.department == task.lead_department,
            }
            for r in reports
        ],
    )


def report_departments(user, task: Task) -> list[tuple[str, str]]:
    """The departments of this task (lead first, then co-departments) the user may report for."""
    if not access.can_change(user, "task", task):
        return []
    names = department_names()
    out = []
    for code in [task.lead_department, *task.co_department_codes]:
        if access.can_create(user, "task_report", TaskReport(task=task, department=code)):
            label = (_("%(name)s（牵头）") if code == task.lead_department else _("%(name)s（配合）")) % {
                "name": names.get(code, code)
            }
            out.append((code, label))
    return out


@transaction.atomic
def submit_report(
    task: Task, user, department: str, percent: int, text: str, evidence=None, milestone_seqs=()
) -> TaskReport:
    """Store a progress report; mark the milestones it names done; 100% by the lead department completes."""
    seqs = sorted({int(s) for s in milestone_seqs})
    valid = set(task.milestones.filter(seq__in=seqs).values_list("seq", flat=True))
    seqs = [s for s in seqs if s in valid]
    report = TaskReport(
        task=task,
        department=department,
        percent=percent,
        text=text,
        milestones_done=",".join(str(s) for s in seqs),
        submitted_by=user,
    )
    if evidence is not None:
        report.evidence = evidence
    report.save()
    for m in task.milestones.filter(seq__in=seqs, done=False):
        m.done = True
        m.save(update_fields=["done"])
    if percent >= 100 and department == task.lead_department and not task.completed:
        task.completed = True
        task.save(update_fields=["completed"])
    return report


# ---------------------------------------------------------------- department scorecard


def scorecard(user, plan: Plan, when: asof.AsOf | None = None) -> tuple[list[dict], int | None]:
    """Per department: tasks led and co-led, completed, overdue, late milestones, average percent of the
    tasks it leads (a task without a report counts as 0%), and the indicators it owns with their warnings."""
    when = when or asof.resolve(plan)
    names = department_names()
    tasks = list(
        access.visible(user, "task", Task.objects.filter(plan=plan, active=True))
        .with_progress()
        .prefetch_related("co_departments")
    )
    ev = task_board(plan, when.task_date).select("code", "status", "late_milestones")
    frame = pl.DataFrame(
        {
            "code": [t.code for t in tasks],
            "lead": [t.lead_department for t in tasks],
            "co": [t.co_department_codes for t in tasks],
            "percent": [float(t.progress or 0) for t in tasks],
        },
        schema={"code": pl.Utf8, "lead": pl.Utf8, "co": pl.List(pl.Utf8), "percent": pl.Float64},
    ).join(ev, on="code", how="left")
    led = frame.group_by("lead").agg(
        led=pl.len(),
        completed=(pl.col.status == "completed").sum(),
        overdue=(pl.col.status == "overdue").sum(),
        milestones_late=pl.col.late_milestones.fill_null(0).sum(),
        avg_percent=pl.col.percent.mean(),
    )
    co = frame.explode("co").drop_nulls("co").group_by("co").agg(co_led=pl.len())
    by_dept = {r["lead"]: r for r in led.iter_rows(named=True)}
    co_by_dept = {r["co"]: r["co_led"] for r in co.iter_rows(named=True)}

    indicators = list(access.visible(user, "indicator", Indicator.objects.filter(plan=plan, active=True)))
    results, _, year = evaluate_plan(plan, when.year)
    city = {r["code"]: r for r in results.filter(pl.col.region == CITY_CODE).iter_rows(named=True)}
    simulated = set(
        Observation.objects.filter(
            indicator__plan=plan, region_code=CITY_CODE, is_latest=True, simulated=True
        ).values_list("indicator__code", "year")
    )
    owned: dict[str, list[dict]] = {}
    for ind in sorted(indicators, key=lambda i: i.seq):
        res = city.get(ind.code, {})
        warning = res.get("warning")
        owned.setdefault(ind.owner_department, []).append(
            {
                "indicator": ind,
                "warning": warning or "grey",
                "warning_label": WARNING_LABELS.get(warning, "无预警") if warning else "无预警",
                "trend_label": TREND_LABELS.get(res.get("trend"), res.get("trend") or ""),
                "latest_year": res.get("latest_year"),
                "latest_value": res.get("latest_value"),
                "stale": res.get("stale"),
                "simulated": (ind.code, res.get("latest_year")) in simulated,
            }
        )
    codes = set(by_dept) | set(co_by_dept) | set(owned)
    out = []
    for code in codes:
        d = by_dept.get(code, {})
        out.append(
            {
                "code": code,
                "name": names.get(code, code),
                "led": d.get("led", 0),
                "co_led": co_by_dept.get(code, 0),
                "completed": d.get("completed", 0),
                "overdue": d.get("overdue", 0),
                "milestones_late": d.get("milestones_late", 0),
                "avg_percent": d.get("avg_percent"),
                "indicators": owned.get(code, []),
            }
        )
    out.sort(key=lambda r: (-r["led"], -r["co_led"], r["code"]))
    return out, year
