"""Points model files: the shipped sample is valid; every bad file is refused with a Chinese message
naming the entry and the field."""

from __future__ import annotations

import pytest

from kechuang.engine.points import PointsModelError, load_model, parse_model, sample_model_path

GOOD = """
code: m
name: 模型
scale: 1000
stages:
  - {code: startup, name: 初创期, when: "revenue < 2000 OR years_since_registration < 3"}
  - {code: growth, name: 成长期, when: "revenue < 20000"}
  - {code: mature, name: 稳定期, when: "TRUE"}
indicators:
  - {code: rd_expense, name: 研发费用, group: tech_innovation, expr: "rd_expense",
     weights: {startup: 600, growth: 700, mature: 800}}
  - {code: revenue, name: 营业收入, group: growth_operation, expr: "revenue",
     weights: {startup: 400, growth: 300, mature: 200}}
exclusions:
  - {code: abnormal, name: 列入经营异常名录或严重违法失信名单, when: "abnormal_listed"}
tiers:
  - {code: leading, name: 创新领跑, top: 0.05}
  - {code: racing, name: 创新竞跑, top: 0.10}
"""


def _error(text: str) -> str:
    with pytest.raises(PointsModelError) as info:
        parse_model(text)
    return str(info.value)


def test_the_shipped_sample_model():
    m = load_model(sample_model_path())
    assert m.code == "dongguan-sample-2026" and m.status == "sample" and m.is_sample
    assert m.scale == 1000 and len(m.indicators) == 18
    assert [g.code for g in m.group_list()] == ["tech_innovation", "growth_operation", "auxiliary"]
    names = {i.name for i in m.indicators}
    assert {"研发投入强度", "技术合同成交额", "高新技术产品收入", "承担科技计划项目"} <= names
    assert any(i.expr == "funded_projects" for i in m.indicators)
    for s in m.stages:
        assert sum(i.weights[s.code] for i in m.indicators if not i.bonus) == 1000
    assert [(t.name, t.top) for t in m.tiers] == [("创新领跑", 0.05), ("创新竞跑", 0.10), ("创新进取", 0.20)]


def test_a_good_model_and_its_defaults():
    m = parse_model(GOOD)
    assert m.status == "sample"  # status left out: a sample
    assert [g.code for g in m.group_list()] == ["tech_innovation", "growth_operation", "auxiliary", "local"]
    assert m.output_columns()[-2:] == ["rd_expense_points", "revenue_points"]


def test_an_unquoted_true_in_a_condition_is_the_sql_literal():
    m = parse_model(GOOD.replace('when: "TRUE"', "when: TRUE"))
    assert m.stages[-1].when == "TRUE"


def test_the_content_hash_ignores_layout_but_not_content():
    a = parse_model(GOOD)
    b = parse_model(GOOD.replace("code: m\n", "# a comment\ncode:    m\n"))
    c = parse_model(GOOD.replace("top: 0.10", "top: 0.15"))
    assert a.content_hash() == b.content_hash() != c.content_hash()


def test_a_stage_missing_from_an_indicators_weights():
    msg = _error(
        GOOD.replace(
            "weights: {startup: 400, growth: 300, mature: 200}", "weights: {startup: 400, mature: 200}"
        )
    )
    assert "indicators[1].weights：缺少阶段 growth 的权重" in msg and "revenue" in msg


def test_weights_of_a_stage_not_adding_up_to_the_scale():
    msg = _error(GOOD.replace("growth: 300", "growth: 290"))
    assert "stages[1]" in msg and "growth" in msg and "990" in msg and "scale 1000" in msg


def test_bonus_indicators_are_outside_the_scale():
    bonus = (
        '  - {code: award, name: 获奖加分, group: local, expr: "CASE WHEN national_award_5y THEN 1 ELSE 0 END",'
        " bonus: true, weights: {startup: 30, growth: 30, mature: 30}}\n"
    )
    m = parse_model(GOOD.replace("exclusions:", bonus + "exclusions:"))
    assert m.indicators[-1].bonus
    msg = _error(GOOD.replace("exclusions:", bonus.replace(" bonus: true,", "") + "exclusions:"))
    assert "1030" in msg


def test_an_unknown_column():
    msg = _error(GOOD.replace('expr: "revenue"', 'expr: "revenue_total"'))
    assert "indicators[1].expr" in msg and "未知的列 revenue_total" in msg
    msg = _error(GOOD.replace('when: "abnormal_listed"', 'when: "blacklisted"'))
    assert "exclusions[0].when" in msg and "blacklisted" in msg
    msg = _error(GOOD.replace('when: "revenue < 20000"', 'when: "turnover < 20000"'))
    assert "stages[1].when" in msg and "turnover" in msg


def test_a_condition_that_is_not_yes_or_no_and_a_value_that_is_not_a_number():
    assert "stages[1].when" in _error(GOOD.replace('when: "revenue < 20000"', 'when: "revenue"'))
    assert "indicators[0].expr" in _error(GOOD.replace('expr: "rd_expense"', 'expr: "industry_code"'))


def test_a_syntax_error():
    msg = _error(GOOD.replace('expr: "rd_expense"', 'expr: "rd_expense +* 2"'))
    assert "indicators[0].expr" in msg and "无法解析" in msg


def test_an_unknown_stage_group_and_negative_weight():
    assert "indicators[0].weights：阶段 boom 不在 stages 中" in _error(
        GOOD.replace("mature: 800}", "mature: 800, boom: 1}")
    )
    assert "indicators[1].group：分组 finance" in _error(
        GOOD.replace("group: growth_operation", "group: finance")
    )
    assert "indicators[0].weights.startup" in _error(
        GOOD.replace("startup: 600", "startup: -600").replace("startup: 400", "startup: 1600")
    )


def test_missing_required_keys_and_unknown_keys():
    assert "name：缺少必填项" in _error(GOOD.replace("name: 模型\n", ""))
    assert "stages：缺少必填项" in _error(GOOD.split("stages:")[0])
    assert "indicators[0].weight：不认识的键" in _error(
        GOOD.replace("weights: {startup: 600", "weight: {startup: 600")
    )
    assert "status" in _error(GOOD.replace("scale: 1000", "status: draft\nscale: 1000"))
    assert "indicators[0].weights.growth：须为数字" in _error(GOOD.replace("growth: 700", "growth: seventy"))


def test_duplicate_codes_reserved_codes_and_tier_order():
    assert "indicators[1].code：编号 rd_expense 重复" in _error(
        GOOD.replace("code: revenue,", "code: rd_expense,")
    )
    assert "exclusions[0].code：no_facts 是保留编号" in _error(
        GOOD.replace("code: abnormal", "code: no_facts")
    )
    assert "tiers[1].top" in _error(GOOD.replace("top: 0.10", "top: 0.01"))
    assert "tiers[1].top" in _error(GOOD.replace("top: 0.10", "top: 1.5"))


def test_not_yaml_and_not_a_mapping():
    assert "YAML" in _error("code: [unclosed")
    assert "顶层" in _error("- a\n- b\n")
