"""Plan evaluation: the Student-t probability and band, and the Open SDG progress measure.

Expected values are computed here independently: the regression with scipy.stats.linregress on the
raw years, the probability with scipy.stats.t, Open SDG by its published formulas.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from kechuang.engine.plan_eval import evaluate

CITY = "441900"


def indicator(code="x", **overrides) -> dict:
    row = {
        "code": code,
        "name": code,
        "unit": "%",
        "direction": 1,
        "baseline_year": 2017,
        "baseline_value": 10.0,
        "target_year": 2030,
        "target_value": 22.0,
        "growth_model": None,
        "kind": "share",
        "weight": 1.0,
    }
    row.update(overrides)
    return row


def evaluate_one(ind: dict, values: dict[int, float], as_of: int) -> dict:
    indicators = pl.DataFrame([ind], schema_overrides={"growth_model": pl.Utf8, "baseline_year": pl.Int64})
    obs = pl.DataFrame(
        {"indicator": ind["code"], "region": CITY, "year": list(values), "value": list(values.values())}
    )
    results = evaluate(indicators, obs, as_of)
    assert results.height == 1
    return results.row(0, named=True)


def by_hand(years, values, target_year, target, direction, log=False):
    """OLS prediction at the target year, its prediction s.e., P(reaching the target), 80% band."""
    x = np.asarray(years, dtype=float)
    y = np.log(values) if log else np.asarray(values, dtype=float)
    fit = stats.linregress(x, y)
    n = len(x)
    resid = y - (fit.intercept + fit.slope * x)
    s = math.sqrt((resid**2).sum() / (n - 2))
    se = s * math.sqrt(1 + 1 / n + (target_year - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    pred = fit.intercept + fit.slope * target_year
    goal = math.log(target) if log else target
    if direction == 1:
        probability = stats.t.sf((goal - pred) / se, n - 2)  # P(value ≥ target)
    else:
        probability = stats.t.cdf((goal - pred) / se, n - 2)  # P(value ≤ target)
    q = stats.t.ppf(0.9, n - 2)
    low, high = pred - q * se, pred + q * se
    if log:
        pred, low, high = math.exp(pred), math.exp(low), math.exp(high)
    return fit.slope, pred, probability, low, high


NOISY = {2015: 3.0, 2017: 10.0, 2018: 11.2, 2019: 11.9, 2020: 13.4, 2021: 13.8, 2022: 15.1}
WINDOW = [2017, 2018, 2019, 2020, 2021, 2022]  # [2022 − 5, 2022]; 2015 is outside


def test_probability_linear_matches_a_hand_computation():
    r = evaluate_one(indicator(), NOISY, 2022)
    slope, pred, probability, low, high = by_hand(WINDOW, [NOISY[y] for y in WINDOW], 2030, 22.0, 1)
    assert r["n_window"] == 6
    assert r["observed_rate"] == pytest.approx(slope, rel=1e-9)
    assert r["projected_value"] == pytest.approx(pred, rel=1e-9)
    assert r["probability"] == pytest.approx(probability, rel=1e-7)
    assert 0.05 < r["probability"] < 0.95  # a real uncertainty, not a degenerate case
    assert (r["projected_low"], r["projected_high"]) == (pytest.approx(low), pytest.approx(high))


def test_probability_compound_is_computed_on_the_log_scale():
    values = {2017: 100.0, 2018: 108.0, 2019: 119.0, 2020: 127.0, 2021: 140.0, 2022: 150.0}
    ind = indicator(unit="亿元", baseline_value=100.0, target_value=260.0)
    r = evaluate_one(ind, values, 2022)
    slope, pred, probability, low, high = by_hand(WINDOW, list(values.values()), 2030, 260.0, 1, log=True)
    assert r["growth_model"] == "compound"
    assert r["observed_rate"] == pytest.approx(math.exp(slope) - 1, rel=1e-9)
    assert r["projected_value"] == pytest.approx(pred, rel=1e-9)
    assert r["probability"] == pytest.approx(probability, rel=1e-7)
    assert (r["projected_low"], r["projected_high"]) == (pytest.approx(low), pytest.approx(high))
    assert r["projected_low"] < r["projected_value"] < r["projected_high"]


def test_probability_lower_is_better():
    values = {2017: 20.0, 2018: 19.1, 2019: 18.5, 2020: 17.2, 2021: 16.9, 2022: 15.8}
    ind = indicator(direction=-1, baseline_value=20.0, target_value=10.0)
    r = evaluate_one(ind, values, 2022)
    _, pred, probability, _, _ = by_hand(WINDOW, list(values.values()), 2030, 10.0, -1)
    assert r["projected_value"] == pytest.approx(pred)
    assert r["probability"] == pytest.approx(probability, rel=1e-7)
    assert 0.05 < r["probability"] < 0.95


@pytest.mark.parametrize(("target", "expected"), [(20.0, 1.0), (30.0, 0.0)])
def test_a_perfect_line_gives_probability_one_or_zero(target, expected):
    # 10, 11, 12 (2020–2022): s = 0, the line reaches 20 in 2030
    ind = indicator(baseline_year=2020, target_value=target)
    r = evaluate_one(ind, {2020: 10.0, 2021: 11.0, 2022: 12.0}, 2022)
    assert r["probability"] == expected
    assert r["projected_low"] == r["projected_high"] == pytest.approx(20.0)


def test_two_observations_give_no_probability_and_no_band():
    r = evaluate_one(indicator(baseline_year=2021), {2021: 10.0, 2022: 11.0}, 2022)
    assert r["n_window"] == 2 and r["projected_value"] == pytest.approx(19.0)
    assert r["probability"] is None and r["projected_low"] is None and r["projected_high"] is None


# --- Open SDG -----------------------------------------------------------------------------------


def opensdg_by_hand(base, current, target, t0, t, target_year, direction=1):
    base = 0.001 if base == 0 else base
    target = 0.001 if target == 0 else target
    cagr_observed = (current / base) ** (1 / (t - t0)) - 1
    cagr_required = (target / base) ** (1 / (target_year - t0)) - 1
    sign = -1 if base < 0 else 1
    return sign * direction * cagr_observed / abs(cagr_required)


def score_by_hand(v):
    return min(7.1429 * v - 4.2857, 5) if v >= 0.6 else max(4.1667 * v - 2.5, -5)


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (150.0, "substantial_progress"),  # score capped at 5
        (116.0, "substantial_progress"),  # v ≈ 1.07
        (114.0, "moderate_progress"),  # v ≈ 0.943, just under 0.95
        (104.0, "limited_progress"),  # v ≈ 0.28
        (95.0, "deterioration"),  # v ≈ −0.35
        (50.0, "deterioration"),  # score floored at −5
    ],
)
def test_opensdg_status_and_score(current, status):
    ind = indicator(baseline_year=2020, baseline_value=100.0, target_value=200.0)
    r = evaluate_one(ind, {2020: 100.0, 2022: current}, 2022)
    v = opensdg_by_hand(100.0, current, 200.0, 2020, 2022, 2030)
    assert r["opensdg_progress_value"] == pytest.approx(v)
    assert r["opensdg_status"] == status
    assert r["opensdg_score"] == pytest.approx(score_by_hand(v))


def test_opensdg_thresholds_are_inclusive():
    # choose the current value so that v is exactly on a threshold (up to rounding)
    growth_t = 2 ** (1 / 10) - 1
    for v, status in [(0.6 + 1e-9, "moderate_progress"), (0.0, "limited_progress")]:
        current = 100.0 * (1 + v * growth_t) ** 2
        ind = indicator(baseline_year=2020, baseline_value=100.0, target_value=200.0)
        r = evaluate_one(ind, {2020: 100.0, 2022: current}, 2022)
        assert r["opensdg_status"] == status


def test_opensdg_lower_is_better():
    ind = indicator(direction=-1, baseline_year=2020, baseline_value=100.0, target_value=50.0)
    r = evaluate_one(ind, {2020: 100.0, 2022: 90.0}, 2022)
    v = opensdg_by_hand(100.0, 90.0, 50.0, 2020, 2022, 2030, direction=-1)
    assert v == pytest.approx(0.766, abs=1e-3)
    assert r["opensdg_progress_value"] == pytest.approx(v)
    assert r["opensdg_status"] == "moderate_progress"
    assert r["opensdg_score"] == pytest.approx(7.1429 * v - 4.2857)


def test_opensdg_base_of_zero_is_replaced():
    ind = indicator(baseline_year=2020, baseline_value=0.0, target_value=10.0)
    r = evaluate_one(ind, {2020: 0.0, 2022: 2.0}, 2022)
    assert r["opensdg_progress_value"] == pytest.approx(opensdg_by_hand(0.0, 2.0, 10.0, 2020, 2022, 2030))
    assert r["opensdg_status"] == "substantial_progress" and r["opensdg_score"] == 5.0


def test_opensdg_base_is_the_first_year_with_data_from_the_baseline_year_on():
    # the plan's baseline year 2020 has no observation: Open SDG starts in 2021
    ind = indicator(baseline_year=2020, baseline_value=100.0, target_value=200.0)
    r = evaluate_one(ind, {2019: 90.0, 2021: 105.0, 2023: 115.0}, 2023)
    assert r["opensdg_progress_value"] == pytest.approx(
        opensdg_by_hand(105.0, 115.0, 200.0, 2021, 2023, 2030)
    )


def test_opensdg_not_available_with_one_year_or_a_change_of_sign():
    ind = indicator(baseline_year=2020, baseline_value=5.0, target_value=10.0)
    single = evaluate_one(ind, {2020: 5.0}, 2022)
    assert single["opensdg_progress_value"] is None and single["opensdg_status"] == "not_available"
    assert single["opensdg_score"] is None
    flipped = evaluate_one(ind, {2020: -5.0, 2022: 5.0}, 2022)
    assert flipped["opensdg_progress_value"] is None and flipped["opensdg_status"] == "not_available"
