"""A year outside 2000–2100 (or not a number) in a page's address is ignored, not a server error: the
page shows the latest year, as it does without one (found by the API fuzzing on the same figures)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD_YEARS = ["99999", "-1", "1e3", "二〇二四"]


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_enterprise_page_falls_back_to_the_latest_year(population, client_for, year):
    response = client_for("bureau").get(f"/enterprises/{population.own}/?year={year}")
    assert response.status_code == 200
    assert "2024" in response.content.decode()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_self_check_falls_back_to_the_latest_year(population, client_for, year):
    response = client_for("enterprise").get(f"/enterprises/selfcheck/?year={year}")
    assert response.status_code == 200
    assert 'name="year" value="2024"' in response.content.decode()


def test_a_good_year_is_still_taken(population, client_for):
    html = client_for("enterprise").get("/enterprises/selfcheck/?year=2023").content.decode()
    assert 'name="year" value="2023"' in html
