"""高新技术企业 (高企): the eight conditions, the revenue bands, the years used, the score range."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kechuang.engine.rules import derive, qualify
from tests.engine.rules_kit import YEAR, drop_year, edited, enterprise, failed, frames, one, verdict


def gaoqi(**changes) -> tuple[str, float | None, float | None, list[str]]:
    row = one(**changes)
    return row["gaoqi_eligible"], row["gaoqi_score_min"], row["gaoqi_score_max"], failed(row, "gaoqi")


def derived(*parts, year: int = YEAR) -> dict:
    reg, facts = frames(*parts)
    return derive(reg, facts, year).to_dicts()[0]


def test_the_base_enterprise_is_possible_and_experts_decide():
    assert gaoqi() == ("possible", 31.0, 80.0, [])


@pytest.mark.parametrize(
    ("registered_on", "ok"),
    [(dt.date(2023, 12, 31), True), (dt.date(2023, 1, 1), True), (dt.date(2024, 1, 1), False)],
)
def test_registered_at_least_one_year_by_31_december(registered_on, ok):
    assert ("registered_1y" not in gaoqi(registered_on=registered_on)[3]) is ok


@pytest.mark.parametrize(("class1", "class2", "ok"), [(0, 0, False), (0, 1, True), (1, 0, True)])
def test_owns_ip(class1, class2, ok):
    assert ("owns_ip" not in gaoqi(ip_class1=class1, ip_class2=class2)[3]) is ok


@pytest.mark.parametrize(
    ("field", "ok"), [("新材料", True), ("先进制造与自动化", True), ("其他", False), (None, False)]
)
def test_tech_field_is_one_of_the_eight(field, ok):
    assert ("tech_field" not in gaoqi(tech_field=field)[3]) is ok


@pytest.mark.parametrize(("tech_staff", "ok"), [(10, True), (9, False)])
def test_tech_staff_share_at_least_ten_percent(tech_staff, ok):
    assert ("tech_staff_share" not in gaoqi(tech_staff={2024: tech_staff})[3]) is ok


def _rd(revenue: float, ratio_3y: float, delta: float = 0.0) -> dict:
    """Flat revenue for three years and R&D at `ratio_3y` of it (+ delta 万元 per year)."""
    return {
        "revenue": revenue,
        "rd_expense": revenue * ratio_3y + delta,
        "rd_expense_domestic": revenue * ratio_3y,
    }


@pytest.mark.parametrize(
    ("revenue", "required"),
    [
        (3000.0, 0.05),
        (5000.0, 0.05),
        (5000.01, 0.04),
        (12000.0, 0.04),
        (20000.0, 0.04),
        (20000.01, 0.03),
        (60000.0, 0.03),
    ],
)
def test_rd_ratio_band_follows_the_latest_revenue_and_includes_its_upper_edge(revenue, required):
    assert "rd_ratio" not in gaoqi(**_rd(revenue, required, delta=0.01))[3]
    assert "rd_ratio" in gaoqi(**_rd(revenue, required, delta=-0.01))[3]


@pytest.mark.parametrize(("revenue", "ratio"), [(5000.0, 0.05), (20000.0, 0.04), (30000.0, 0.03)])
def test_rd_ratio_exactly_at_the_requirement_passes(revenue, ratio):
    assert "rd_ratio" not in gaoqi(**_rd(revenue, ratio))[3]


def test_the_band_uses_the_latest_year_not_the_three_year_total():
    # 2024 revenue 4000 → 5% band, although the three years sum to 24000.
    changes = {"revenue": (10000.0, 10000.0, 4000.0), "rd_expense": (400.0, 400.0, 160.0)}  # 4% overall
    assert "rd_ratio" in gaoqi(**changes)[3]


def test_rd_ratio_with_zero_revenue_fails():
    _, _, _, fails = gaoqi(revenue=0.0, hightech_revenue=0.0)
    assert "rd_ratio" in fails and "rd_ratio:missing" not in fails


@pytest.mark.parametrize(("domestic", "ok"), [(240.0, True), (239.9, False)])
def test_domestic_rd_at_least_sixty_percent(domestic, ok):
    changes = {"rd_expense": 400.0, "rd_expense_domestic": domestic}
    assert ("domestic_rd_share" not in gaoqi(**changes)[3]) is ok


def test_domestic_share_without_any_rd_fails():
    assert "domestic_rd_share" in gaoqi(rd_expense=0.0, rd_expense_domestic=0.0)[3]


@pytest.mark.parametrize(("hightech", "ok"), [(4800.0, True), (4799.0, False)])
def test_hightech_revenue_at_least_sixty_percent_of_the_latest_year(hightech, ok):
    assert ("hightech_revenue_share" not in gaoqi(hightech_revenue={2024: hightech})[3]) is ok


def test_serious_incident_fails():
    assert gaoqi(serious_incident_1y=True)[3] == ["no_serious_incident"]


# ---------------------------------------------------------------- years used (实际经营期)


def test_a_young_enterprise_uses_the_years_since_registration():
    young = drop_year(enterprise(registered_on=dt.date(2023, 6, 1)), 2022)
    d = derived(young)
    assert d["years_used"] == 2
    assert d["revenue_3y"] == 7000.0 + 8000.0
    assert d["rd_expense_3y"] == 350.0 + 400.0
    assert d["revenue_growth"] == pytest.approx(8000 / 7000 - 1)
    assert d["conversions_avg_3y"] == 3.0
    row = one(registered_on=dt.date(2023, 6, 1), revenue={2022: None})  # a 2022 value is not used
    assert row["gaoqi_eligible"] == "possible" and row["gaoqi_failed"] == ""


def test_facts_before_registration_are_ignored():
    d = derived(enterprise(registered_on=dt.date(2023, 6, 1)))  # has a 2022 row anyway
    assert d["revenue_3y"] == 15000.0


def test_registered_in_the_evaluation_year_uses_one_year():
    d = derived(enterprise(registered_on=dt.date(2024, 2, 1)))
    assert (d["years_used"], d["revenue_3y"], d["revenue_growth"], d["net_asset_growth"]) == (
        1,
        8000.0,
        0.0,
        0.0,
    )
    assert d["years_since_registration"] == 0


def test_a_missing_year_makes_the_three_year_sums_missing_not_zero():
    d = derived(drop_year(enterprise(), 2023))
    assert d["revenue_3y"] is None and d["rd_ratio_3y"] is None and d["revenue_growth"] is None
    _, _, _, fails = gaoqi(revenue={2023: None})
    assert "rd_ratio:missing" in fails


# ---------------------------------------------------------------- growth (成长性)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((6000.0, 7000.0, 8000.0), 0.5 * (7000 / 6000 + 8000 / 7000) - 1),
        ((0.0, 5000.0, 6000.0), 0.2),  # first year 0 → x3/x2 − 1
        ((5000.0, 0.0, 6000.0), 0.0),  # second year 0 → scores 0
        ((8000.0, 6000.0, 5000.0), 0.5 * (6000 / 8000 + 5000 / 6000) - 1),  # negative
    ],
)
def test_revenue_growth_formula_and_special_cases(values, expected):
    assert derived(enterprise(revenue=values))["revenue_growth"] == pytest.approx(expected)


def test_two_year_growth_with_a_zero_second_to_last_year_is_zero():
    young = drop_year(enterprise(registered_on=dt.date(2023, 3, 1), revenue=(0.0, 0.0, 5000.0)), 2022)
    assert derived(young)["revenue_growth"] == 0.0


@pytest.mark.parametrize(
    ("growth", "points"),
    [
        (0.0, (0, 0)),  # exactly 0 → F (E is "> 0")
        (0.0001, (1, 2)),
        (0.0499, (1, 2)),
        (0.0501, (3, 4)),
        (0.1499, (3, 4)),
        (0.1501, (5, 6)),
        (0.2499, (5, 6)),
        (0.25, (7, 8)),  # exactly at the bound (exact in binary) → the higher bracket
        (0.3499, (7, 8)),
        (0.3501, (9, 10)),
        (-0.2, (0, 0)),  # negative → 0
    ],
)
def test_growth_brackets_on_both_sides_of_each_bound(growth, points):
    # First-year net assets 0, so the rate is x3/x2 − 1 exactly.
    v = verdict("gaoqi", net_assets=(0.0, 1000.0, 1000.0 * (1 + growth)))
    item = next(i for i in v.score_items if i.id == "net_asset_growth")
    assert (item.min, item.max) == points


# ---------------------------------------------------------------- score range


def test_score_range_adds_brackets_and_judged_items():
    v = verdict("gaoqi")
    items = {i.id: (i.min, i.max, i.judged) for i in v.score_items}
    assert items["ip_advanced"] == (0, 8, True)
    assert items["ip_core_support"] == (0, 8, True)
    assert items["ip_quantity"] == (7, 8, False)
    assert items["ip_acquisition"] == (1, 6, True)
    assert items["ip_standards_bonus"] == (0, 0, True)
    assert items["conversion"] == (13, 18, False)
    assert sum(items[k][1] for k in items if k.startswith("rd_management")) == 20
    assert items["revenue_growth"] == (5, 6, False) and items["net_asset_growth"] == (5, 6, False)
    assert set(v.judged_items) >= {"ip_advanced", "ip_core_support", "ip_acquisition", "rd_management_system"}


def test_without_ip_the_judged_ip_items_are_zero():
    v = verdict("gaoqi", ip_class1=0, ip_class2=0)
    ip = [i for i in v.score_items if i.group_id == "ip"]
    assert all((i.min, i.max) == (0, 0) for i in ip)


def test_ip_subtotal_is_capped_at_thirty():
    # 8 + 8 + 8 + 6 + 2 = 32 possible, capped at 30; the minimum is 7 + 1 + 1 = 9.
    row = one(standards_led={2022: 1})
    assert (row["gaoqi_score_min"], row["gaoqi_score_max"]) == (31.0 + 1, 80.0)


def test_standards_bonus_counts_any_year_used():
    v = verdict("gaoqi", standards_led={2022: 2})
    assert next((i.min, i.max) for i in v.score_items if i.id == "ip_standards_bonus") == (1, 2)


@pytest.mark.parametrize(
    ("conversions", "points"),
    [
        ((5, 5, 5), (25, 30)),
        ((5, 5, 4), (19, 24)),
        ((1, 1, 1), (1, 6)),
        ((1, 1, 0), (0, 0)),
        ((0, 0, 0), (0, 0)),
    ],
)
def test_conversion_brackets_use_the_yearly_average(conversions, points):
    v = verdict("gaoqi", conversions=conversions)
    assert next((i.min, i.max) for i in v.score_items if i.id == "conversion") == points


def test_a_maximum_of_seventy_is_a_definite_failure():
    # No growth (flat), one conversion a year, two Ⅱ类 IP: max = 8+8+2+6 + 6 + 20 + 0 + 0 = 50.
    status, lo, hi, fails = gaoqi(
        revenue=8000.0, net_assets=4000.0, conversions=1, ip_class1=0, ip_class2=2, rd_expense=400.0
    )
    assert (status, hi, fails) == ("no", 50.0, ["innovation_score"])
    assert lo == 1 + 1 + 1  # IP 数量 D (1) + 获得方式 (1) + 成果转化 E (1)


def test_pass_mark_is_strict_a_maximum_equal_to_the_mark_fails():
    # The base enterprise scores at most 80: against "> 80" that is a definite failure.
    at_mark = edited("gaoqi", 'pass: {op: ">", mark: 70}', 'pass: {op: ">", mark: 80}')
    row = qualify(*frames(enterprise()), YEAR, [at_mark]).to_dicts()[0]
    assert (row["gaoqi_eligible"], row["gaoqi_score_max"], row["gaoqi_failed"]) == (
        "no",
        80.0,
        "innovation_score",
    )
    below = edited("gaoqi", 'pass: {op: ">", mark: 70}', 'pass: {op: ">", mark: 79}')
    assert qualify(*frames(enterprise()), YEAR, [below])["gaoqi_eligible"].to_list() == ["possible"]


def test_yes_needs_the_minimum_above_the_pass_mark():
    lenient = edited("gaoqi", 'pass: {op: ">", mark: 70}', 'pass: {op: ">", mark: 30}')
    row = qualify(*frames(enterprise()), YEAR, [lenient]).to_dicts()[0]
    assert (row["gaoqi_eligible"], row["gaoqi_score_min"]) == ("yes", 31.0)


def test_missing_input_makes_only_its_condition_unknown():
    assert gaoqi(hightech_revenue={2024: None}) == ("unknown", 31.0, 80.0, ["hightech_revenue_share:missing"])


def test_missing_ip_counts_leave_the_score_open():
    status, lo, hi, fails = gaoqi(ip_class1={2024: None}, ip_class2={2024: None})
    assert status == "unknown" and fails == ["owns_ip:missing", "innovation_score:missing"]
    assert (lo, hi) == (23.0, 80.0)


def test_a_definite_failure_wins_over_unknown_and_possible():
    status, _, _, fails = gaoqi(hightech_revenue={2024: None}, tech_field=None)
    assert status == "no" and fails == ["tech_field", "hightech_revenue_share:missing"]


# ---------------------------------------------------------------- gap text


def test_rd_gap_is_expressed_in_wan_yuan():
    # 2024 revenue 5800 (4% band); three-year revenue 10800, R&D 345.6 = 3.2%.
    v = verdict(
        "gaoqi",
        revenue=(2000.0, 3000.0, 5800.0),
        rd_expense=(100.0, 100.0, 145.6),
        rd_expense_domestic=(100.0, 100.0, 145.6),
        hightech_revenue={2024: 5000.0},
    )
    rd = next(c for c in v.conditions if c.id == "rd_ratio")
    assert rd.status == "fail"
    assert rd.text == "研发费用占比 3.2%，需 ≥ 4%：近三年研发费用还差 86.4 万元"
    assert rd.actual == pytest.approx(0.032) and rd.threshold == 0.04 and rd.shortfall == pytest.approx(86.4)


def test_gap_text_for_other_outcomes():
    v = verdict("gaoqi", revenue={2023: None}, hightech_revenue={2024: 4000.0}, employees={2024: 0})
    text = {c.id: c.text for c in v.conditions}
    assert text["rd_ratio"] == "研发费用占比：缺少数据（2023 年营业收入）"
    assert (
        text["hightech_revenue_share"]
        == "高新技术产品（服务）收入占比 50%，需 ≥ 60%：高新技术产品（服务）收入还差 800 万元"
    )
    assert text["tech_staff_share"] == "科技人员占比：职工总数为 0，比例按不符合处理"
    assert text["registered_1y"] == "成立年限 9 年，需 ≥ 1 年：符合"
    assert text["innovation_score"].endswith("缺少数据（销售收入增长率）")
    base = {c.id: c.text for c in verdict("gaoqi").conditions}
    assert base["innovation_score"] == "创新能力评价得分 31–80 分，需 > 70 分：取决于专家评分"


def test_score_failure_text_says_experts_cannot_rescue_it():
    v = verdict("gaoqi", revenue=8000.0, net_assets=4000.0, conversions=1, ip_class1=0, ip_class2=2)
    text = next(c.text for c in v.conditions if c.id == "innovation_score")
    assert text == "创新能力评价得分最高 50 分，需 > 70 分：即使专家评分取最高仍差 21 分"


def test_derive_returns_one_row_per_registry_enterprise():
    reg, facts = frames(enterprise("A"), enterprise("B"))
    _, stranger = frames(enterprise("X"))  # facts of an enterprise not in the registry are ignored
    out = derive(reg, pl.concat([facts, stranger]), YEAR)
    assert out["credit_code"].to_list() == ["A", "B"]
    assert out["hightech_cert_valid"].to_list() == [False, False]
