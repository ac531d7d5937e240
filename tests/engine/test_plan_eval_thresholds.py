"""Values exactly on a threshold are on it (issue 7): binary floating-point noise does not decide.

Plan evaluation rounds each figure it compares with a threshold as the rule engine does (half away from
zero to RATIO_DIGITS decimals); the figures it returns stay unrounded.
"""

from __future__ import annotations

import pytest

from tests.engine.test_plan_eval import indicator, one


def test_exactly_on_schedule_is_on_schedule():
    # 40.1 (2020) → 41.0 (2030); 40.55 in 2025 is half the way at half the time: 0.45 / 0.9 = 0.5,
    # which floats compute as 0.49999999999999606
    r = one(indicator(baseline_value=40.1, target_value=41.0), {2020: 40.1, 2025: 40.55}, 2025)
    assert r["time_elapsed"] == 0.5 and r["progress"] == pytest.approx(0.5)
    assert r["on_schedule"] is True
    # the trend ratio is exactly 1 as well: 0.09 a year observed, 0.09 a year required
    assert r["observed_rate"] == pytest.approx(r["required_rate"])
    assert r["trend"] == "on_track" and r["warning"] == "green"


def test_just_behind_schedule_is_behind():
    r = one(indicator(baseline_value=40.1, target_value=41.0), {2020: 40.1, 2025: 40.54}, 2025)
    assert r["progress"] < 0.5 and r["on_schedule"] is False


@pytest.mark.parametrize(
    ("target", "trend"),
    [
        (13.1, "on_track"),  # required (13.1 − 10.7) / 8 = 0.3 = observed: ratio exactly 1
        (13.2, "moderately_improving"),  # ratio 0.96
        (15.5, "moderately_improving"),  # required 0.6: ratio exactly 0.5
        (15.6, "stagnating"),  # ratio 0.49
    ],
)
def test_trend_ratios_exactly_on_1_and_0_5_count_as_reached(target, trend):
    # 10.1, 10.4, 10.7 in 2020–2022: 0.3 a year (0.29999999999999966 in floats)
    ind = indicator(baseline_value=10.1, target_value=target)
    r = one(ind, {2020: 10.1, 2021: 10.4, 2022: 10.7}, 2022)
    assert r["trend"] == trend


def test_a_value_equal_to_the_target_up_to_float_noise_achieves_it():
    # lower is better, target 0.3; the latest value 0.1 + 0.2 = 0.30000000000000004 meets it
    ind = indicator(direction=-1, baseline_value=1.0, target_value=0.3)
    r = one(ind, {2020: 1.0, 2022: 0.1 + 0.2}, 2022)
    assert r["achieved"] is True and r["trend"] == "achieved" and r["warning"] == "green"
    assert r["latest_value"] == 0.1 + 0.2  # returned unrounded


@pytest.mark.parametrize(
    ("base", "target", "v", "status"),
    [
        (40.1, 41.0, 0.95, "substantial_progress"),  # computed as 0.94999999999999
        (250.0, 6500.0, 0.6, "moderate_progress"),  # computed as 0.5999999999999999
        (100.0, 200.0, 0.0, "limited_progress"),
    ],
)
def test_opensdg_thresholds_0_95_0_6_and_0_are_inclusive(base, target, v, status):
    growth = (target / base) ** (1 / 10) - 1  # the required yearly growth, 2020 → 2030
    current = base * (1 + v * growth) ** 2  # two years at v times that growth
    ind = indicator(baseline_value=base, target_value=target, unit="亿元")
    r = one(ind, {2020: base, 2022: current}, 2022)
    assert r["opensdg_progress_value"] == pytest.approx(v, abs=1e-12)
    assert r["opensdg_status"] == status
