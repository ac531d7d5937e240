"""Key-task evaluation, and the engine's promise to stay free of Django."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import polars as pl

from kechuang.engine.plan_eval import TASK_STATUS_LABELS, WARNING_LABELS, evaluate_tasks

AS_OF = date(2026, 6, 30)


def run(tasks: list[dict], milestones: list[dict]) -> dict[str, dict]:
    t = pl.DataFrame(
        tasks, schema={"code": pl.Utf8, "due": pl.Date, "completed": pl.Boolean, "percent": pl.Float64}
    )
    m = pl.DataFrame(milestones, schema={"task": pl.Utf8, "due": pl.Date, "done": pl.Boolean})
    result = evaluate_tasks(t, m, AS_OF)
    assert result.columns == ["code", "status", "warning", "overdue_days", "late_milestones"]
    assert result["code"].to_list() == [x["code"] for x in tasks]  # order kept
    return {r["code"]: r for r in result.iter_rows(named=True)}


def task(code, due, completed=False, percent=None):
    return {"code": code, "due": due, "completed": completed, "percent": percent}


def test_a_task_past_its_due_date_and_not_completed_is_overdue_and_red():
    r = run([task("T1", date(2026, 6, 1), percent=80.0)], [])["T1"]
    assert (r["status"], r["warning"]) == ("overdue", "red")
    assert r["overdue_days"] == (AS_OF - date(2026, 6, 1)).days == 29


def test_due_today_is_not_yet_overdue():
    r = run([task("T1", AS_OF)], [])["T1"]
    assert (r["status"], r["warning"], r["overdue_days"]) == ("on_time", "green", 0)


def test_a_completed_task_is_green_even_after_its_due_date():
    tasks = [task("T1", date(2025, 12, 31), completed=True)]
    milestones = [{"task": "T1", "due": date(2025, 6, 30), "done": False}]
    r = run(tasks, milestones)["T1"]
    assert (r["status"], r["warning"], r["overdue_days"], r["late_milestones"]) == (
        "completed",
        "green",
        0,
        0,
    )


def test_a_late_milestone_makes_the_task_yellow():
    tasks = [task("T1", date(2027, 12, 31)), task("T2", date(2027, 12, 31))]
    milestones = [
        {"task": "T1", "due": date(2026, 3, 31), "done": False},  # late
        {"task": "T1", "due": date(2026, 5, 31), "done": False},  # late
        {"task": "T1", "due": date(2026, 1, 31), "done": True},  # done: fine
        {"task": "T1", "due": AS_OF, "done": False},  # due today: not late yet
        {"task": "T2", "due": date(2026, 3, 31), "done": True},
        {"task": "T2", "due": date(2026, 12, 31), "done": False},  # not due yet
    ]
    result = run(tasks, milestones)
    assert (result["T1"]["status"], result["T1"]["warning"], result["T1"]["late_milestones"]) == (
        "milestone_late",
        "yellow",
        2,
    )
    assert (result["T2"]["status"], result["T2"]["warning"], result["T2"]["late_milestones"]) == (
        "on_time",
        "green",
        0,
    )


def test_overdue_wins_over_a_late_milestone():
    tasks = [task("T1", date(2026, 1, 1))]
    milestones = [{"task": "T1", "due": date(2025, 10, 1), "done": False}]
    r = run(tasks, milestones)["T1"]
    assert (r["status"], r["warning"], r["late_milestones"]) == ("overdue", "red", 1)
    assert r["overdue_days"] == (AS_OF - date(2026, 1, 1)).days


def test_task_labels_are_chinese():
    assert TASK_STATUS_LABELS["overdue"] == "逾期未完成"
    assert set(WARNING_LABELS) == {"green", "yellow", "red"}


def test_the_engine_imports_no_django():
    code = (
        "import sys, kechuang.engine.plan_eval, kechuang.engine.plan_stats, kechuang.engine.plan_tasks; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
