"""The hold-out check: weights fitted on some loans are judged on others, and a fit that only
describes its own loans is reported as overfitted and not better than the current weights."""

from __future__ import annotations

import numpy as np
import polars as pl

from kechuang.engine.finance import holdout_check, random_split
from kechuang.engine.points import parse_model

MODEL = parse_model(
    """
code: holdout-test
name: 留出检验
scale: 100
stages:
  - {code: all, name: 全部, when: "TRUE"}
indicators:
  - {code: a, name: 指标甲, group: tech_innovation, expr: "revenue", weights: {all: 20}}
  - {code: b, name: 指标乙, group: tech_innovation, expr: "rd_expense", weights: {all: 80}}
"""
)


def _loans(n: int, seed: int, a_effect: float, b_effect: float) -> pl.DataFrame:
    """Loans whose default risk falls with share a by a_effect and with share b by b_effect."""
    rng = np.random.default_rng(seed)
    a, b = rng.random(n), rng.random(n)
    risk = 1 / (1 + np.exp(-(a_effect * (0.5 - a) + b_effect * (0.5 - b))))
    return pl.DataFrame({"stage": ["all"] * n, "defaulted": rng.random(n) < risk, "a": a, "b": b})


def test_weights_good_only_on_their_own_loans_are_reported_as_overfitted():
    # earlier years: a strongly separates; the year itself: a works the other way round, b still works
    fit = _loans(600, 1, a_effect=8.0, b_effect=1.0)
    test = _loans(600, 2, a_effect=-6.0, b_effect=3.0)
    check = holdout_check(fit, test, MODEL, "time", (2023,), (2024,))
    weights = check.fits[0].weights
    assert weights["a"] > weights["b"]  # the fit put its weight on a
    assert check.in_sample.auc > 0.75
    assert check.holdout.auc < 0.5
    assert check.overfit and not check.beats_current
    assert check.current_holdout.auc > check.holdout.auc


def test_weights_that_hold_on_later_loans_pass_and_beat_the_current_ones():
    fit = _loans(800, 3, a_effect=6.0, b_effect=0.0)
    test = _loans(800, 4, a_effect=6.0, b_effect=0.0)
    check = holdout_check(fit, test, MODEL, "time", (2023,), (2024,))
    assert check.holdout.auc > 0.7 and abs(check.holdout.auc - check.in_sample.auc) < 0.05
    assert not check.overfit and check.beats_current
    assert check.proposed_model is not None
    assert sum(i.weights["all"] for i in check.proposed_model.indicators) == 100


def test_too_few_defaults_keep_the_current_weights_and_propose_nothing():
    fit = _loans(40, 5, a_effect=1.0, b_effect=1.0).with_columns(defaulted=pl.lit(False))
    test = _loans(200, 6, a_effect=2.0, b_effect=2.0)
    check = holdout_check(fit, test, MODEL, "time")
    assert check.proposed_model is None and not check.beats_current
    assert check.fits[0].source == "current"


def test_the_random_split_holds_out_a_stratified_thirty_percent_every_time_the_same():
    loans = _loans(1000, 7, a_effect=3.0, b_effect=0.0)
    fit, test = random_split(loans)
    assert (fit.height, test.height) == (700, 300)
    share = loans["defaulted"].mean()
    assert abs(test["defaulted"].mean() - share) < 0.01
    again = random_split(loans)[1]
    assert again.equals(test)
    assert pl.concat([fit, test]).sort("a").equals(loans.sort("a"))
