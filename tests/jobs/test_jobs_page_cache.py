"""The ladder dashboard's heavy figures are cached (shared by the web workers) per data version and
per scope: a change to the registry shows at once, and a town never sees the city's figures."""

from __future__ import annotations

import re

import pytest

from tests.enterprises import conftest as enterprise_fixtures

pytestmark = pytest.mark.django_db
population = enterprise_fixtures.population


@pytest.fixture(autouse=True)
def _own_cache(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def tier_total(client, year: int = 2024) -> int:
    html = client.get(f"/enterprises/?year={year}").content.decode()
    table = html.split('data-testid="tier-table"')[1].split("</table>")[0]
    return sum(int(n) for n in re.findall(r'data-testid="tier-count">(\d+)<', table))


def test_a_cached_ladder_follows_the_data_and_the_scope(client_for, population, settings):
    from kechuang.enterprises import page_cache
    from kechuang.enterprises.models import TierRecord
    from kechuang.enterprises.qualification import recompute_tiers

    bureau, town = client_for("bureau"), client_for("songshanhu")
    city = tier_total(bureau)
    assert city == TierRecord.objects.filter(year=2024).count()
    assert tier_total(bureau) == city  # the second time from the cache
    own = tier_total(town)
    assert own == TierRecord.objects.filter(year=2024, region_code="441900401").count() and own < city

    TierRecord.objects.filter(year=2024).delete()  # the data changes: the cache does not hide it
    recompute_tiers(2024)
    gone = TierRecord.objects.filter(year=2024).first()
    gone.delete()
    assert tier_total(bureau) == city - 1
    page_cache.clear()
    assert tier_total(bureau) == city - 1
