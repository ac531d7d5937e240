"""Cultivation pools: who is in them, what the rows say, filters, town scope and the Excel export."""
# ruff: noqa: F811  (fixtures imported from conftest_pools are used as arguments)

import io

import polars as pl
import pytest

from tests.enterprises.conftest_pools import HUMEN, SONGSHANHU, YEAR, handmade, loaded_plan  # noqa: F401

pytestmark = pytest.mark.django_db


def members(kind: str, handmade, **kwargs) -> dict[str, dict]:
    """case → pool row, for the hand-made enterprises in the pool."""
    from kechuang.enterprises import pools

    frame = pools.pool(kind, YEAR, **kwargs)
    by_id = {v: k for k, v in handmade.ids.items()}
    return {by_id[r["enterprise_id"]]: r for r in frame.iter_rows(named=True) if r["enterprise_id"] in by_id}


# ---------------------------------------------------------------- membership


def test_an_enterprise_failing_exactly_one_quantitative_condition_is_in_the_gaoqi_reserve(handmade):
    row = members("gaoqi_reserve", handmade)["one_rd"]
    assert row["status"] == "one_gap" and row["n_failed"] == 1
    assert row["failed_labels"] == "研发费用占比"
    # 3.8% against 4% (revenue band 5000–20000 万元): 0.2% of 21,000 万元 over three years = 42 万元
    assert row["gap_text"] == "研发费用占比 3.8%，需 ≥ 4%：近三年研发费用还差 42 万元"


def test_an_enterprise_failing_two_conditions_is_not(handmade):
    assert "two_fails" not in members("gaoqi_reserve", handmade)


def test_a_certificate_holder_is_not_in_the_gaoqi_reserve(handmade):
    got = members("gaoqi_reserve", handmade)
    assert "holder" not in got and "guishang_gaoqi" not in got


def test_a_possible_enterprise_is_in_and_comes_first(handmade):
    got = members("gaoqi_reserve", handmade)
    assert got["good"]["status"] == "possible" and got["good"]["n_failed"] == 0
    assert got["good"]["gap_text"] == "创新能力评价得分 31–80 分（需 > 70 分，取决于专家评审项）"
    order = [r for r in members("gaoqi_reserve", handmade)]
    assert order.index("good") < order.index("one_rd")


def test_a_gap_beyond_the_configured_distance_keeps_an_enterprise_out(handmade):
    from kechuang.enterprises.pools_config import load_config

    assert "far_rd" not in members("gaoqi_reserve", handmade)  # 1% against 4%: 75% short
    config = load_config()
    wide = config.model_copy(
        update={"gaoqi_reserve": config.gaoqi_reserve.model_copy(update={"max_relative_gap": None})}
    )
    assert "far_rd" in members("gaoqi_reserve", handmade, config=wide)


def test_an_expired_certificate_is_in_the_reserve_and_says_so(handmade):
    row = members("gaoqi_reserve", handmade)["expired"]
    assert row["gap_text"].startswith("高企证书 2024-06-30 到期，需重新认定；创新能力评价得分")


def test_a_failed_non_quantitative_condition_keeps_an_enterprise_out(handmade):
    assert "no_field" not in members("gaoqi_reserve", handmade)  # 技术领域 is not a gap to close


def test_missing_data_counts_as_the_one_open_condition(handmade):
    row = members("gaoqi_reserve", handmade)["missing"]
    assert row["status"] == "data_missing" and row["n_missing"] == 1
    assert "高新技术产品（服务）收入占比：缺少数据" in row["gap_text"]


def test_the_kexiao_reserve_leaves_out_registered_enterprises_and_certificate_holders(handmade):
    got = members("kexiao_reserve", handmade)
    assert got["good"]["status"] == "ready" and got["good"]["gap_text"] == "评价得分 82 分"
    assert "kexiao_registered" not in got and "holder" not in got


def test_guishang_candidates_follow_the_three_routes(handmade):
    got = members("guishang_candidates", handmade)
    assert got["upgrade"]["status"] == "upgrade"
    assert got["upgrade"]["gap_text"] == "主营业务收入 1800 万元，需 ≥ 2000 万元：还差 200 万元"
    assert got["good"]["status"] == "certify"  # 规上 industrial, no certificate, in the 高企 reserve
    assert got["services"]["status"] == "nonindustrial"  # section M, 3000 万元, certificate
    assert "software" not in got  # section I is not in nonindustrial_sections
    assert "guishang_gaoqi" not in got  # already counted in the plan indicator
    assert "two_fails" not in got  # 规上 but too far from 高企


def test_membership_is_computed_for_the_whole_registry_at_once(handmade, django_assert_max_num_queries):
    from kechuang.enterprises import pools

    pools.clear_cache()
    with django_assert_max_num_queries(12):  # a fixed number of queries, whatever the registry's size
        pools.pool("gaoqi_reserve", YEAR)


def test_the_definition_on_the_page_comes_from_the_config():
    from kechuang.enterprises.pools_config import definition

    text = " ".join(definition("gaoqi_reserve"))
    assert "不超过 1 项" in text and "50%" in text and "研发费用占比" in text


# ---------------------------------------------------------------- pages, filters, scope


def rows(html: str) -> list[str]:
    import re

    return re.findall(r'data-region="(\d+)" data-credit-code="(\w+)"', html)


def test_bureau_sees_the_whole_city(handmade, client_for):
    html = client_for("bureau").get("/enterprises/pools/gaoqi_reserve/").content.decode()
    regions = {r for r, _ in rows(html)}
    assert regions == {SONGSHANHU, HUMEN}
    assert "研发费用占比 3.8%，需 ≥ 4%" in html and "入库口径" in html


def test_a_town_officer_sees_only_the_town(handmade, client_for):
    html = client_for("songshanhu").get("/enterprises/pools/gaoqi_reserve/").content.decode()
    found = rows(html)
    assert found and {r for r, _ in found} == {SONGSHANHU}
    assert handmade.codes["missing"] not in html  # a 虎门 enterprise


def test_another_towns_filter_shows_nothing_from_it(handmade, client_for):
    response = client_for("songshanhu").get(f"/enterprises/pools/gaoqi_reserve/?region={HUMEN}")
    html = response.content.decode()
    assert response.status_code == 200 and rows(html) == []
    assert handmade.codes["missing"] not in html
    export = client_for("songshanhu").get(f"/enterprises/pools/gaoqi_reserve/export.xlsx?region={HUMEN}")
    assert handmade.codes["missing"].encode() not in export.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={HUMEN}", {"missing", "kexiao_registered", "expired"}),
        ("status=one_gap", {"one_rd"}),
        ("section=M", set()),
        ("field=新材料", set()),
        ("field=电子信息", {"good", "one_rd", "missing", "kexiao_registered", "expired"}),
        ("q=东莞乙", {"one_rd"}),
    ],
)
def test_filters_narrow_the_list(handmade, client_for, query, expected):
    html = client_for("bureau").get(f"/enterprises/pools/gaoqi_reserve/?{query}").content.decode()
    shown = {code for _, code in rows(html)}
    assert shown == {handmade.codes[k] for k in expected}


def test_excel_export_has_the_rows_the_headers_and_the_filters(handmade, client_for):
    import openpyxl

    response = client_for("bureau").get(f"/enterprises/pools/gaoqi_reserve/export.xlsx?region={SONGSHANHU}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "高企后备库"
    assert "2024 年度数据" in sheet["A1"].value
    assert "数据年度：2024" in sheet["A2"].value and "导出日期：" in sheet["A2"].value
    assert "镇街：松山湖高新技术产业开发区" in sheet["A2"].value
    assert sheet["A3"].value.startswith("入库口径：")
    headers = [c.value for c in sheet[6]]
    assert headers[:3] == ["统一社会信用代码", "企业名称", "所属镇街"] and "差距说明" in headers
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    assert sorted(r[0] for r in data) == sorted([handmade.codes["good"], handmade.codes["one_rd"]])
    one = next(r for r in data if r[0] == handmade.codes["one_rd"])
    assert one[headers.index("差距说明")] == "研发费用占比 3.8%，需 ≥ 4%：近三年研发费用还差 42 万元"
    assert one[headers.index("营业收入（万元）")] == 8000


def test_an_unknown_pool_is_404(handmade, client_for):
    assert client_for("bureau").get("/enterprises/pools/nonsense/").status_code == 404


def test_pool_frame_restrict_joins_by_id(handmade):
    from kechuang.enterprises import pools

    frame = pools.pool("gaoqi_reserve", YEAR)
    only = pools.restrict(frame, [handmade.ids["one_rd"]])
    assert only["enterprise_id"].to_list() == [handmade.ids["one_rd"]]
    assert pools.restrict(frame, []).height == 0 and isinstance(only, pl.DataFrame)
