"""The plan monitoring pages: overview, indicator page, versions and their differences.

Told from the users' side: who may open which page, what a town officer can choose, what the bureau
sees after simulation, a correction and a changed plan file.
"""

import json
import re

import pytest

from tests.personas import PERSONAS

PLAN_READERS = {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}
CITY, SONGSHANHU, HUMEN = "441900", "441900401", "441900121"
PAGES = ["/plans/", "/plans/indicators/rd_intensity/", "/plans/versions/", "/plans/versions/1/1/"]
NINE = [
    "rd_intensity",
    "basic_research_share",
    "rd_personnel_per_10k_employed",
    "high_value_invention_patents_per_10k",
    "tech_contract_turnover",
    "hightech_mfg_share",
    "digital_economy_share",
    "industrial_hightech_enterprises",
    "science_literacy",
]


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def region_options(html):
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"', select)


def chart_option(html, chart_id):
    return json.loads(
        re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)[1]
    )


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_persona_gets_the_page_or_403(plan, client_for, persona, url):
    status = client_for(persona).get(url).status_code
    assert status == (200 if persona in PLAN_READERS else 403), f"{persona} → {url}"


@pytest.mark.parametrize("url", PAGES)
def test_outsider_is_sent_to_login(plan, client_for, url):
    response = client_for("outsider").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_town_officer_chooses_only_their_town_and_the_city(simulated_plan, client_for):
    assert region_options(html_of(client_for("songshanhu"), "/plans/")) == [CITY, SONGSHANHU]
    assert region_options(html_of(client_for("humen"), "/plans/indicators/rd_intensity/")) == [CITY, HUMEN]
    bureau = region_options(html_of(client_for("bureau"), "/plans/"))
    assert bureau[0] == CITY and {SONGSHANHU, HUMEN} < set(bureau) and len(bureau) == 8


def test_a_town_officer_cannot_open_another_towns_figures(simulated_plan, client_for):
    client = client_for("songshanhu")
    assert client.get(f"/plans/?region={HUMEN}").status_code == 403
    assert client.get("/plans/indicators/rd_intensity/?region=虎门镇").status_code == 403
    assert client.get(f"/plans/?region={SONGSHANHU}").status_code == 200
    assert client.get("/plans/?region=松山湖").status_code == 200


def test_town_ranking_is_for_those_who_see_the_towns(simulated_plan, client_for):
    # the towns have only simulated values here (2025 on): a simulated year, chosen
    bureau = html_of(client_for("bureau"), "/plans/indicators/rd_intensity/?as_of=2026")
    assert 'data-testid="ranking"' in bureau and "虎门镇" in bureau and "松山湖高新技术产业开发区" in bureau
    chart = chart_option(bureau, "ranking-chart")
    assert len(chart["yAxis"]["data"]) == 7
    town = html_of(client_for("songshanhu"), "/plans/indicators/rd_intensity/?as_of=2026")
    assert 'data-testid="ranking"' not in town and "虎门镇" not in town


# ---------------------------------------------------------------- the overview


def test_overview_shows_the_nine_indicators_and_the_sample_note(plan, client_for):
    html = html_of(client_for("bureau"), "/plans/")
    cards = re.findall(r'data-testid="indicator-card" data-code="(\w+)"', html)
    assert cards == NINE
    assert 'data-testid="sample-note"' in html and "示例分工" in html and plan.sample_note in html
    assert 'data-testid="simulated"' not in html  # only published history so far
    assert 'data-testid="plan-index"' in html and 'data-testid="warning-counts"' in html


def test_overview_marks_simulated_values(simulated_plan, client_for):
    html = html_of(client_for("leader"), "/plans/?as_of=2027")
    assert html.count('data-testid="simulated"') == 9
    assert "不是官方统计" in html
    # the default is 2024, the latest year with official data: published figures only
    html_2024 = html_of(client_for("leader"), "/plans/")
    assert 'data-testid="simulated"' not in html_2024


def test_warning_counts_add_up(simulated_plan, client_for):
    from kechuang.plans.evaluation import monitor

    html = html_of(client_for("bureau"), "/plans/?as_of=2027")
    warnings = [i["warning"] for i in monitor(simulated_plan, 2027)["indicators"]]
    for colour, label in (("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")):
        assert f'<span class="badge {colour}">{label} <b>{warnings.count(colour)}</b>' in html


def test_old_data_are_flagged_stale(plan, client_for):
    html = html_of(client_for("bureau"), "/plans/?as_of=2027")  # the latest real data are of 2024
    assert 'data-testid="stale"' in html and "数据陈旧" in html


def test_overview_links_to_versions_and_indicators(plan, client_for):
    html = html_of(client_for("reporter"), "/plans/")
    assert 'href="/plans/versions/"' in html
    assert 'href="/plans/indicators/science_literacy/?as_of=' in html


# ---------------------------------------------------------------- the indicator page


def test_indicator_page_shows_sources_owner_and_definition(plan, client_for):
    html = html_of(client_for("bureau"), "/plans/indicators/rd_intensity/")
    assert "http://www.aimslx.com/cj/2018/01/10/19342.html" in html  # a published source, as a link
    assert "东莞市科技创新“十五五”规划（公开征求意见稿）表1" in html
    assert re.search(r'data-testid="owner">东莞市统计局<', html)  # the department's name, not its code
    assert "到2030年，全市全社会研发投入强度提升至4.1%左右" in html
    assert "Open SDG" in html and 'data-testid="trend"' in html


def test_a_correction_keeps_the_history_visible(plan, personas, client_for):
    from kechuang.plans.models import Indicator
    from kechuang.plans.observations import enter_value

    ind = Indicator.objects.get(plan=plan, code="rd_intensity")
    enter_value(plan, personas["reporter"], ind, CITY, 2024, 4.05, "市统计局 2024 年统计年鉴（更正）")
    html = html_of(client_for("bureau"), "/plans/indicators/rd_intensity/")
    rows = re.findall(r'<tr class="(superseded)?" data-testid="history-row">\s*<td>(\d+)</td>', html)
    assert [(bool(s), y) for s, y in rows if y == "2024"] == [(False, "2024"), (True, "2024")]
    assert "4.05" in html and "4.01" in html and "已更正" in html
    assert "市统计局 2024 年统计年鉴（更正）" in html and "reporter" in html
    overview = html_of(client_for("bureau"), "/plans/?as_of=2024")
    assert re.search(r'data-code="rd_intensity".*?<span class="kpi">4.05</span>', overview, re.S)


def test_indicator_chart_marks_simulated_points_and_projects_to_the_target(simulated_plan, client_for):
    html = html_of(client_for("bureau"), "/plans/indicators/hightech_mfg_share/?as_of=2027")
    chart = chart_option(html, "indicator-chart")
    years = chart["xAxis"]["data"]
    series = {s["name"]: s for s in chart["series"]}
    assert {"观测值", "模拟值", "规划路径", "目标值", "趋势预测", "80% 预测区间"} <= set(series)
    assert "模拟值" in chart["legend"]["data"]
    simulated = [years[i] for i, v in enumerate(series["模拟值"]["data"]) if v and v.get("symbol") != "none"]
    assert simulated == ["2025", "2026", "2027"]
    assert series["模拟值"]["symbol"] == "emptyCircle"
    real = [years[i] for i, v in enumerate(series["观测值"]["data"]) if v is not None]
    assert real == ["2018", "2020", "2022", "2024"]
    projection = series["趋势预测"]["data"]
    assert years[-1] == "2030" and projection[-1] is not None and projection[years.index("2027")] is not None
    assert series["80% 预测区间"]["data"][-1] > 0  # the band is wider than nothing at the target year


def test_unknown_indicator_is_404(plan, client_for):
    assert client_for("bureau").get("/plans/indicators/no_such_thing/").status_code == 404


# ---------------------------------------------------------------- versions


def test_versions_diff_shows_a_changed_target(plan, client_for, tmp_path):
    from kechuang.plans import services
    from kechuang.plans.schema import default_plan_path

    text = default_plan_path().read_text(encoding="utf-8")
    assert text.count("target_value: 4.1\n") == 1
    changed = tmp_path / "dongguan-2026-2030-v2.yaml"
    changed.write_text(text.replace("target_value: 4.1\n", "target_value: 4.3\n"), encoding="utf-8")
    services.load_plan(services.parse_plan(changed), source_file=changed.name, note="中期调整")

    versions = html_of(client_for("leader"), "/plans/versions/")
    assert versions.count('data-testid="version-row"') == 2 and "中期调整" in versions
    assert 'href="/plans/versions/1/2/"' in versions

    html = html_of(client_for("leader"), "/plans/versions/1/2/")
    [row] = re.findall(r'<tr class="change-changed" data-testid="change".*?</tr>', html, re.S)
    assert "全社会研发投入强度" in row and "目标值" in row
    assert '<td class="before">4.1</td>' in row and '<td class="after">4.3</td>' in row

    compare = client_for("leader").get("/plans/versions/?a=1&b=2")
    assert compare.status_code == 302 and compare["Location"] == "/plans/versions/1/2/"
    assert client_for("leader").get("/plans/versions/1/9/").status_code == 404


# ---------------------------------------------------------------- no N+1 queries


@pytest.mark.parametrize(
    "url", ["/plans/", "/plans/indicators/rd_intensity/", "/plans/versions/", "/plans/versions/1/1/"]
)
def test_pages_use_a_bounded_number_of_queries(
    simulated_plan, client_for, django_assert_max_num_queries, url
):
    client = client_for("bureau")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_overview_without_a_plan_says_how_to_load_one(client_for):
    html = html_of(client_for("bureau"), "/plans/")
    assert 'data-testid="no-plan"' in html and "kechuang plan load" in html
    assert client_for("bureau").get("/plans/versions/").status_code == 404


def test_a_town_target_reads_in_english_for_an_english_reader(plan, client_for, personas):
    url = f"/plans/indicators/rd_intensity/?region={SONGSHANHU}"
    assert "12左右" in html_of(client_for("bureau"), url)
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    html = html_of(client_for("bureau"), url)
    assert "about 12 % (2030)" in html and "12左右" not in html
