from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_demo_uploads_are_synthetic"),
    ]

    operations = [
        migrations.AddField(
            model_name="fact",
            name="funded_projects",
            field=models.IntegerField(null=True, verbose_name="承担省级以上科技计划项目数（当年）"),
        ),
    ]
