"""The public portal in a real browser (issue 9 §4): a visitor without an account opens the plan, an
indicator with its drawn chart, downloads the CSV, opens the town map, and reads it all in English."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.plans.conftest import plan, simulated_plan  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")


@pytest.fixture
def portal_site(transactional_db, live_server, simulated_plan):  # noqa: F811
    from kechuang.portal.models import Publication
    from kechuang.portal.services import ensure_publications

    ensure_publications(simulated_plan, publish=True)
    Publication.objects.filter(indicator__code="science_literacy").update(published=False)
    return live_server


def test_a_visitor_reads_an_indicator_and_downloads_its_data(portal_site, page, hosts_seen):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{portal_site.url}/portal/")
    assert "/login" not in page.url  # no account needed
    cards = page.locator("[data-testid=portal-card]")
    codes = cards.evaluate_all("els => els.map(e => e.dataset.code)")
    assert "rd_intensity" in codes and "science_literacy" not in codes  # only what is published
    page.click("[data-testid=portal-card][data-code=rd_intensity]")
    page.wait_for_load_state("networkidle")
    assert "全社会研发投入强度" in page.locator("[data-testid=indicator-name]").inner_text()
    # ECharts drew the chart (a canvas inside the container), so the page's script ran under the CSP.
    page.wait_for_selector("[data-testid=portal-chart] canvas", timeout=10_000)
    assert "来源" in page.locator("[data-testid=metadata]").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "portal-indicator.png"), full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=download-csv]")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    table_years = page.locator("[data-testid=portal-values] tbody tr").count()
    assert rows and table_years >= 1
    assert "2024" in {r["year"] for r in rows if r["simulated"] == "False"}, rows[0]
    assert not errors, errors
    assert hosts_seen <= {"localhost", "127.0.0.1"}, hosts_seen


def test_the_town_map_and_english_in_the_browser(portal_site, page):
    page.goto(f"{portal_site.url}/portal/map/?as_of=2027&measure=rd_intensity")  # towns: simulated
    tiles = page.locator("[data-testid=tile]")
    assert tiles.count() >= 33  # the 32 towns and the functional areas, one tile each
    # Tiles with data are coloured, placed on the grid, and the legend explains the colours.
    coloured = tiles.evaluate_all(
        "els => els.filter(e => getComputedStyle(e).backgroundColor !== 'rgb(229, 231, 235)').length"
    )
    assert coloured >= 1
    boxes = tiles.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.x), Math.round(r.y)]; })"
    )
    assert len(set(map(tuple, boxes))) == len(boxes), "two tiles drawn on the same spot"
    assert page.locator("[data-testid=tilemap-legend]").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "portal-map.png"), full_page=True)
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state("networkidle")
    assert "/portal/map/" in page.url  # the visitor stays where they were
    assert "Humen" in page.locator("[data-testid=tilemap]").inner_text()
    page.goto(f"{portal_site.url}/portal/")
    assert "R&D" in page.locator("[data-testid=portal-card][data-code=rd_intensity]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-home-en.png"), full_page=True)
