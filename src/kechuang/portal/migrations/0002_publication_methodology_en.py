from django.db import migrations, models


def from_the_plan(apps, schema_editor):
    """Publications made before the field take the English definition their indicator carries."""
    Publication = apps.get_model("portal", "Publication")
    for pub in Publication.objects.filter(methodology_en="").select_related("indicator"):
        if pub.indicator.description_en:
            pub.methodology_en = pub.indicator.description_en
            pub.save(update_fields=["methodology_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_plan_status_sample_note_en"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="methodology_en",
            field=models.TextField(blank=True, verbose_name="英文计算方法"),
        ),
        migrations.RunPython(from_the_plan, migrations.RunPython.noop),
    ]
