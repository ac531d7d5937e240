"""The optimal binning of points against default (optbinning): monotone default rates, and the WoE
and IV of each bin as computed by hand from its counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kechuang.engine.finance.binning import MAX_BINS, points_binning


def test_bins_have_falling_default_rates_and_hand_checked_woe_and_iv():
    rng = np.random.default_rng(4)
    points = rng.uniform(0, 1000, 1500)
    defaulted = rng.random(1500) < 1 / (1 + np.exp((points - 400) / 120))
    b = points_binning(points, defaulted)
    assert b is not None and 2 <= len(b.bins) <= MAX_BINS
    assert sum(x.loans for x in b.bins) == 1500 and sum(x.defaults for x in b.bins) == int(defaulted.sum())
    rates = [x.default_rate for x in b.bins]
    assert rates == sorted(rates, reverse=True)  # higher points, fewer defaults
    assert b.bins[0].low is None and b.bins[-1].high is None
    events, non_events = int(defaulted.sum()), int((~defaulted).sum())
    for x in b.bins:
        inside = (points >= (x.low if x.low is not None else -np.inf)) & (points < (x.high or np.inf))
        assert x.loans == int(inside.sum()) and x.defaults == int(defaulted[inside].sum())
        good, bad = (x.loans - x.defaults) / non_events, x.defaults / events
        assert x.woe == pytest.approx(math.log(good / bad), rel=1e-9)
        assert x.iv == pytest.approx((good - bad) * math.log(good / bad), rel=1e-9)
    assert b.iv > 0.3  # points that strongly separate


def test_points_that_say_nothing_have_a_small_information_value():
    rng = np.random.default_rng(5)
    b = points_binning(rng.uniform(0, 1000, 2000), rng.random(2000) < 0.1)
    assert b is None or b.iv < 0.05


def test_one_class_or_too_few_loans_give_no_binning():
    assert points_binning(np.arange(100.0), np.zeros(100, dtype=bool)) is None
    assert points_binning(np.arange(10.0), np.arange(10) % 2 == 0) is None
