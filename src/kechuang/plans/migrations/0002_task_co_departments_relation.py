"""Co-departments become rows of TaskDepartment instead of the ",kjj,fgj," string (1/3: the new table;
the old column is kept as co_departments_text until 0003 has copied it)."""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
