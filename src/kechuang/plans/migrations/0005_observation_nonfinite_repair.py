"""Non-finite observation values (1/2): Observation.value may be NULL, for 0006's repair."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_remove_task_co_departments_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="observation",
            name="value",
            field=models.FloatField(blank=True, null=True, verbose_name="数值"),
        ),
    ]
