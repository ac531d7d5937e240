"""Databases built by an earlier `kechuang demo` marked their demo uploads only by the file name (合成…).

Demo data is now recognised by Upload.kind == "synthetic" alone, so mark those uploads: exactly the two
names the demo used, imported by no user into 科技局 — not any file whose name contains 合成.
"""

from django.db import migrations

DEMO_FILES = ["合成演示企业名录.csv", "合成演示企业年度数据.csv"]


def mark_demo_uploads(apps, schema_editor):
    Upload = apps.get_model("enterprises", "Upload")
    Upload.objects.filter(file_name__in=DEMO_FILES, department="kjj", uploaded_by__isnull=True).update(
        kind="synthetic"
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(mark_demo_uploads, migrations.RunPython.noop)]
