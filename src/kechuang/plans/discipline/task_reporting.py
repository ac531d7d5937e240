"""Reporting discipline for key tasks: who has reported on the period being reported, who is late,
who has not started; the in-app notice and the e-mail reminders.

Each active task that is not completed expects one progress report (TaskReport) per period from its
lead department and from each co-department, by the due date of the task calendar
(plans/discipline/task_calendar.py, data in plans/data/task-calendar.yaml). A department has
reported for a period when it has submitted a report on the task since the period began (a report
after the due date still counts, but the period was late until then). Periods before the task's
start or after its deadline are not expected.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone, translation

from kechuang.accounts.departments import department_names
from kechuang.plans.discipline.services import (
    IN_PROGRESS,
    LATE,
    NOT_STARTED,
    REPORTED,
    STATUS_LABELS,
    STATUS_NAMES,
    Reminder,
    owner_of,
)
from kechuang.plans.discipline.task_calendar import (
    CO,
    LEAD,
    ROLE_NAMES,
    Period,
    TaskCalendar,
    load_task_calendar,
)
from kechuang.plans.models import Plan, SubmissionApproval, Task, TaskReport


@dataclass
class TaskDue:
    """One department's report on one task for the period being reported."""

    task: Task
    department: str
    department_name: str
    role: str  # lead | co
    period: Period
    due: dt.date
    status: str  # reported | late | not_started
    last_report: dt.date | None

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


@dataclass
class DepartmentTasks:
    """A department's task reports for the period being reported, and its state (as for indicators)."""

    code: str
    name: str
    rows: list[TaskDue] = field(default_factory=list)

    @property
    def reported(self) -> list[TaskDue]:
        return [r for r in self.rows if r.status == REPORTED]

    @property
    def missing(self) -> list[TaskDue]:
        return [r for r in self.rows if r.status != REPORTED]

    @property
    def late(self) -> list[TaskDue]:
        return [r for r in self.rows if r.status == LATE]

    @property
    def due(self) -> dt.date:
        return min(r.due for r in (self.missing or self.rows))

    @property
    def status(self) -> str:
        if not self.missing:
            return REPORTED
        if self.late:
            return LATE
        return IN_PROGRESS if self.reported else NOT_STARTED

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def task_completeness(
    plan: Plan, today: dt.date, calendar: TaskCalendar | None = None, department: str | None = None
) -> list[TaskDue]:
    """Every expected (task, department) report for the period being reported on ``today``; with
    ``department``, only that department's (the tasks it leads or co-leads)."""
    calendar = calendar or load_task_calendar()
    tasks = Task.objects.filter(plan=plan, active=True, completed=False)
    reports = TaskReport.objects.filter(task__plan=plan)
    if department is not None:
        tasks, reports = tasks.of_department(department), reports.filter(department=department)
    expected = []
    for task in tasks.prefetch_related("co_departments").order_by("chapter", "section", "code"):
        departments = [(task.lead_department, LEAD)] + [(d, CO) for d in task.co_department_codes]
        for code, role in departments:
            if department is not None and code != department:
                continue
            period, due = calendar.period_due(task.code, role, today)
            if period.end < task.start or period.start > task.due:
                continue  # before the task began, or after its deadline
            expected.append((task, code, role, period, due))
    if not expected:
        return []
    since = min(p.start for *_, p, _ in expected)
    latest = {
        (task_id, dept): timezone.localdate(at)
        for task_id, dept, at in reports.filter(submitted_at__date__gte=since, submitted_at__date__lte=today)
        .values("task_id", "department")
        .annotate(at=Max("submitted_at"))
        .values_list("task_id", "department", "at")
    }
    names = department_names()
    out = []
    for task, code, role, period, due in expected:
        last = latest.get((task.pk, code))
        if last is not None and last >= period.start:
            status = REPORTED
        elif today > due:
            status = LATE
        else:
            status = NOT_STARTED
        out.append(TaskDue(task, code, names.get(code, code), role, period, due, status, last))
    return out


def by_department(rows: list[TaskDue]) -> list[DepartmentTasks]:
    """The rows grouped per department (late first, then by name)."""
    groups: dict[str, DepartmentTasks] = {}
    for r in rows:
        groups.setdefault(r.department, DepartmentTasks(r.department, r.department_name)).rows.append(r)
    order = {LATE: 0, NOT_STARTED: 1, IN_PROGRESS: 2, REPORTED: 3}
    return sorted(groups.values(), key=lambda g: (order[g.status], g.name))


def task_notice_for(user, plan: Plan, today: dt.date) -> DepartmentTasks | None:
    """A department reporter's own task reports not yet made for the period being reported."""
    owner = owner_of(user)
    if owner is None or owner[0] != SubmissionApproval.DEPARTMENT:
        return None
    rows = task_completeness(plan, today, department=owner[1])
    group = DepartmentTasks(owner[1], rows[0].department_name if rows else owner[1], rows)
    return group if group.missing else None


def task_reminders(plan: Plan, today: dt.date) -> list[Reminder]:
    """One reminder per department with task reports late or not yet made for the period being reported."""
    from kechuang.accounts.models import User

    emails = defaultdict(list)
    for code, email in (
        User.objects.filter(role="dept_reporter", is_active=True)
        .exclude(email="")
        .values_list("org__code", "email")
    ):
        emails[code].append(email)
    out = []
    for group in by_department(task_completeness(plan, today)):
        if not group.missing:
            continue
        state = (
            f"已逾期（最早截止 {group.due:%Y-%m-%d}）"
            if group.status == LATE
            else f"截止 {group.due:%Y-%m-%d}"
        )
        subject = f"【科创平台】{group.name} 重点任务进展报送提醒：{STATUS_NAMES[group.status]}"
        with translation.override("zh-hans"):  # the e-mail is in Chinese
            lines = [
                f"  · {r.task.code} {r.task.title}（{ROLE_NAMES[r.role]}，{r.period.display}，"
                f"截止 {r.due:%Y-%m-%d}，{STATUS_NAMES[r.status]}）"
                for r in group.missing
            ]
        body = "\n".join(
            [
                f"{group.name}：",
                f"{plan.name} 重点任务尚有 {len(group.missing)} 项进展未报送，{state}：",
                *lines,
                "",
                "请登录科创平台，在「重点任务」中打开任务页，点击「填报进展」报送。",
            ]
        )
        out.append(Reminder(group, sorted(emails.get(group.code, [])), subject, body))
    return out
