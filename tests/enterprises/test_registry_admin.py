"""The registry in the Django admin: lists open for the city administrator, read-only (a correction is
a new upload, which keeps lineage), and closed to everyone else as the whole admin site is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.enterprises.models import Enterprise

MODELS = ["upload", "enterprise", "fact", "factrevision", "tierrecord"]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_open_for_the_administrator_only(population, client_for, model):
    url = reverse(f"admin:enterprises_{model}_changelist")
    assert client_for("admin").get(url).status_code == 200
    assert client_for("bureau").get(url).status_code in (302, 403)


def test_an_enterprise_cannot_be_edited_or_deleted_in_the_admin(population, client_for):
    enterprise = Enterprise.objects.first()
    admin = client_for("admin")
    page = admin.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    before = enterprise.name
    admin.post(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        {"name": "改名", "credit_code": enterprise.credit_code, "region_code": enterprise.region_code},
    )
    assert Enterprise.objects.get(pk=enterprise.pk).name == before
    assert admin.post(reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk])).status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
