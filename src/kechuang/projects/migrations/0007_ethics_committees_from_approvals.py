"""Ethics approvals entered before the committee registry named their committee in free text: one
registered committee per distinct (name, 备案号) pair, allowed the fields of the projects it approved,
its validity left empty (有效期待补录: the bureau records it), and each approval linked to it."""

from django.db import migrations


def forwards(apps, schema_editor):
    EthicsApproval = apps.get_model("projects", "EthicsApproval")
    EthicsCommittee = apps.get_model("projects", "EthicsCommittee")
    pairs: dict[str, dict] = {}
    rows = EthicsApproval.objects.filter(registered_committee__isnull=True).values_list(
        "pk", "committee", "committee_registration", "project__application__call__field"
    )
    for pk, name, registration, field in rows:
        key = registration.strip()
        entry = pairs.setdefault(key, {"name": name.strip(), "fields": [], "approvals": []})
        if field and field not in entry["fields"]:
            entry["fields"].append(field)
        entry["approvals"].append(pk)
    for registration, entry in pairs.items():
        committee, _ = EthicsCommittee.objects.get_or_create(
            registration=registration, defaults={"name": entry["name"], "fields": sorted(entry["fields"])}
        )
        EthicsApproval.objects.filter(pk__in=entry["approvals"]).update(registered_committee=committee)


def backwards(apps, schema_editor):
    apps.get_model("projects", "EthicsApproval").objects.update(registered_committee=None)
    apps.get_model("projects", "EthicsCommittee").objects.filter(valid_until__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_ethics_committee")]
    operations = [migrations.RunPython(forwards, backwards)]
