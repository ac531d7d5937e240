"""Every export is in the audit trail: who took which file, how many rows, with which filters."""

from __future__ import annotations

import pytest

from kechuang.audit.models import Action, ObjectChange
from tests.enterprises.conftest import SONGSHANHU

pytestmark = pytest.mark.django_db


def exports() -> list[ObjectChange]:
    return list(ObjectChange.objects.filter(action=Action.EXPORT))


def test_a_registry_export_is_recorded_with_its_rows_and_filters(population, client_for):
    assert exports() == []
    response = client_for("songshanhu").get(f"/enterprises/registry/export/?region={SONGSHANHU}")
    assert response.status_code == 200
    [change] = exports()
    assert change.user.username == "songshanhu"
    assert change.object_id == "enterprises:registry_export"
    assert change.after["rows"] == len(population.songshanhu)
    assert change.after["filters"] == f"region={SONGSHANHU}"
    assert (
        change.after["file"].endswith(".xlsx")
        and f"（{len(population.songshanhu)} 行）" in change.object_repr
    )


def test_a_pool_export_is_recorded(population, client_for):
    response = client_for("bureau").get(f"/enterprises/pools/gaoqi_reserve/export.xlsx?region={SONGSHANHU}")
    assert response.status_code == 200
    [change] = exports()
    assert change.user.username == "bureau" and change.object_id == "enterprises:pool_export"
    assert change.after["file"].startswith("高企后备库_")


def test_a_refused_export_records_nothing(population, client_for):
    assert client_for("bank").get("/enterprises/registry/export/").status_code == 403
    assert exports() == []
