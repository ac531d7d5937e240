"""The registry feeds the plan: 规模以上工业高新技术企业数 observations from the stored tiers."""
# ruff: noqa: F811  (fixtures imported from conftest_pools are used as arguments)

import datetime as dt

import pytest

from tests.enterprises.conftest_pools import HUMEN, SONGSHANHU, YEAR, handmade, loaded_plan  # noqa: F401

pytestmark = pytest.mark.django_db
CITY = "441900"
DAY = dt.date(2026, 3, 1)


def latest(plan) -> dict[tuple[str, int], object]:
    from kechuang.plans.models import Observation

    qs = Observation.objects.filter(
        indicator__plan=plan, indicator__code="industrial_hightech_enterprises", is_latest=True
    )
    return {(o.region_code, o.year): o for o in qs}


def feed(**kwargs):
    from kechuang.enterprises.plan_feed import feed_industrial_hightech

    return feed_industrial_hightech(2023, YEAR, today=DAY, **kwargs)


def test_it_writes_the_city_and_each_town_with_the_registry_as_source(handmade, loaded_plan):
    result = feed()
    obs = latest(loaded_plan)
    assert obs[(SONGSHANHU, 2024)].value == 2 and obs[(HUMEN, 2024)].value == 0
    # 2023 also counts 寅 (虎门), whose certificate lapsed on 2024-06-30
    assert (
        obs[(SONGSHANHU, 2023)].value == 2 and obs[(HUMEN, 2023)].value == 1 and obs[(CITY, 2023)].value == 3
    )
    assert obs[(SONGSHANHU, 2024)].source == "企业库（kechuang 资格计算，2026-03-01）"
    assert not obs[(SONGSHANHU, 2024)].simulated and obs[(SONGSHANHU, 2024)].note == ""
    assert (result.created, result.revised) == (5, 0)


def test_a_published_figure_is_not_replaced_silently(handmade, loaded_plan):
    result = feed()
    city = latest(loaded_plan)[(CITY, 2024)]
    assert city.value == 5769 and "表1" in city.source  # the plan's 现值 stays the latest revision
    assert result.skipped_official == 1
    feed(replace_official=True)
    city = latest(loaded_plan)[(CITY, 2024)]
    assert city.value == 2 and city.revision == 2 and city.source.startswith("企业库")


def test_a_second_run_changes_nothing(handmade, loaded_plan):
    from kechuang.plans.models import Observation

    feed()
    count = Observation.objects.count()
    again = feed()
    assert (again.created, again.revised, again.skipped_same) == (0, 0, 5)
    assert Observation.objects.count() == count


def test_a_changed_count_becomes_a_revision_and_the_old_value_stays(handmade, loaded_plan):
    from kechuang.enterprises.models import Enterprise
    from kechuang.enterprises.qualification import recompute_tiers
    from kechuang.plans.models import Observation

    feed()
    Enterprise.objects.filter(pk=handmade.ids["good"]).update(hightech_cert_until=dt.date(2027, 6, 30))
    recompute_tiers(YEAR)
    result = feed()
    assert result.revised == 1  # 松山湖 2024: 2 → 3 (the city's 2024 is the published figure)
    history = Observation.objects.filter(
        indicator__code="industrial_hightech_enterprises", region_code=SONGSHANHU, year=YEAR
    ).order_by("revision")
    assert [(o.value, o.revision, o.is_latest) for o in history] == [(2, 1, False), (3, 2, True)]


def test_a_synthetic_registry_is_scaled_to_the_city_and_marked(handmade, loaded_plan):
    from kechuang.engine.synth import scale_factor
    from kechuang.enterprises.models import Enterprise, Upload

    upload = Upload.objects.create(kind="synthetic", department="kjj", file_name="演示企业名录.csv")
    Enterprise.objects.update(upload=upload)
    factor = scale_factor(Enterprise.objects.count())
    feed()
    obs = latest(loaded_plan)[(SONGSHANHU, 2024)]
    assert obs.value == round(2 * factor)
    assert obs.note.startswith(f"合成演示数据，按 ×{round(factor, 4):g} 倍折算") and obs.simulated


def test_a_real_file_named_合成_feeds_real_figures(handmade, loaded_plan):
    from kechuang.enterprises.models import Enterprise, Upload

    upload = Upload.objects.create(kind="registry", department="gxj", file_name="合成材料企业名录.xlsx")
    Enterprise.objects.update(upload=upload)
    feed()
    obs = latest(loaded_plan)[(SONGSHANHU, 2024)]
    assert obs.value == 2 and obs.note == "" and not obs.simulated


def test_a_dry_run_writes_nothing(handmade, loaded_plan):
    from kechuang.plans.models import Observation

    count = Observation.objects.count()
    result = feed(dry_run=True)
    assert result.created == 5 and Observation.objects.count() == count


def test_the_command_line(handmade, loaded_plan):
    from typer.testing import CliRunner

    from kechuang.cli.main import app

    result = CliRunner().invoke(app, ["pools", "feed-plan", "--from", "2023", "--to", "2024"])
    assert result.exit_code == 0, result.output
    assert "新增 5" in result.output and "保留官方数据 1" in result.output
    assert latest(loaded_plan)[(SONGSHANHU, 2024)].value == 2
