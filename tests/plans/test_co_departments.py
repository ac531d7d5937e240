"""Co-departments (配合部门) are rows of TaskDepartment, not a ",kjj,fgj," string: loaded from the plan file
in its order, migrated from the old string, and what a department reporter's scope and filters match."""

from __future__ import annotations

import pytest

from kechuang import access
from kechuang.plans.models import Task, TaskDepartment
from kechuang.plans.schema import default_plan_path, load_plan_file

TJJ_TASKS = {"T3.1.2", "T3.1.5", "T3.5.1", "T6.6.1"}  # 统计局 leads none, co-leads these


def test_the_loader_stores_each_co_department_in_the_plan_files_order(plan):
    plan_file = load_plan_file(default_plan_path())
    for t in plan_file.tasks:
        task = Task.objects.get(plan=plan, code=t.code)
        assert task.co_department_codes == list(t.co_departments)
    assert TaskDepartment.objects.filter(task__plan=plan).count() == sum(
        len(t.co_departments) for t in plan_file.tasks
    )


def test_reloading_a_changed_file_rewrites_the_co_departments(plan):
    from kechuang.plans import services

    plan_file = load_plan_file(default_plan_path())
    task = next(t for t in plan_file.tasks if t.code == "T3.1.2")
    task.co_departments = ["fgj", *[c for c in task.co_departments if c != "fgj"]][:2]
    services.load_plan(plan_file, source_file="changed.yaml")
    assert Task.objects.get(plan=plan, code="T3.1.2").co_department_codes == task.co_departments


def test_a_co_departments_scope_finds_each_of_its_tasks_once(plan, personas):
    changeable = access.changeable(personas["reporter"], "task", Task.objects.filter(plan=plan))
    codes = list(changeable.values_list("code", flat=True))
    assert set(codes) == TJJ_TASKS and len(codes) == len(set(codes))


def test_a_lead_department_with_many_co_departments_finds_each_task_once(plan, personas):
    led = Task.objects.filter(plan=plan, lead_department="kjj")
    assert any(len(t.co_department_codes) > 1 for t in led)
    mine = Task.objects.filter(plan=plan).of_department("kjj")
    codes = list(mine.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert set(codes) == set(led.values_list("code", flat=True)) | set(
        TaskDepartment.objects.filter(department="kjj").values_list("task__code", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_co_departments_of_the_string_and_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("plans", "0001_initial")], [("plans", "0004_remove_task_co_departments_text")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    plan = old.get_model("plans", "Plan").objects.create(code="p", name="p", start_year=2026, end_year=2030)
    OldTask = old.get_model("plans", "Task")
    common = {"plan": plan, "chapter": 1, "section": 1, "summary": "。", "start": "2026-01-01"}
    OldTask.objects.create(
        code="A", title="a", lead_department="kjj", co_departments=",fgj,czj,", due="2027-12-31", **common
    )
    OldTask.objects.create(
        code="B", title="b", lead_department="kjj", co_departments="", due="2027-12-31", **common
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = new.get_model("plans", "TaskDepartment").objects.order_by("task__code", "seq")
    assert [(r.task.code, r.department, r.seq) for r in rows] == [("A", "fgj", 1), ("A", "czj", 2)]

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("plans", "Task")
    assert dict(back.objects.values_list("code", "co_departments")) == {"A": ",fgj,czj,", "B": ""}
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
