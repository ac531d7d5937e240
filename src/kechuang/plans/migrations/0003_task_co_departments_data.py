"""Co-departments (2/3): the ",kjj,fgj," strings copied into TaskDepartment rows, in their order, and back.

A migration of its own, so that on PostgreSQL no schema change shares a transaction with the data."""

from django.db import migrations


def split_codes(apps, schema_editor):
    Task = apps.get_model("plans", "Task")
    TaskDepartment = apps.get_model("plans", "TaskDepartment")
    links = []
    for pk, text in Task.objects.values_list("pk", "co_departments_text"):
        codes = list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
        links += [TaskDepartment(task_id=pk, department=c, seq=n) for n, c in enumerate(codes, start=1)]
    TaskDepartment.objects.bulk_create(links, batch_size=1000)


def join_codes(apps, schema_editor):
    Task = apps.get_model("plans", "Task")
    TaskDepartment = apps.get_model("plans", "TaskDepartment")
    codes: dict[int, list[str]] = {}
    for task_id, code in TaskDepartment.objects.order_by("task_id", "seq").values_list(
        "task_id", "department"
    ):
        codes.setdefault(task_id, []).append(code)
    for task_id, listed in codes.items():
        Task.objects.filter(pk=task_id).update(co_departments_text="," + ",".join(listed) + ",")


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_task_co_departments_relation")]

    operations = [migrations.RunPython(split_codes, join_codes)]
