"""A town nobody has reported for yet: its officer (and the bureau) open its indicator pages and see
the town named with no values, not an error; another town's officer is refused; an unknown region is
not found. The ladder page links there, so an error would be a dead end."""

from __future__ import annotations

import pytest

from tests.enterprises.conftest import population  # noqa: F401  (fixture)
from tests.plans.conftest import plan  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

URLS = ["/plans/indicators/industrial_hightech_enterprises/?region=441900121", "/plans/?region=441900121"]


@pytest.mark.parametrize("url", URLS)
def test_a_town_without_data_opens_for_those_who_may_see_it(population, plan, client_for, url):  # noqa: F811
    from kechuang.plans.models import Observation

    assert not Observation.objects.filter(region_code="441900121").exists()
    for who in ("humen", "bureau"):
        response = client_for(who).get(url)
        assert response.status_code == 200, who
        assert "虎门镇" in response.content.decode()
    assert client_for("songshanhu").get(url).status_code == 403


def test_an_unknown_region_is_not_found(population, plan, client_for):  # noqa: F811
    response = client_for("bureau").get("/plans/indicators/rd_intensity/?region=441900999")
    assert response.status_code == 404
