"""Plan evaluation engine, case by case (issue 3, section 3).

Every expected figure is worked out here by hand from the definitions, on small numbers.
Statistics (probability, band) and Open SDG are in test_plan_eval_stats.py; tasks in test_plan_tasks.py.
"""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.plan_eval import (
    OPENSDG_LABELS,
    OUTPUT_SCHEMA,
    TREND_LABELS,
    WARNING_LABELS,
    evaluate,
    plan_index,
    plan_index_by_region,
)

CITY = "441900"
R1, R2, R3 = "441901", "441902", "441903"


def indicator(code="x", **overrides) -> dict:
    row = {
        "code": code,
        "name": f"指标{code}",
        "unit": "%",
        "direction": 1,
        "baseline_year": 2020,
        "baseline_value": 10.0,
        "target_year": 2030,
        "target_value": 20.0,
        "growth_model": None,
        "kind": "share",
        "weight": 1.0,
    }
    row.update(overrides)
    return row


def indicators(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema={
            "code": pl.Utf8,
            "name": pl.Utf8,
            "unit": pl.Utf8,
            "direction": pl.Int64,
            "baseline_year": pl.Int64,
            "baseline_value": pl.Float64,
            "target_year": pl.Int64,
            "target_value": pl.Float64,
            "growth_model": pl.Utf8,
            "kind": pl.Utf8,
            "weight": pl.Float64,
        },
    )


def series(code: str, values: dict[int, float], region: str = CITY) -> list[dict]:
    return [{"indicator": code, "region": region, "year": y, "value": v} for y, v in values.items()]


def observations(*groups: list[dict]) -> pl.DataFrame:
    rows = [r for g in groups for r in g]
    schema = {"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int64, "value": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def row(results: pl.DataFrame, code: str = "x", region: str = CITY) -> dict:
    found = results.filter((pl.col.code == code) & (pl.col.region == region))
    assert found.height == 1, f"expected one row for {code}/{region}, got {found.height}"
    return found.row(0, named=True)


def one(ind: dict, values: dict[int, float], as_of: int) -> dict:
    return row(evaluate(indicators(ind), observations(series(ind["code"], values)), as_of), ind["code"])


# --- output shape -------------------------------------------------------------------------------


def test_columns_are_the_json_names_in_order():
    results = evaluate(indicators(indicator()), observations(series("x", {2020: 10.0})), 2022)
    assert results.columns == [
        "code", "name", "unit", "region", "baseline_year", "baseline_value", "baseline_source",
        "target_year", "target_value", "latest_year", "latest_value", "time_elapsed", "progress",
        "on_schedule", "achieved", "growth_model", "observed_rate", "required_rate", "trend",
        "projected_value", "probability", "warning", "stale", "opensdg_progress_value",
        "opensdg_status", "opensdg_score", "projected_low", "projected_high", "n_window",
    ]  # fmt: skip
    assert dict(results.schema) == OUTPUT_SCHEMA


# --- trend classes ------------------------------------------------------------------------------


def test_on_track_linear():
    # b = 10 (2020), T = 20 (2030); 10, 11, 12 in 2020–2022: slope 1; required (20 − 12)/(2030 − 2022) = 1
    r = one(indicator(), {2020: 10.0, 2021: 11.0, 2022: 12.0}, 2022)
    assert r["baseline_source"] == "plan" and (r["baseline_year"], r["baseline_value"]) == (2020, 10.0)
    assert (r["latest_year"], r["latest_value"]) == (2022, 12.0)
    assert r["time_elapsed"] == pytest.approx(2 / 10)
    assert r["progress"] == pytest.approx(2 / 10)
    assert r["on_schedule"] is True and r["achieved"] is False
    assert r["growth_model"] == "linear"
    assert r["observed_rate"] == pytest.approx(1.0)
    assert r["required_rate"] == pytest.approx(1.0)
    assert r["trend"] == "on_track"
    assert r["projected_value"] == pytest.approx(12 + 1 * 8)
    assert r["warning"] == "green" and r["stale"] is False
    assert r["n_window"] == 3


def test_moderately_improving_is_yellow_when_behind_schedule():
    # slope 0.8; required (20 − 11.6)/8 = 1.05; r = 0.762; progress 1.6/10 = 0.16 < 0.2 elapsed
    r = one(indicator(), {2020: 10.0, 2021: 10.8, 2022: 11.6}, 2022)
    assert r["observed_rate"] == pytest.approx(0.8)
    assert r["required_rate"] == pytest.approx(1.05)
    assert r["trend"] == "moderately_improving"
    assert r["progress"] == pytest.approx(0.16) and r["on_schedule"] is False
    assert r["warning"] == "yellow"


def test_stagnating_behind_schedule_is_red():
    # slope 0.5; required (20 − 11)/8 = 1.125; r = 0.444
    r = one(indicator(), {2020: 10.0, 2021: 10.5, 2022: 11.0}, 2022)
    assert r["observed_rate"] == pytest.approx(0.5)
    assert r["required_rate"] == pytest.approx(1.125)
    assert r["trend"] == "stagnating"
    assert r["on_schedule"] is False and r["warning"] == "red"


def test_stagnating_but_on_schedule_is_green():
    # baseline 2016 = 10, target 16 in 2030; a jump in 2017, then slow growth in the window 2019–2024
    values = {2016: 10.0, 2017: 13.0, 2018: 13.2, 2019: 13.4, 2020: 13.5, 2021: 13.6, 2022: 13.7}
    values |= {2023: 13.8, 2024: 14.0}
    r = one(indicator(baseline_year=2016, target_value=16.0), values, 2024)
    xs = [2019, 2020, 2021, 2022, 2023, 2024]
    ys = [values[x] for x in xs]
    xm, ym = sum(xs) / 6, sum(ys) / 6
    slope = sum((x - xm) * (y - ym) for x, y in zip(xs, ys, strict=True)) / sum((x - xm) ** 2 for x in xs)
    required = (16 - 14.0) / (2030 - 2024)
    assert r["n_window"] == 6
    assert r["observed_rate"] == pytest.approx(slope)
    assert r["required_rate"] == pytest.approx(required)
    assert 0 < slope / required < 0.5 and r["trend"] == "stagnating"
    assert r["progress"] == pytest.approx(4 / 6) and r["time_elapsed"] == pytest.approx(8 / 14)
    assert r["on_schedule"] is True and r["warning"] == "green"


def test_decreasing_behind_schedule_is_red():
    r = one(indicator(), {2020: 10.0, 2021: 9.5, 2022: 9.0}, 2022)
    assert r["observed_rate"] == pytest.approx(-0.5)
    assert r["trend"] == "decreasing"
    assert r["progress"] == pytest.approx(-0.1)
    assert r["warning"] == "red"


def test_decreasing_while_ahead_of_schedule_is_yellow():
    # the plan's baseline (2020, 10) has no observation; 16 then 15: slope −1, progress 0.5 ≥ 0.2
    r = one(indicator(), {2021: 16.0, 2022: 15.0}, 2022)
    assert r["baseline_source"] == "plan" and r["baseline_value"] == 10.0
    assert r["trend"] == "decreasing"
    assert r["progress"] == pytest.approx(0.5) and r["on_schedule"] is True
    assert r["warning"] == "yellow"


def test_insufficient_data_with_one_observation():
    r = one(indicator(), {2022: 12.0}, 2022)
    assert r["trend"] == "insufficient_data" and r["n_window"] == 1
    assert r["observed_rate"] is None and r["projected_value"] is None and r["probability"] is None
    assert r["required_rate"] == pytest.approx((20 - 12) / 8)
    # progress 0.2 ≥ elapsed 0.2 and the trend is not decreasing → green
    assert r["on_schedule"] is True and r["warning"] == "green"


def test_no_data_gives_a_city_row_without_a_warning():
    ind = indicators(indicator("x"), indicator("y", baseline_year=None, baseline_value=None))
    results = evaluate(ind, observations(series("x", {2021: 1.0}, region=R1)), 2022)
    x_city, y_city = row(results, "x"), row(results, "y")
    for r in (x_city, y_city):
        assert r["trend"] == "no_data" and r["warning"] is None and r["stale"] is None
        assert r["latest_year"] is None and r["progress"] is None and r["n_window"] == 0
        assert r["opensdg_status"] == "not_available" and r["opensdg_score"] is None
    assert (x_city["baseline_source"], x_city["baseline_value"]) == ("plan", 10.0)
    assert y_city["baseline_source"] is None and y_city["baseline_value"] is None
    # regions only appear where they have data
    assert set(results["region"]) == {CITY, R1}
    assert results.filter(pl.col.code == "y").height == 1


def test_achieved_before_the_target_year():
    r = one(indicator(), {2020: 10.0, 2021: 15.0, 2022: 21.0}, 2022)
    assert r["achieved"] is True and r["trend"] == "achieved" and r["warning"] == "green"
    # already past the target value: the formula still tells how much room is left (negative)
    assert r["required_rate"] == pytest.approx((20 - 21) / 8)
    assert r["opensdg_status"] == "target_achieved" and r["opensdg_score"] == 5.0


@pytest.mark.parametrize(("last", "trend", "warning"), [(14.0, "missed", "red"), (16.0, "achieved", "green")])
def test_at_the_target_year_the_target_is_achieved_or_missed(last, trend, warning):
    ind = indicator(target_year=2022, target_value=15.0)
    r = one(ind, {2020: 10.0, 2021: 12.0, 2022: last}, 2023)
    assert r["trend"] == trend and r["warning"] == warning
    assert r["required_rate"] is None  # no year left
    assert r["time_elapsed"] == 1.0
    assert r["progress"] == pytest.approx((last - 10) / (15 - 10))


def test_time_elapsed_is_clamped():
    after = one(indicator(target_year=2022, target_value=15.0), {2020: 10.0, 2024: 16.0}, 2024)
    assert after["time_elapsed"] == 1.0 and after["trend"] == "achieved"
    before = one(indicator(baseline_year=2024, baseline_value=10.0), {2019: 8.0, 2020: 9.0}, 2020)
    assert before["time_elapsed"] == 0.0 and before["on_schedule"] is False  # progress −0.1 < 0


def test_target_equal_to_baseline_progress_is_one_when_achieved_else_zero():
    ind = indicators(
        indicator("up", target_value=10.0),
        indicator("down", target_value=10.0),
        indicator("lower", direction=-1),
    )
    obs = observations(series("up", {2022: 10.5}), series("down", {2022: 9.5}), series("lower", {2022: 10.0}))
    results = evaluate(ind.with_columns(target_value=pl.lit(10.0)), obs, 2022)
    assert row(results, "up")["progress"] == 1.0 and row(results, "up")["achieved"] is True
    assert row(results, "down")["progress"] == 0.0 and row(results, "down")["on_schedule"] is False
    assert row(results, "lower")["progress"] == 1.0  # 10 ≤ 10 meets a lower-is-better target


# --- stale data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "stale", "warning"), [(2021, False, "green"), (2022, True, "yellow")])
def test_stale_data_turn_green_into_yellow(as_of, stale, warning):
    # 8, 9, 10 in 2018–2020 towards 20 in 2030: on track; as_of − 2020 ≥ 2 makes it stale
    ind = indicator(baseline_year=2018, baseline_value=8.0)
    r = one(ind, {2018: 8.0, 2019: 9.0, 2020: 10.0}, as_of)
    assert r["trend"] == "on_track"
    assert r["stale"] is stale and r["warning"] == warning


# --- growth models ------------------------------------------------------------------------------


def test_compound_growth_for_non_percent_units_by_default():
    # 100, 110, 121: 10% a year; T = 200 in 2030
    ind = indicator(unit="亿元", baseline_value=100.0, target_value=200.0)
    r = one(ind, {2020: 100.0, 2021: 110.0, 2022: 121.0}, 2022)
    assert r["growth_model"] == "compound"
    assert r["observed_rate"] == pytest.approx(0.10)
    assert r["required_rate"] == pytest.approx((200 / 121) ** (1 / 8) - 1)
    assert r["trend"] == "on_track"  # 0.10 / 0.0648 ≥ 1
    assert r["projected_value"] == pytest.approx(121 * 1.1**8)
    assert r["progress"] == pytest.approx(21 / 100) and r["time_elapsed"] == pytest.approx(0.2)
    assert r["warning"] == "green"


def test_growth_model_from_the_plan_file_overrides_the_default():
    ind = indicator(unit="亿元", growth_model="linear", baseline_value=100.0, target_value=200.0)
    r = one(ind, {2020: 100.0, 2021: 110.0, 2022: 121.0}, 2022)
    assert r["growth_model"] == "linear"
    assert r["observed_rate"] == pytest.approx(10.5)  # slope of 100, 110, 121
    assert r["required_rate"] == pytest.approx((200 - 121) / 8)


def test_compound_falls_back_to_linear_when_the_window_has_a_value_at_or_below_zero():
    ind = indicator(unit="件", baseline_value=0.0, target_value=10.0)
    r = one(ind, {2020: 0.0, 2021: 1.0, 2022: 2.0}, 2022)
    assert r["growth_model"] == "linear"
    assert r["observed_rate"] == pytest.approx(1.0)
    assert r["required_rate"] == pytest.approx((10 - 2) / 8)


def test_a_non_positive_value_outside_the_window_keeps_compound():
    # window = [2022 − 5, 2022]; the 2010 value is outside it
    ind = indicator(unit="亿元", baseline_value=100.0, target_value=200.0)
    r = one(ind, {2010: -5.0, 2020: 100.0, 2021: 110.0, 2022: 121.0}, 2022)
    assert r["growth_model"] == "compound" and r["n_window"] == 3
    assert r["observed_rate"] == pytest.approx(0.10)


def test_compound_with_a_zero_target_falls_back_to_linear():
    ind = indicator(unit="起", direction=-1, baseline_value=10.0, target_value=0.0)
    r = one(ind, {2020: 10.0, 2021: 8.0, 2022: 6.0}, 2022)
    assert r["growth_model"] == "linear"
    assert r["observed_rate"] == pytest.approx(-2.0)
    assert r["required_rate"] == pytest.approx((0 - 6) / 8)
    assert r["trend"] == "on_track"


def test_window_is_the_last_six_years():
    values = {2014: 0.0, 2015: 50.0, 2016: 10.0, 2017: 10.5, 2018: 11.0, 2019: 11.5, 2020: 12.0, 2021: 12.5}
    r = one(indicator(baseline_year=2016), values, 2021)
    assert r["n_window"] == 6  # 2016–2021
    assert r["observed_rate"] == pytest.approx(0.5)


# --- baseline -----------------------------------------------------------------------------------


def test_missing_baseline_uses_the_first_observation():
    ind = indicator(baseline_year=None, baseline_value=None, target_year=2031)
    r = one(ind, {2021: 5.0, 2023: 6.0}, 2023)
    assert r["baseline_source"] == "first_observation"
    assert (r["baseline_year"], r["baseline_value"]) == (2021, 5.0)
    assert r["time_elapsed"] == pytest.approx((2023 - 2021) / (2031 - 2021))
    assert r["progress"] == pytest.approx((6 - 5) / (20 - 5))
    assert r["observed_rate"] == pytest.approx(0.5)
    assert r["projected_value"] == pytest.approx(6 + 0.5 * 8)
    assert r["probability"] is None  # n = 2


# --- lower is better ----------------------------------------------------------------------------


def test_lower_is_better_on_track():
    ind = indicator(direction=-1, baseline_value=10.0, target_value=5.0)
    r = one(ind, {2020: 10.0, 2021: 9.5, 2022: 9.0}, 2022)
    assert r["achieved"] is False
    assert r["observed_rate"] == pytest.approx(-0.5)
    assert r["required_rate"] == pytest.approx((5 - 9) / 8)
    assert r["trend"] == "on_track"
    assert r["progress"] == pytest.approx((9 - 10) / (5 - 10)) and r["on_schedule"] is True
    assert r["probability"] == 1.0  # a perfect line that lands on 5 in 2030
    assert r["warning"] == "green"


def test_lower_is_better_moving_the_wrong_way_is_decreasing():
    ind = indicator(direction=-1, baseline_value=10.0, target_value=5.0)
    r = one(ind, {2020: 10.0, 2021: 10.5, 2022: 11.0}, 2022)
    assert r["trend"] == "decreasing"
    assert r["progress"] == pytest.approx((11 - 10) / (5 - 10))
    assert r["warning"] == "red"


def test_lower_is_better_achieved():
    ind = indicator(direction=-1, baseline_value=10.0, target_value=5.0)
    r = one(ind, {2020: 10.0, 2021: 4.5}, 2021)
    assert r["achieved"] is True and r["trend"] == "achieved" and r["warning"] == "green"
    assert r["opensdg_status"] == "target_achieved"


# --- inputs -------------------------------------------------------------------------------------


def test_observations_after_as_of_unknown_indicators_and_missing_values_are_ignored():
    obs = observations(
        series("x", {2020: 10.0, 2021: 11.0, 2022: 12.0, 2023: 99.0}),
        series("unknown", {2021: 1.0}),
        [{"indicator": "x", "region": CITY, "year": 2019, "value": None}],
        [{"indicator": "x", "region": CITY, "year": 2018, "value": float("nan")}],
    )
    results = evaluate(indicators(indicator()), obs, 2022)
    assert results.height == 1
    r = row(results)
    assert (r["latest_year"], r["latest_value"], r["n_window"]) == (2022, 12.0, 3)


def test_a_repeated_year_keeps_the_last_row():
    obs = observations(series("x", {2021: 11.0, 2022: 50.0}), series("x", {2022: 12.0}))
    r = row(evaluate(indicators(indicator()), obs, 2022))
    assert r["latest_value"] == 12.0 and r["n_window"] == 2


def test_empty_observations_give_one_no_data_row_per_indicator():
    results = evaluate(indicators(indicator("a"), indicator("b")), observations(), 2022)
    assert results["code"].to_list() == ["a", "b"]
    assert results["trend"].to_list() == ["no_data", "no_data"]


def test_bad_direction_is_rejected():
    with pytest.raises(ValueError, match="direction"):
        evaluate(indicators(indicator(direction=0)), observations(), 2022)


# --- regions ------------------------------------------------------------------------------------


def _regional_results() -> pl.DataFrame:
    ind = indicators(
        indicator("share"),
        indicator("total", unit="亿元", kind="total", baseline_value=100.0, target_value=200.0),
        indicator("rate", unit="人年", kind="rate", baseline_value=100.0, target_value=150.0),
    )
    obs = observations(
        series("share", {2020: 11.0, 2021: 12.0, 2022: 13.0}),  # the city's own 2020 figure differs
        series("share", {2020: 5.0, 2021: 6.0, 2022: 7.0}, R1),
        series("share", {2021: 8.0, 2022: 9.0}, R2),
        series("total", {2020: 50.0, 2021: 55.0, 2022: 60.5}, R1),
        series("total", {2020: 40.0, 2022: 50.0}, R2),
        series("rate", {2022: 120.0}, R1),
    )
    targets = pl.DataFrame(
        {
            "indicator": ["share", "total", "share"],
            "region": [R2, R2, R3],
            "target_value": [12.0, 80.0, 30.0],
        }
    )
    return evaluate(ind, obs, 2022, targets)


def test_rows_per_region_with_data_and_always_the_city():
    results = _regional_results()
    assert list(zip(results["code"], results["region"], strict=True)) == [
        ("share", CITY), ("share", R1), ("share", R2),
        ("total", CITY), ("total", R1), ("total", R2),
        ("rate", CITY), ("rate", R1),
    ]  # fmt: skip


def test_city_keeps_the_plans_baseline():
    r = row(_regional_results(), "share", CITY)
    assert (r["baseline_value"], r["baseline_source"]) == (10.0, "plan")
    assert r["progress"] == pytest.approx((13 - 10) / (20 - 10))


def test_region_baseline_is_its_own_value_in_the_baseline_year():
    r = row(_regional_results(), "share", R1)
    assert (r["baseline_year"], r["baseline_value"], r["baseline_source"]) == (2020, 5.0, "plan")
    assert r["target_value"] == 20.0  # a share inherits the city's target
    assert r["progress"] == pytest.approx((7 - 5) / (20 - 5))


def test_region_without_a_baseline_year_value_starts_from_its_first_observation_and_own_target():
    r = row(_regional_results(), "share", R2)
    assert (r["baseline_year"], r["baseline_value"], r["baseline_source"]) == (2021, 8.0, "first_observation")
    assert r["target_value"] == 12.0  # the regional target wins over the city's
    assert r["progress"] == pytest.approx((9 - 8) / (12 - 8))
    assert r["time_elapsed"] == pytest.approx((2022 - 2021) / (2030 - 2021))


def test_a_total_without_a_regional_target_has_no_target_and_no_warning():
    r = row(_regional_results(), "total", R1)
    assert r["trend"] == "no_target" and r["warning"] is None
    assert r["target_value"] is None and r["progress"] is None and r["achieved"] is None
    assert r["probability"] is None and r["opensdg_status"] == "not_available"
    assert r["growth_model"] == "compound" and r["observed_rate"] == pytest.approx(0.10)


def test_a_total_with_a_regional_target_is_evaluated():
    r = row(_regional_results(), "total", R2)
    assert r["target_value"] == 80.0 and r["baseline_value"] == 40.0
    assert r["progress"] == pytest.approx((50 - 40) / (80 - 40))
    assert r["trend"] != "no_target"


def test_a_rate_inherits_the_city_target():
    r = row(_regional_results(), "rate", R1)
    assert r["target_value"] == 150.0 and r["trend"] == "insufficient_data"
    assert r["baseline_source"] == "first_observation"


# --- plan index ---------------------------------------------------------------------------------


def _index_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    ind = indicators(
        indicator("p1", weight=1.0),
        indicator("p2", weight=2.0),
        indicator("p3", weight=1.0),
        indicator("p4", weight=5.0),  # no data: left out
    )
    obs = observations(
        series("p1", {2022: 12.0}),  # progress 0.2
        series("p2", {2022: 25.0}),  # 1.5 → clamped to 1
        series("p3", {2022: 9.0}),  # −0.1 → clamped to 0
        series("p1", {2020: 10.0, 2022: 15.0}, R1),  # 0.5
        series("p2", {2020: 10.0, 2022: 11.0}, R1),  # 0.1
    )
    return evaluate(ind, obs, 2022), ind


def test_plan_index_is_the_weighted_mean_of_clamped_progress():
    results, ind = _index_case()
    assert plan_index(results, ind) == pytest.approx(100 * (0.2 * 1 + 1.0 * 2 + 0.0 * 1) / (1 + 2 + 1))
    assert plan_index(results, ind, region=R1) == pytest.approx(100 * (0.5 * 1 + 0.1 * 2) / (1 + 2))


def test_plan_index_by_region():
    results, ind = _index_case()
    by_region = plan_index_by_region(results, ind)
    assert by_region["region"].to_list() == [CITY, R1]
    assert by_region["index"].to_list() == pytest.approx([55.0, 70 / 3])


def test_plan_index_without_any_progress_is_none():
    ind = indicators(indicator("a"))
    assert plan_index(evaluate(ind, observations(), 2022), ind) is None


# --- labels -------------------------------------------------------------------------------------


def test_every_status_has_a_chinese_label():
    assert TREND_LABELS["on_track"] == "按期可达" and TREND_LABELS["decreasing"] == "逆向变化"
    results = _regional_results()
    assert set(results["trend"]) <= set(TREND_LABELS)
    assert set(results["warning"].drop_nulls()) <= set(WARNING_LABELS)
    assert set(results["opensdg_status"]) <= set(OPENSDG_LABELS)
    assert set(TREND_LABELS) == {
        "on_track", "moderately_improving", "stagnating", "decreasing", "insufficient_data",
        "no_data", "no_target", "achieved", "missed",
    }  # fmt: skip
