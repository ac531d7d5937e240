"""The reporting calendar of key tasks: a period and a due date per lead and co-department; the
completeness page (reported, late, not started), the notice on the entry page and the reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kechuang.plans.discipline import task_reporting
from kechuang.plans.discipline.task_calendar import (
    CalendarFileError,
    calendar_path,
    parse_task_calendar,
)
from kechuang.plans.models import Task, TaskReport

# T6.6.1 规划跟踪实施: quarterly; lead 科技局 (kjj) 20 days after the quarter, co 统计局 (tjj) and 发改局 (fgj) 10 days.
Q1_CO_DUE, Q1_LEAD_DUE = dt.date(2026, 4, 10), dt.date(2026, 4, 20)


def report(task_code: str, department: str, user, on: dt.date) -> TaskReport:
    task = Task.objects.get(code=task_code)
    r = TaskReport.objects.create(
        task=task, department=department, percent=10, text="进展", submitted_by=user
    )
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    TaskReport.objects.filter(pk=r.pk).update(submitted_at=at)
    return r


def states(plan, on: dt.date, task_code: str = "T6.6.1") -> dict[str, str]:
    return {
        r.department: r.status for r in task_reporting.task_completeness(plan, on) if r.task.code == task_code
    }


def test_the_shipped_calendar_names_only_plan_tasks(plan):
    codes = set(Task.objects.filter(plan=plan).values_list("code", flat=True))
    calendar = parse_task_calendar(calendar_path().read_text(encoding="utf-8"), codes)
    period, due = calendar.period_due("T6.6.1", "co", dt.date(2026, 5, 1))
    with translation.override("zh-hans"):
        assert (period.display, due) == ("2026 年第 1 季度", Q1_CO_DUE)
    period, due = calendar.period_due("T3.1.2", "lead", dt.date(2026, 12, 1))  # the default: half-yearly
    with translation.override("zh-hans"):
        assert (period.display, due) == ("2026 年上半年", dt.date(2026, 7, 15))


@pytest.mark.parametrize(
    "text, message",
    [
        ("default: {period: monthly, lead_due_days: 15, co_due_days: 10}\n", "第 1 行 default.period"),
        ("default: {period: quarterly, lead_due_days: 15}\n", "co_due_days"),
        (
            "default: {period: quarterly, lead_due_days: 15, co_due_days: 10}\ntasks:\n  T9.9.9: {period: yearly}\n",
            "第 3 行 tasks.T9.9.9：规划中没有该任务",
        ),
    ],
)
def test_a_bad_calendar_is_refused_naming_line_and_field(text, message):
    with pytest.raises(CalendarFileError) as exc:
        parse_task_calendar(text, {"T6.6.1"})
    assert message in str(exc.value)


def test_reported_late_and_not_started_per_department(plan, personas):
    # Before the co-departments' due date nobody is late: not started.
    assert states(plan, dt.date(2026, 4, 5)) == {
        "kjj": "not_started",
        "tjj": "not_started",
        "fgj": "not_started",
    }
    report("T6.6.1", "tjj", personas["reporter"], dt.date(2026, 4, 8))
    on_day = states(plan, dt.date(2026, 4, 12))  # past the co-departments' due date, before the lead's
    assert on_day == {"kjj": "not_started", "tjj": "reported", "fgj": "late"}
    after = states(plan, dt.date(2026, 4, 21))
    assert after == {"kjj": "late", "tjj": "reported", "fgj": "late"}
    # A report made in the last quarter does not count for this one.
    report("T6.6.1", "fgj", personas["bureau"], dt.date(2025, 12, 20))
    assert states(plan, dt.date(2026, 4, 21))["fgj"] == "late"
    # Half-yearly tasks are not expected before their first half-year has ended.
    assert states(plan, dt.date(2026, 5, 1), "T3.1.2") == {}
    assert set(states(plan, dt.date(2026, 7, 20), "T3.1.2").values()) == {"late"}


def test_one_departments_rows_are_its_rows_of_the_whole(plan, personas):
    report("T6.6.1", "tjj", personas["reporter"], dt.date(2026, 4, 8))
    on = dt.date(2026, 7, 20)
    every = task_reporting.task_completeness(plan, on)

    def shown(rows):
        return [(r.task.code, r.department, r.role, r.period, r.due, r.status) for r in rows]

    for code in {"kjj", "tjj", "fgj"} | {r.department for r in every}:
        own = task_reporting.task_completeness(plan, on, department=code)
        assert shown(own) == shown(r for r in every if r.department == code)


def test_a_completed_task_expects_no_more_reports(plan):
    Task.objects.filter(code="T6.6.1").update(completed=True)
    assert states(plan, dt.date(2026, 5, 1)) == {}


def test_the_page_shows_who_reported_who_is_late_who_has_not_started(plan, personas, client_for):
    report("T6.6.1", "tjj", personas["reporter"], dt.date(2026, 4, 8))
    html = client_for("bureau").get("/plans/entry/task-reporting/?on=2026-04-12").content.decode()
    assert 'data-department="tjj" data-task="T6.6.1" data-status="reported"' in html
    assert 'data-department="fgj" data-task="T6.6.1" data-status="late"' in html
    assert 'data-department="kjj" data-task="T6.6.1" data-status="not_started"' in html
    assert "2026 年第 1 季度" in html and "2026-04-08" in html
    assert client_for("leader").get("/plans/entry/task-reporting/").status_code == 200
    assert client_for("reporter").get("/plans/entry/task-reporting/").status_code == 403


def test_the_entry_page_reminds_a_department_of_its_task_reports(plan, client_for, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 4, 12))
    html = client_for("reporter").get("/plans/entry/").content.decode()
    assert 'data-testid="task-reporting-notice"' in html
    assert "T6.6.1" in html and "截止 2026-04-10" in html and "逾期" in html


def test_reminders_name_the_late_tasks_and_skip_who_has_reported(plan, personas):
    personas["reporter"].email = "tjj@example.cn"
    personas["reporter"].save()
    by_name = {r.owner.code: r for r in task_reporting.task_reminders(plan, dt.date(2026, 4, 21))}
    assert {"kjj", "tjj", "fgj", "gxj", "czj"} <= set(by_name)
    tjj = by_name["tjj"]
    assert tjj.recipients == ["tjj@example.cn"]
    assert "重点任务进展报送提醒：逾期" in tjj.subject
    assert "T6.6.1" in tjj.body and "（配合，2026 年第 1 季度，截止 2026-04-10，逾期）" in tjj.body

    report("T6.6.1", "tjj", personas["reporter"], dt.date(2026, 4, 20))
    again = {r.owner.code for r in task_reporting.task_reminders(plan, dt.date(2026, 4, 21))}
    assert "tjj" not in again and "kjj" in again
