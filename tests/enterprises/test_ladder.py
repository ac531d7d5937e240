"""The ladder dashboard (enterprises:home): counts from TierRecord, town scope, projection, personas."""
# ruff: noqa: F811  (fixtures imported from conftest_pools are used as arguments)

import re

import pytest

from tests.enterprises.conftest_pools import HUMEN, SONGSHANHU, YEAR, handmade, loaded_plan  # noqa: F401
from tests.personas import ENTERPRISE_CREDIT_CODE, PERSONAS

pytestmark = pytest.mark.django_db

READERS = {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}
PAGES = [
    "/enterprises/",
    "/enterprises/pools/gaoqi_reserve/",
    "/enterprises/pools/kexiao_reserve/",
    "/enterprises/pools/guishang_candidates/",
    "/enterprises/pools/gaoqi_reserve/export.xlsx",
]


def tier_table(html: str) -> dict[str, int]:
    return {
        t: int(n)
        for t, n in re.findall(
            r'data-tier="(\w+)"><td>[^<]+</td><td class="num" data-testid="tier-count">(\d+)', html
        )
    }


def rung_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-testid="rung" data-tier="(\w+)">.*?data-testid="rung-count">(\d+)', html, re.S)
    return {t: int(n) for t, n in found}


def tier_records(year: int, region: str | None = None) -> dict[str, int]:
    from kechuang.enterprises.models import TierRecord

    qs = TierRecord.objects.filter(year=year)
    if region:
        qs = qs.filter(region_code=region)
    return {t: qs.filter(tier=t).count() for t in ("kexiao", "gaoqi", "guishang_gaoqi", "lingjun", "none")}


def test_the_funnel_counts_equal_the_tier_records(handmade, client_for):
    html = client_for("bureau").get("/enterprises/").content.decode()
    expected = tier_records(YEAR)
    assert tier_table(html) == expected
    assert expected["guishang_gaoqi"] == 2  # 丁 and 癸: certificate, industrial, 7500 万元
    assert expected["gaoqi"] == 3  # 壬 (1800 万元), 子 (section M), 丑 (section I)
    rungs = rung_counts(html)
    assert rungs["gaoqi"] == expected["gaoqi"] + expected["guishang_gaoqi"] + expected["lingjun"]
    assert rungs["guishang_gaoqi"] == expected["guishang_gaoqi"] + expected["lingjun"]
    assert 'data-testid="industrial-count">2 ' in html
    assert 'data-chart="funnel-chart"' in html and 'id="funnel-chart"' in html


def test_an_earlier_year_can_be_chosen(handmade, client_for):
    html = client_for("bureau").get("/enterprises/?year=2023").content.decode()
    assert tier_table(html) == tier_records(2023)
    assert 'data-chart="years-chart"' in html  # two years of records: the change by year


def test_a_town_officer_sees_the_towns_funnel_only(handmade, client_for):
    html = client_for("songshanhu").get("/enterprises/").content.decode()
    assert tier_table(html) == tier_records(YEAR, SONGSHANHU)
    options = re.findall(
        r'<option value="(\d+)"', html.split('data-testid="region"')[1].split("</select>")[0]
    )
    assert options == [SONGSHANHU]  # no city, no other town
    assert re.findall(r'<tr data-region="(\d+)">', html) == [SONGSHANHU]


def test_another_towns_region_shows_nothing_from_it(handmade, client_for):
    html = client_for("songshanhu").get(f"/enterprises/?region={HUMEN}").content.decode()
    assert 'data-testid="out-of-scope"' in html and 'data-testid="no-tiers"' not in html
    assert set(tier_table(html).values()) == {0}
    assert 'data-testid="projection"' not in html
    assert f'data-region="{HUMEN}"' not in html


def test_the_bureau_can_look_at_one_town(handmade, client_for):
    html = client_for("bureau").get(f"/enterprises/?region={HUMEN}").content.decode()
    assert tier_table(html) == tier_records(YEAR, HUMEN)


def test_the_town_table_sorts_by_any_column(handmade, client_for):
    def order(query: str) -> list[str]:
        return re.findall(
            r'<tr data-region="(\d+)">', client_for("bureau").get(f"/enterprises/?{query}").content.decode()
        )

    assert order("sort=industrial") == [SONGSHANHU, HUMEN]  # 2 规上工业高企 against 0
    assert order("sort=industrial&dir=asc") == [HUMEN, SONGSHANHU]
    assert order("sort=name&dir=asc") == list(reversed(order("sort=name&dir=desc")))


def test_the_projection_shows_the_plan_target_and_the_registry_count(handmade, loaded_plan, client_for):
    html = client_for("bureau").get("/enterprises/").content.decode()
    assert 'data-testid="projection"' in html and 'id="projection-chart"' in html
    assert "6500" in html  # the plan's 2030 target
    assert "5769" in html  # the published 2024 value (表1)
    assert "企业库测算" in html


def test_an_enterprise_user_is_sent_to_its_own_page(handmade, client_for):
    from django.urls import reverse

    response = client_for("enterprise").get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[ENTERPRISE_CREDIT_CODE])


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_persona_page_matrix(handmade, client_for, persona):
    client = client_for(persona)
    for url in PAGES:
        response = client.get(url)
        if persona in READERS:
            assert response.status_code == 200, f"{persona} → {url}"
        elif persona == "enterprise":
            assert response.status_code == 302 and ENTERPRISE_CREDIT_CODE in response["Location"], url
        else:
            assert response.status_code == 403, f"{persona} → {url}"


@pytest.mark.parametrize("url", PAGES)
def test_the_outsider_is_sent_to_login(client_for, url):
    response = client_for("outsider").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_empty_registry_says_what_to_do(personas, client_for):
    html = client_for("bureau").get("/enterprises/").content.decode()
    assert 'data-testid="no-tiers"' in html
    assert (
        'data-testid="no-tiers"'
        in client_for("bureau").get("/enterprises/pools/gaoqi_reserve/").content.decode()
    )


def test_registry_counts_are_scaled_only_for_a_synthetic_registry(handmade):
    from kechuang.engine.synth import scale_factor
    from kechuang.enterprises import ladder
    from kechuang.enterprises.models import Enterprise, Upload

    assert not ladder.registry_scale().synthetic
    upload = Upload.objects.create(kind="synthetic", department="kjj", file_name="演示企业名录.csv")
    Enterprise.objects.update(upload=upload)
    scale = ladder.registry_scale()
    assert scale.synthetic and scale.sample == Enterprise.objects.count()
    assert scale.apply(2) == round(2 * scale_factor(scale.sample))
    assert "合成演示数据，按 ×" in scale.note


def test_a_real_file_with_合成_in_its_name_is_not_synthetic(personas, tmp_path):
    """Only Upload.kind marks demo data: a 合成材料 (synthetic materials) industry list is real."""
    from kechuang.engine.synth import write_population
    from kechuang.enterprises import ladder
    from kechuang.enterprises.importing import import_files
    from kechuang.enterprises.models import Upload
    from tests.enterprises.conftest import synthetic_population

    registry, facts = synthetic_population()
    paths = [p for p in write_population(registry, facts, tmp_path) if p.suffix == ".csv"]
    import_files(paths, department="gxj", names=["合成材料企业名录.csv", "合成材料企业年度数据.csv"])
    assert set(Upload.objects.values_list("kind", flat=True)) == {"registry", "facts"}
    scale = ladder.registry_scale()
    assert not scale.synthetic and scale.note == "" and scale.apply(7) == 7


def test_the_demo_marks_its_uploads_synthetic(personas):
    from kechuang.enterprises import ladder
    from kechuang.enterprises.demo import load_demo_enterprises
    from kechuang.enterprises.models import Enterprise, Upload

    load_demo_enterprises(count=30, seed=5)
    assert set(Upload.objects.values_list("kind", flat=True)) == {"synthetic"}
    scale = ladder.registry_scale()
    assert scale.synthetic and scale.sample == Enterprise.objects.count() == 30


def test_the_migration_marks_the_uploads_of_an_earlier_demo_only(personas):
    import importlib

    from django.apps import apps

    from kechuang.enterprises.models import Upload

    migration = importlib.import_module("kechuang.enterprises.migrations.0002_demo_uploads_are_synthetic")
    demo = Upload.objects.create(kind="registry", department="kjj", file_name="合成演示企业名录.csv")
    real = Upload.objects.create(kind="registry", department="gxj", file_name="合成材料企业名录.csv")
    migration.mark_demo_uploads(apps, None)
    demo.refresh_from_db(), real.refresh_from_db()
    assert (demo.kind, real.kind) == ("synthetic", "registry")
