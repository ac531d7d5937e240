"""The public portal: no login, only what the bureau publishes, official data by default, simulated
years only where the site shows them and always marked, downloads, search, the tile map, English."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from kechuang.portal.models import Publication
from kechuang.portal.services import ensure_publications
from kechuang.portal.tiles import TILES
from tests.plans.conftest import plan, simulated_plan  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(simulated_plan):  # noqa: F811
    ensure_publications(simulated_plan, publish=True)
    Publication.objects.filter(indicator__code="science_literacy").update(published=False)
    return simulated_plan


def test_the_portal_opens_without_login_and_shows_only_published_indicators(published):
    html = Client().get("/portal/").content.decode()
    assert 'data-code="rd_intensity"' in html and "全社会研发投入强度" in html
    assert 'data-code="science_literacy"' not in html  # not published
    assert Client().get("/portal/indicators/science_literacy/").status_code == 404
    assert Client().get("/portal/indicators/science_literacy.csv").status_code == 404


def test_the_default_year_is_the_latest_with_official_data_and_no_simulated_value_is_shown(published):
    from kechuang.plans.models import Observation

    official = max(Observation.objects.filter(simulated=False).values_list("year", flat=True))
    assert Observation.objects.filter(simulated=True, year__gt=official).exists()
    html = Client().get("/portal/indicators/rd_intensity/").content.decode()
    assert f'<option value="{official}" selected>' in html
    assert 'data-testid="simulated-badge"' not in html
    table = html.split('data-testid="portal-values"')[1].split("</table>")[0]
    assert f"<td>{official + 1}</td>" not in table  # no later (simulated) year in the table


def test_a_simulated_year_can_be_chosen_and_is_marked(published):
    html = Client().get("/portal/indicators/rd_intensity/?as_of=2027").content.decode()
    assert 'data-testid="simulated-badge"' in html and '<option value="2027" selected>' in html
    assert "<td>2027</td>" in html


def test_production_never_shows_simulated_years(published, settings):
    settings.PORTAL_SHOW_SIMULATED = False
    html = Client().get("/portal/indicators/rd_intensity/?as_of=2027").content.decode()
    assert 'data-testid="simulated-badge"' not in html and '<option value="2027"' not in html
    rows = list(
        csv.DictReader(io.StringIO(Client().get("/portal/indicators/rd_intensity.csv").content.decode()))
    )
    assert rows and all(r["simulated"] == "False" for r in rows)


def test_downloads_give_the_series_with_sources_and_metadata(published):
    response = Client().get("/portal/indicators/rd_intensity.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    official = [r for r in rows if r["simulated"] == "False"]
    assert {"2016", "2019", "2024"} <= {r["year"] for r in official if r["region"] == "441900"}
    assert all(r["source"] for r in official)
    body = json.loads(Client().get("/portal/indicators/rd_intensity.json").content)
    assert body["indicator"] == "rd_intensity" and body["unit"] == "%" and body["target_value"] == 4.1
    assert body["name_en"] == "R&D expenditure as a share of GDP" and body["methodology"]
    assert len(body["data"]) == len(rows)


def test_search_finds_indicators_by_chinese_and_english_words(published):
    html = Client().get("/portal/search/?q=研发").content.decode()
    assert "全社会研发投入强度" in html and "每万名就业人员中研发人员数" in html
    assert "技术合同成交额" not in html
    html = Client().get("/portal/search/?q=patents").content.decode()
    assert "每万人口高价值发明专利拥有量" in html
    assert "找到 0 项指标" in Client().get("/portal/search/?q=不存在的词").content.decode()


def test_the_tile_map_places_every_region_and_colours_those_with_data(published):
    html = Client().get("/portal/map/?as_of=2027&measure=rd_intensity").content.decode()
    assert html.count('data-testid="tile"') == len(TILES) == 36
    tile = html.split('data-code="441900121"')[1].split("</div>")[0]  # 虎门镇
    assert "#e5e7eb" not in tile and "虎门镇" in tile and "模拟" in tile
    assert 'data-testid="tilemap-legend"' in html


def test_the_indicator_page_of_the_plan_shows_the_town_map_within_the_users_scope(published, client_for):
    html = client_for("bureau").get("/plans/indicators/rd_intensity/?as_of=2027").content.decode()
    assert html.count('data-testid="tile"') == 36
    town = client_for("humen").get("/plans/indicators/rd_intensity/?as_of=2027").content.decode()
    if 'data-testid="tilemap"' in town:  # a town officer sees only its own region coloured
        coloured = [
            part for part in town.split('data-testid="tile"')[1:] if "#e5e7eb" not in part.split(">")[0]
        ]
        assert len(coloured) <= 1


def test_english_visitors_see_english_names(published):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/portal/").content.decode()
    assert "R&amp;D expenditure as a share of GDP" in html
    assert "Humen" in client.get("/portal/map/?as_of=2027").content.decode()


def test_english_visitors_read_the_english_methodology_the_bureau_can_edit(published, client_for):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.get("/portal/indicators/rd_intensity/").content.decode()
    assert "By 2030, the city&#x27;s R&amp;D expenditure reaches about 4.1% of GDP." in page
    assert "全市全社会研发投入强度提升至" not in page  # the Chinese methodology is for Chinese visitors
    assert "全市全社会研发投入强度提升至" in Client().get("/portal/indicators/rd_intensity/").content.decode()
    form = {
        f"{field}-{p.pk}": getattr(p, field)
        for p in Publication.objects.all()
        for field in ("name_en", "methodology", "methodology_en", "source")
    }
    form |= {f"published-{p.pk}": "on" for p in Publication.objects.filter(published=True)}
    pub = Publication.objects.get(indicator__code="rd_intensity")
    form[f"methodology_en-{pub.pk}"] = "Gross domestic R&D expenditure divided by GDP."
    assert client_for("bureau").post("/portal/manage/", form).status_code == 302
    page = english.get("/portal/indicators/rd_intensity/").content.decode()
    assert "Gross domestic R&amp;D expenditure divided by GDP." in page


def test_the_bureau_chooses_what_is_published_and_the_change_is_audited(published, client_for):
    from kechuang.audit.models import ObjectChange

    pub = Publication.objects.get(indicator__code="rd_intensity")
    assert client_for("humen").get("/portal/manage/").status_code == 403
    assert Client().get("/portal/manage/").status_code == 302
    bureau = client_for("bureau")
    form = {
        f"{field}-{p.pk}": getattr(p, field)
        for p in Publication.objects.all()
        for field in ("name_en", "methodology", "methodology_en", "source")
    }
    form |= {f"published-{p.pk}": "on" for p in Publication.objects.filter(published=True)}
    del form[f"published-{pub.pk}"]
    assert bureau.post("/portal/manage/", form).status_code == 302
    assert not Publication.objects.get(pk=pub.pk).published
    assert Client().get("/portal/indicators/rd_intensity/").status_code == 404
    assert ObjectChange.objects.filter(object_type="portal.publication", object_id=str(pub.pk)).exists()


def test_an_english_search_counts_one_indicator_and_several_indicators(published):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "1 indicator found" in english.get("/portal/search/?q=patents").content.decode()
    html = english.get("/portal/search/?q=研发").content.decode()
    n = html.split('data-testid="search-results"')[1].split("</ul>")[0].count("<li>")
    assert n > 1 and f"{n} indicators found" in html
    assert "找到 1 项指标" in Client().get("/portal/search/?q=patents").content.decode()
