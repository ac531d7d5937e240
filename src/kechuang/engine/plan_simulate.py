"""Simulated observations for the demo (marked 模拟 wherever shown): the plan mid-way.

Every series continues from its own latest value, whatever its source (published, derived from a
registry, simulated earlier), so that no series jumps where real or derived data end and simulated
data begin. The city heads toward its target with an indicator-specific pace and noise; a town
follows the city's relative change with its own elasticity. A town that has no value yet starts at
a level around the city's (shares and rates), at the level its own regional target implies, or at a
share of the city's total (totals). When the towns' values of a total add up to the city's where the
simulation starts, they still add up to the city's in every simulated year.

``sample_regional_targets`` gives the demo's town targets that fit these figures (see its docstring).
Deterministic for a seed; vectorised with Polars and numpy over all series and years.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kechuang.engine.plan_eval import SHARED_TARGET_KINDS

# Start values for indicators the plan gives no 现值 for (「--」): plausible levels, used only here.
FALLBACK_START = {"digital_economy_share": 19.5, "science_literacy": 17.2}
# Towns of a total cover the city when their values add up to the city's within this share.
COVERAGE_TOLERANCE = 0.03

KEY = ["indicator", "region"]
OBS = {"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64}


def _latest(observations: pl.DataFrame) -> pl.DataFrame:
    """indicator, region, start_year, start_value: each series' latest value."""
    return (
        observations.sort("year")
        .group_by(KEY, maintain_order=True)
        .agg(pl.col("year").last().alias("start_year"), pl.col("value").last().alias("start_value"))
    )


def _integral(observations: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """code, digits: 0 for counts (totals whose every value is whole), 2 otherwise."""
    whole = observations.group_by("indicator").agg(
        ((pl.col("value") - pl.col("value").round(0)).abs() < 1e-9).all().alias("whole")
    )
    return (
        indicators.select("code", "kind")
        .join(whole, left_on="code", right_on="indicator", how="left")
        .select(
            "code",
            pl.when((pl.col("kind") == "total") & pl.col("whole").fill_null(False))
            .then(0)
            .otherwise(2)
            .alias("digits"),
        )
    )


def _city_value_at(rows: pl.DataFrame, city: pl.DataFrame, year_col: str, alias: str) -> pl.DataFrame:
    """rows with the city's value (latest at or before ``year_col``) of the same indicator as ``alias``."""
    right = city.select("indicator", pl.col("year").alias(year_col), pl.col("value").alias(alias)).sort(
        year_col
    )
    return rows.sort(year_col).join_asof(
        right, on=year_col, by="indicator", strategy="backward", check_sortedness=False
    )


def _years(series: pl.DataFrame, last_year: int) -> pl.DataFrame:
    first = series["start_year"].min() if series.height else last_year
    return pl.DataFrame({"year": np.arange(min(first, last_year), last_year + 1, dtype=np.int32)})


def simulate(
    indicators: pl.DataFrame,
    observations: pl.DataFrame,
    regions: list[str],
    region_weights: dict[str, float],
    last_year: int,
    fallback_year: int,
    seed: int = 2026,
    city_region: str = "441900",
    regional_targets: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """indicators: code, kind, target_year, target_value. observations: indicator, region, year, value,
    every stored value (each series continues from its latest one). regions: the towns simulated even
    where they have no value yet; a region with values of an indicator is always continued.
    fallback_year: the year an indicator without any city value starts from (FALLBACK_START).
    regional_targets: indicator, region, target_value (a town without values starts where its target
    implies). Returns indicator, region, year, value for the years after each series' latest value up
    to last_year, rounded (counts to whole numbers)."""
    rng = np.random.default_rng(seed)
    obs = observations.select(*OBS).cast(OBS).drop_nulls("value")
    ind = indicators.select("code", "kind", "target_year", "target_value").sort("code")
    digits = _integral(obs, ind)

    # ---- the city: from its latest value toward its target, at an indicator's own pace
    city_obs = obs.filter(pl.col("region") == city_region)
    city_start = (
        ind.join(_latest(city_obs), left_on="code", right_on="indicator", how="left")
        .with_columns(
            start_value=pl.coalesce(
                "start_value",
                pl.col("code").replace_strict(FALLBACK_START, default=None, return_dtype=pl.Float64),
            ),
            start_year=pl.col("start_year").fill_null(fallback_year),
        )
        .filter(pl.col("start_value").is_not_null())
        .sort("code")
    )
    n = city_start.height
    # Pace relative to what the target needs: some ahead, some behind, one going backwards.
    city_start = city_start.with_columns(
        pace=pl.Series(rng.choice([1.25, 1.0, 0.7, 0.35, -0.3], size=n, p=[0.25, 0.3, 0.2, 0.15, 0.1]))
    )
    city_rows = (
        city_start.join(_years(city_start, last_year), how="cross")
        .filter(pl.col("year") > pl.col("start_year"))
        .sort("code", "year")
    )
    elapsed = (pl.col("year") - pl.col("start_year")) / pl.max_horizontal(
        pl.col("target_year") - pl.col("start_year"), 1
    )
    city_rows = city_rows.with_columns(noise=pl.Series(rng.normal(0.0, 0.01, size=city_rows.height))).select(
        pl.col("code").alias("indicator"),
        pl.lit(city_region).alias("region"),
        "year",
        (
            pl.col("start_value")
            + (pl.col("target_value") - pl.col("start_value")) * elapsed * pl.col("pace")
            + pl.col("noise") * pl.col("start_value").abs()
        ).alias("value"),
    )
    city_all = pl.concat([city_obs, city_rows.cast(OBS)])

    # ---- the towns: each continues from its latest value, following the city's relative change
    known = ind.join(city_start.select("code"), on="code")
    wanted = known.select(pl.col("code").alias("indicator")).join(
        pl.DataFrame({"region": [r for r in regions if r != city_region]}, schema={"region": pl.Utf8}),
        how="cross",
    )
    town_obs = obs.filter(pl.col("region") != city_region)
    series = pl.concat([wanted, town_obs.select(KEY).unique()]).unique().sort(KEY)
    series = series.join(_latest(town_obs), on=KEY, how="left").join(
        known.select(pl.col("code").alias("indicator"), "kind", "target_value"), on="indicator"
    )
    if regional_targets is not None and regional_targets.height:
        rt = regional_targets.select(*KEY, pl.col("target_value").cast(pl.Float64).alias("own_target"))
        series = series.join(rt, on=KEY, how="left")
    else:
        series = series.with_columns(own_target=pl.lit(None, dtype=pl.Float64))
    m = series.height
    series = series.with_columns(
        level=pl.Series(rng.lognormal(0.0, 0.3, size=m)),
        growth=pl.Series(np.clip(rng.normal(1.0, 0.2, size=m), 0.6, 1.4)),
        weight=pl.col("region").replace_strict(
            region_weights, default=1.0 / max(len(regions), 1), return_dtype=pl.Float64
        ),
    )
    # a town without values starts where the city starts, at its own level
    c_start = city_start.select(
        pl.col("code").alias("indicator"),
        pl.col("start_year").alias("c_year"),
        pl.col("start_value").alias("c_value"),
    )
    series = series.join(c_start, on="indicator").with_columns(
        start_value=pl.coalesce(
            "start_value",
            pl.when(pl.col("own_target").is_not_null() & (pl.col("target_value") != 0))
            .then(pl.col("own_target") * pl.col("c_value") / pl.col("target_value"))
            .when(pl.col("kind").is_in(SHARED_TARGET_KINDS))
            .then(pl.col("c_value") * pl.col("level"))
            .otherwise(pl.col("c_value") * pl.col("weight")),
        ),
        start_year=pl.coalesce("start_year", "c_year"),
    )
    series = _city_value_at(series, city_all, "start_year", "city_at_start")
    town_rows = series.join(_years(series, last_year), how="cross").filter(
        pl.col("year") > pl.col("start_year")
    )
    town_rows = _city_value_at(town_rows, city_all, "year", "city_now").sort(*KEY, "year")
    ratio = (pl.col("city_now") / pl.col("city_at_start")).fill_nan(1.0)
    town_rows = town_rows.with_columns(
        noise=pl.Series(rng.normal(0.0, 0.01, size=town_rows.height))
    ).with_columns(
        value=(
            pl.col("start_value")
            * pl.when(pl.col("city_at_start") > 0)
            .then(ratio.clip(lower_bound=0.0).pow(pl.col("growth")))
            .otherwise(1.0)
            * (1 + pl.col("noise"))
        ).clip(lower_bound=0.0)
    )
    town_rows = _keep_totals_adding_up(town_rows, town_obs, city_all, known)

    out = pl.concat([city_rows.cast(OBS), town_rows.select(*OBS).cast(OBS)])
    out = out.join(digits, left_on="indicator", right_on="code", how="left").with_columns(
        value=pl.when(pl.col("digits") == 0)
        .then(pl.col("value").round(0))
        .otherwise(pl.col("value").round(2))
    )
    return out.select(*OBS).sort("indicator", "region", "year")


def _keep_totals_adding_up(
    town_rows: pl.DataFrame, town_obs: pl.DataFrame, city_all: pl.DataFrame, known: pl.DataFrame
) -> pl.DataFrame:
    """Scale the simulated towns of a total so that they add up to the city's simulated value, where
    the towns' values added up to the city's in the year the towns' simulation starts."""
    totals = known.filter(pl.col("kind") == "total").select(pl.col("code").alias("indicator"))
    start = (
        town_rows.select(*KEY, "start_year")
        .unique()
        .join(totals, on="indicator")
        .group_by("indicator")
        .agg(pl.col("start_year").min().alias("y0"), pl.col("start_year").max().alias("y1"))
        .filter(pl.col("y0") == pl.col("y1"))  # one common start year
        .select("indicator", pl.col("y0").alias("year"))
    )
    towns_then = (
        town_obs.join(start, on=["indicator", "year"])
        .group_by("indicator")
        .agg(pl.col("value").sum().alias("towns"))
    )
    covered = (
        start.join(city_all, on=["indicator", "year"])
        .join(towns_then, on="indicator")
        .filter(((pl.col("towns") / pl.col("value")) - 1).abs() <= COVERAGE_TOLERANCE)
        .select("indicator", (pl.col("towns") / pl.col("value")).alias("coverage"))
    )
    sums = (
        town_rows.join(covered, on="indicator")
        .group_by("indicator", "year")
        .agg(pl.col("value").sum().alias("towns_now"))
    )
    return (
        town_rows.join(covered, on="indicator", how="left")
        .join(sums, on=["indicator", "year"], how="left")
        .with_columns(
            value=pl.when(pl.col("coverage").is_not_null() & (pl.col("towns_now") > 0))
            .then(pl.col("value") * pl.col("city_now") * pl.col("coverage") / pl.col("towns_now"))
            .otherwise(pl.col("value"))
        )
    )


def sample_regional_targets(
    indicators: pl.DataFrame, observations: pl.DataFrame, base_year: int, city_region: str = "441900"
) -> pl.DataFrame:
    """The demo's town targets (示例分解目标), consistent with the towns' figures and the city's target.

    indicators: code, kind, direction, target_year, target_value. observations: indicator, region,
    year, value. For every town with a value at or before base_year (for a total: a value above 0),
    its target moves its latest such value by the city's own ratio (city target ÷ the city's value in
    the same year), never against the indicator's direction: a town's target is never behind its base
    value, the city target lies among the towns' targets of a share or rate, and the towns' targets
    of a total add up to the city's when their base values add up to the city's. Returns indicator,
    region, target_year, target_value (counts whole, others to two decimals, rounded in the
    indicator's direction)."""
    obs = observations.select(*OBS).cast(OBS).drop_nulls("value").filter(pl.col("year") <= base_year)
    ind = indicators.select("code", "kind", "direction", "target_year", "target_value").filter(
        pl.col("target_value").is_not_null()
    )
    digits = _integral(obs, ind)
    towns = _latest(obs.filter(pl.col("region") != city_region)).rename(
        {"start_year": "year", "start_value": "value"}
    )
    towns = _city_value_at(towns, obs.filter(pl.col("region") == city_region), "year", "city_then")
    ratio = pl.col("target_value") / pl.col("city_then")
    ahead = (
        pl.when(pl.col("direction") < 0)
        .then(pl.min_horizontal(ratio, 1.0))
        .otherwise(pl.max_horizontal(ratio, 1.0))
    )
    out = (
        towns.join(ind, left_on="indicator", right_on="code")
        .join(digits, left_on="indicator", right_on="code")
        .filter(pl.col("city_then") > 0)
        .filter((pl.col("kind") != "total") | (pl.col("value") > 0))
        .with_columns(target=pl.col("value") * ahead)
        .select(
            *KEY,
            "target_year",
            _round_ahead(pl.col("target"), pl.col("digits"), pl.col("direction")).alias("target_value"),
        )
    )
    return out.sort(KEY)


def _round_ahead(value: pl.Expr, digits: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """Round to ``digits`` decimals in the indicator's direction, so that rounding never puts a
    target behind the value it was derived from."""
    scale = pl.lit(10.0).pow(digits)
    scaled = value * scale - 1e-9 * direction.sign()  # 12.000000001 stays 12
    return pl.when(direction < 0).then(scaled.floor()).otherwise(scaled.ceil()) / scale
