"""The demo's simulated figures and sample town targets (kechuang.engine.plan_simulate): series
continue from their last value, towns add up to the city, targets fit the towns' figures."""

import polars as pl

from kechuang.engine.plan_simulate import sample_regional_targets, simulate

CITY, A, B, C = "441900", "441900401", "441900121", "441900119"


def indicators(**extra):
    rows = {
        "code": ["firms", "turnover", "intensity", "waste"],
        "kind": ["total", "total", "share", "share"],
        "direction": [1, 1, 1, -1],
        "target_year": [2030] * 4,
        "target_value": [6500.0, 200.0, 4.1, 2.0],
    }
    return pl.DataFrame(rows | extra)


def obs(rows):
    return pl.DataFrame(
        rows,
        schema={"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64},
        orient="row",
    )


# a registry gives the towns' counts 2024–2025, adding up to the city's; the rest has only the city
REGISTRY = [
    ("firms", CITY, 2024, 5800.0),
    ("firms", CITY, 2025, 6000.0),
    *[("firms", town, 2024, v) for town, v in ((A, 3000.0), (B, 2000.0), (C, 800.0))],
    *[("firms", town, 2025, v) for town, v in ((A, 3100.0), (B, 2050.0), (C, 850.0))],
    ("turnover", CITY, 2025, 108.4),
    ("turnover", A, 2025, 22.756),
    ("turnover", B, 2025, 8.6783),
    ("intensity", CITY, 2024, 4.01),
    ("waste", CITY, 2024, 2.5),
]


def run(observations, towns=(A, B), last_year=2027, targets=None, seed=3):
    return simulate(
        indicators(),
        obs(observations),
        list(towns),
        {A: 0.09, B: 0.05},
        last_year,
        2024,
        seed=seed,
        regional_targets=targets,
    )


def series(frame, indicator, region):
    rows = frame.filter((pl.col("indicator") == indicator) & (pl.col("region") == region)).sort("year")
    return dict(zip(rows["year"].to_list(), rows["value"].to_list(), strict=True))


def test_each_series_continues_from_its_own_last_value_without_a_jump():
    sim = run(REGISTRY)
    for region, last in ((A, 3100.0), (B, 2050.0), (C, 850.0), (CITY, 6000.0)):
        values = series(sim, "firms", region)
        assert min(values) == 2026  # the registry's years are not drawn again
        assert abs(values[2026] / last - 1) < 0.08, (region, last, values)
    for region, last in ((A, 22.756), (B, 8.6783)):
        values = series(sim, "turnover", region)
        assert abs(values[2026] / last - 1) < 0.3, (region, values)


def test_a_town_without_values_starts_next_to_the_city_or_where_its_target_implies():
    sim = run(
        REGISTRY, targets=pl.DataFrame({"indicator": ["intensity"], "region": [A], "target_value": [12.0]})
    )
    assert min(series(sim, "intensity", A)) == 2025 == min(series(sim, "intensity", CITY))
    assert 11.0 < series(sim, "intensity", A)[2025] < 12.0  # 12 × 4.01 / 4.1 ≈ 11.7
    assert 1.0 < series(sim, "intensity", B)[2025] < 10.0


def test_towns_that_add_up_to_the_city_still_add_up_every_simulated_year():
    sim = run(REGISTRY)
    for year in (2026, 2027):
        towns = sum(series(sim, "firms", t)[year] for t in (A, B, C))
        assert abs(towns - series(sim, "firms", CITY)[year]) <= 3  # whole numbers, each rounded


def test_counts_are_whole_and_money_keeps_its_decimals():
    sim = run(REGISTRY)
    assert all(v == round(v) for v in sim.filter(pl.col("indicator") == "firms")["value"])
    assert any(v != round(v) for v in sim.filter(pl.col("indicator") == "turnover")["value"])


def test_a_second_simulation_to_a_later_year_only_adds_the_years_after():
    first = run(REGISTRY, last_year=2027)
    both = pl.concat([obs(REGISTRY), first])
    later = run(both.rows(), last_year=2029, seed=9)
    assert set(later["year"].to_list()) == {2028, 2029}
    assert abs(series(later, "firms", A)[2028] / series(first, "firms", A)[2027] - 1) < 0.08


def test_sample_targets_never_fall_behind_the_towns_base_value():
    figures = obs(
        [
            *REGISTRY,
            ("intensity", A, 2025, 11.7),
            ("intensity", B, 2025, 3.1),
            ("intensity", CITY, 2025, 4.02),
            ("waste", CITY, 2025, 2.4),
            ("waste", A, 2025, 1.5),
            ("waste", B, 2025, 3.0),
        ]
    )
    targets = sample_regional_targets(indicators(), figures, 2025)
    assert CITY not in targets["region"].to_list()
    base = figures.filter(pl.col("year") == 2025).rename({"value": "base"})
    joined = targets.join(base, on=["indicator", "region"]).join(
        indicators().select(pl.col("code").alias("indicator"), "direction"), on="indicator"
    )
    assert joined.height == targets.height == 9
    assert joined.filter(pl.col("direction") * (pl.col("target_value") - pl.col("base")) < 0).is_empty()


def test_sample_targets_of_a_total_add_up_to_the_city_target_and_a_share_brackets_it():
    targets = sample_regional_targets(
        indicators(), obs(REGISTRY + [("intensity", A, 2024, 11.0), ("intensity", B, 2024, 3.0)]), 2025
    )
    firms = targets.filter(pl.col("indicator") == "firms")["target_value"]
    assert abs(firms.sum() - 6500) <= 3 and all(v == round(v) for v in firms)
    intensity = targets.filter(pl.col("indicator") == "intensity")["target_value"]
    assert intensity.min() < 4.1 < intensity.max()


def test_a_town_ahead_of_a_city_that_has_met_its_target_keeps_its_own_value_as_target():
    figures = obs([("intensity", CITY, 2025, 4.5), ("intensity", A, 2025, 12.345)])
    [row] = sample_regional_targets(indicators(), figures, 2025).rows(named=True)
    assert row["target_value"] == 12.35  # not 4.1 × 12.345 / 4.5, not rounded down to 12.34
