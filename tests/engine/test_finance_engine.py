"""The pure finance engine: product files, their evaluation, validation figures against hand-computed
cases, and the recalibration fit."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from kechuang.engine.finance import (
    ProductError,
    deciles,
    discrimination,
    evaluate,
    finance_frame,
    fit_weights,
    parse_product,
    points_with,
    psi,
    unit_model,
    with_weights,
)
from kechuang.engine.points import load_model

FIELDS = frozenset({"name", "revenue", "invention_patents", "ip_class1"})

GOOD = """
code: test_dai
name: 测试贷
bank: bank_icbc_dg
eligibility:
  - {code: scored, name: 已参评, when: "scored"}
  - {code: points, name: 积分不低于 50 分, when: "points_100 >= 50"}
credit_line: {expr: "points_100 * 10 + ip_class1 * 100", max: 1000}
term_months: {min: 6, max: 36}
rate: {min: 3, max: 4}
fields: [name, revenue]
"""


def test_a_good_product_is_a_sample_unless_it_says_confirmed():
    p = parse_product(GOOD, FIELDS)
    assert p.is_sample and p.code == "test_dai" and len(p.eligibility) == 2
    assert p.content_hash() == parse_product(GOOD + "\n# comment\n", FIELDS).content_hash()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("points_100 >= 50", "nonsense_col >= 50"),
            "eligibility[1].when（条件 points 积分不低于 50 分）：使用了未知的列 nonsense_col",
        ),
        (
            ('"scored"', '"revenue"'),
            "eligibility[0].when（条件 scored 已参评）：条件「revenue」的结果须为是/否",
        ),
        (
            ("fields: [name, revenue]", "fields: [name, tax_secret]"),
            "fields[1]：tax_secret 不是可向银行提供的字段",
        ),
        (("max: 1000", "max: -5"), "credit_line.max：额度上限须为正数"),
        (("rate: {min: 3, max: 4}", "rate: {min: 5, max: 4}"), "rate：须满足 0 ≤ min ≤ max ≤ 100"),
        (("bank: bank_icbc_dg\n", "bank: bank_icbc_dg\nbanks: x\n"), "banks：不认识的键"),
        (("code: test_dai", "code: 1bad"), "code：编号只能由英文字母、数字和下划线组成"),
        (("bank: bank_icbc_dg\n", ""), "bank：缺少必填项"),
    ],
)
def test_product_errors_are_chinese_and_name_entry_and_field(change, message):
    with pytest.raises(ProductError) as exc:
        parse_product(GOOD.replace(*change), FIELDS)
    assert message in str(exc.value)


def test_evaluate_gives_eligibility_reasons_and_a_clipped_line():
    p = parse_product(GOOD, FIELDS)
    derived = pl.DataFrame(
        {"credit_code": ["A", "B", "C", "D"], "ip_class1": [1, 20, None, 0]},
        schema={"credit_code": pl.Utf8, "ip_class1": pl.Int64},
    )
    scores = pl.DataFrame(
        {
            "credit_code": ["A", "B", "C", "D"],
            "excluded": [None, None, None, "abnormal"],
            "points": [600.0, 900.0, 400.0, None],
            "stage": ["startup", "growth", "growth", "mature"],
        }
    )
    out = evaluate(finance_frame(derived, scores, 1000), [p]).sort("credit_code")
    assert out["eligible"].to_list() == [True, True, False, False]
    # A: 60 × 10 + 1 × 100 = 700; B: 900 + 2000 → the maximum 1000; C: 40 × 10 + (missing IP as 0);
    # D: no points → the formula is NULL → 0
    assert out["line"].to_list() == [700.0, 1000.0, 400.0, 0.0]
    assert out["checks"].to_list() == [[True, True], [True, True], [True, False], [False, False]]


def test_auc_ks_gini_against_a_hand_computed_case():
    # defaults at points 10 and 30, the others at 20 and 40: of the 4 (default, other) pairs,
    # 3 have the defaulter lower → AUC 0.75, Gini 0.5; cumulative TPR−FPR peaks at 0.5 → KS 0.5
    d = discrimination(np.array([10, 20, 30, 40]), np.array([1, 0, 1, 0]))
    assert (d.n, d.defaults) == (4, 2)
    assert d.auc == pytest.approx(0.75) and d.gini == pytest.approx(0.5) and d.ks == pytest.approx(0.5)


def test_one_class_only_gives_no_figures():
    d = discrimination(np.array([1.0, 2.0]), np.array([0, 0]))
    assert d.auc is None and d.ks is None and d.gini is None


def test_deciles_by_points_with_default_rate_and_growth():
    frame = pl.DataFrame(
        {
            "points": [float(p) for p in range(1, 21)],
            "defaulted": [p <= 3 for p in range(1, 21)],
            "revenue_growth_next": [0.1] * 20,
            "rd_growth_next": [None] * 18 + [0.5, 0.3],
        }
    )
    table = deciles(frame)
    assert table["decile"].to_list() == list(range(1, 11))
    assert table["loans"].to_list() == [2] * 10
    assert table["default_rate"].to_list()[:3] == [1.0, 0.5, 0.0]
    assert table["rd_growth_next"].to_list()[-1] == pytest.approx(0.4)


def test_psi_against_a_hand_computed_case():
    expected = np.arange(1, 11, dtype=float)  # one value per decile bin: shares 0.1
    actual = np.array([1.0] * 5 + [10.0] * 5)  # half in the first bin, half in the last, none between
    hand = 2 * (0.5 - 0.1) * math.log(0.5 / 0.1) + 8 * (1e-4 - 0.1) * math.log(1e-4 / 0.1)
    assert psi(expected, actual) == pytest.approx(hand)
    assert psi(expected, expected) == pytest.approx(0.0)


MODEL = """
code: t
name: 测试模型
scale: 100
stages:
  - {code: s1, name: 一期, when: "revenue < 1000"}
  - {code: s2, name: 二期, when: "TRUE"}
indicators:
  - {code: good, name: 好指标, group: tech_innovation, expr: "rd_expense", weights: {s1: 50, s2: 50}}
  - {code: noise, name: 噪声, group: tech_innovation, expr: "employees", weights: {s1: 50, s2: 50}}
"""


def test_recalibration_weights_the_indicator_that_predicts_default_and_keeps_the_scale():
    model = load_model(MODEL)
    rng = np.random.default_rng(1)
    n = 2000
    good, noise = rng.random(n), rng.random(n)
    defaulted = rng.random(n) < 1 / (1 + np.exp(-(1.0 - 5.0 * good)))
    shares = pl.DataFrame(
        {"stage": rng.choice(["s1", "s2"], n), "defaulted": defaulted, "good": good, "noise": noise}
    )
    fits = fit_weights(shares, model)
    for f in fits:
        assert f.source == "stage"
        assert f.weights["good"] > 85 and f.weights["good"] + f.weights["noise"] == pytest.approx(100)
    proposed = with_weights(model, fits)
    new = discrimination(points_with(shares, proposed).to_numpy(), defaulted)
    old = discrimination(points_with(shares, model).to_numpy(), defaulted)
    assert new.auc > old.auc


def test_too_few_defaults_keep_the_current_weights():
    model = load_model(MODEL)
    shares = pl.DataFrame(
        {
            "stage": ["s1"] * 30,
            "defaulted": [True] * 3 + [False] * 27,
            "good": [0.5] * 30,
            "noise": [0.5] * 30,
        }
    )
    fits = fit_weights(shares, model)
    assert [f.source for f in fits] == ["current", "current"]
    assert fits[0].weights == {"good": 50.0, "noise": 50.0}


def test_the_unit_model_has_every_weight_one_and_no_scale():
    unit = unit_model(load_model(MODEL))
    assert unit.scale is None and all(set(i.weights.values()) == {1.0} for i in unit.indicators)
