"""Co-departments (3/3): the old string column goes; TaskDepartment holds them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_task_co_departments_data")]

    operations = [migrations.RemoveField("task", "co_departments_text")]
