"""Non-finite observation values (2/2): a stored inf, -inf or NaN (accepted by the upload and the API
before they refused them) made the report a 500 and could never be revised. Each such revision is
kept, never deleted: its value becomes NULL, it stops being the latest (no page or evaluation reads
it as a number), the original text is appended to its note, and an audit record (before/after) is
written under "migration:plans.0006". The user enters the value again; it becomes the next revision.

A migration of its own, so that on PostgreSQL no schema change shares a transaction with the data."""

import math

from django.db import migrations
from django.db.models import Q

ACTOR = "migration:plans.0006"
NOTE_MAX = 500


def _text(value: float) -> str:
    return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def repair(apps, schema_editor):
    Observation = apps.get_model("plans", "Observation")
    ObjectChange = apps.get_model("audit", "ObjectChange")
    # inf and -inf are beyond every double; PostgreSQL sorts NaN above every number.
    suspects = Observation.objects.filter(Q(value__gt=1.7e308) | Q(value__lt=-1.7e308)).select_related(
        "indicator"
    )
    for obs in suspects:
        if obs.value is None or math.isfinite(obs.value):
            continue
        original = _text(obs.value)
        why = f"原填报数值「{original}」不是有限数字，已在数据修复中置空（非最新版次），请重新填报"
        keep = NOTE_MAX - len(why) - 1
        note = (obs.note[:keep] + "；" + why) if obs.note else why
        before = {"value": original, "note": obs.note, "is_latest": obs.is_latest}
        Observation.objects.filter(pk=obs.pk).update(value=None, is_latest=False, note=note)
        ObjectChange.objects.create(
            user=None,
            user_name=ACTOR,
            action="update",
            object_type="plans.observation",
            object_id=str(obs.pk),
            object_repr=f"{obs.indicator.code} {obs.region_code} {obs.year} = {original}"[:200],
            before=before,
            after={"value": None, "note": note, "is_latest": False},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_observation_nonfinite_repair"),
        ("audit", "0002_objectchange_login_token_export_actions"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
