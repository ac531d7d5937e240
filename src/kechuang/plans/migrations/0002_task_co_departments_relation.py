"""Co-departments become rows of TaskDepartment instead of the ",kjj,fgj," string; the data is kept."""

import django.db.models.deletion
from django.db import migrations, models


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
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RenameField("task", "co_departments", "co_departments_text"),
        migrations.CreateModel(
            name="TaskDepartment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("department", models.CharField(db_index=True, max_length=40, verbose_name="配合部门")),
                ("seq", models.PositiveSmallIntegerField(verbose_name="序号")),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="co_departments",
                        to="plans.task",
                    ),
                ),
            ],
            options={
                "verbose_name": "配合部门",
                "verbose_name_plural": "配合部门",
                "ordering": ["task", "seq"],
                "constraints": [
                    models.UniqueConstraint(fields=("task", "department"), name="task_department_unique")
                ],
            },
        ),
        migrations.RunPython(split_codes, join_codes),
        migrations.RemoveField("task", "co_departments_text"),
    ]
