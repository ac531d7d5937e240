"""Plan evaluation engine (issue 3, section 3): indicators × regions × observations → status frame.

Pure and vectorised: Polars expressions over all (indicator, region) groups at once, one SciPy call
for the Student-t figures; no Django, no settings, no database, no file I/O. The output columns are
the JSON names of ``kechuang monitor`` (issue 3, section 4), with the Open SDG figures flattened to
``opensdg_*`` and the chart's 80% band as ``projected_low``/``projected_high``.
"""

from __future__ import annotations

import polars as pl

from kechuang.engine.plan_labels import (
    BASELINE_SOURCE_LABELS,
    GROWTH_MODEL_LABELS,
    OPENSDG_LABELS,
    TASK_STATUS_LABELS,
    TREND_LABELS,
    WARNING_LABELS,
)
from kechuang.engine.plan_stats import KEYS, fit_columns, t_probability_and_band, window_stats
from kechuang.engine.plan_tasks import evaluate_tasks
from kechuang.engine.regions import CITY_CODE
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.evaluate import RATIO_DIGITS

__all__ = [
    "BASELINE_SOURCE_LABELS",
    "GROWTH_MODEL_LABELS",
    "OPENSDG_LABELS",
    "OUTPUT_SCHEMA",
    "TASK_STATUS_LABELS",
    "TREND_LABELS",
    "WARNING_LABELS",
    "evaluate",
    "evaluate_tasks",
    "plan_index",
    "plan_index_by_region",
]

GROUP = ["iid", "rid"]  # integer ids of (indicator, region) while crunching observations
STALE_YEARS = 2  # as_of − t* ≥ 2: the data are old
SHARED_TARGET_KINDS = ("share", "rate")  # a town inherits the city's target for these, not for totals
OPENSDG_ZERO = 0.001  # Open SDG replaces a base or target value of 0 by this


def _exact(e: pl.Expr) -> pl.Expr:
    """A figure as compared with a threshold: rounded to RATIO_DIGITS decimals with the rule engine's own
    rounding, so that binary floating-point noise does not move a value that is on a threshold on paper
    (40.1 → 41.0 observed at 40.55 halfway is exactly on schedule). Only comparisons use it; the output
    columns stay unrounded."""
    return PolarsBackend().round(e, RATIO_DIGITS)


INDICATOR_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "name": pl.Utf8(),
    "unit": pl.Utf8(),
    "direction": pl.Int64(),
    "baseline_year": pl.Int64(),
    "baseline_value": pl.Float64(),
    "target_year": pl.Int64(),
    "target_value": pl.Float64(),
    "growth_model": pl.Utf8(),
    "kind": pl.Utf8(),
    "weight": pl.Float64(),
}
INDICATOR_REQUIRED = ("code", "direction", "target_year", "target_value")
OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.Utf8(),
    "region": pl.Utf8(),
    "year": pl.Int64(),
    "value": pl.Float64(),
}
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.Utf8(),
    "region": pl.Utf8(),
    "target_value": pl.Float64(),
}

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "name": pl.Utf8(),
    "unit": pl.Utf8(),
    "region": pl.Utf8(),
    "baseline_year": pl.Int64(),
    "baseline_value": pl.Float64(),
    "baseline_source": pl.Utf8(),
    "target_year": pl.Int64(),
    "target_value": pl.Float64(),
    "latest_year": pl.Int64(),
    "latest_value": pl.Float64(),
    "time_elapsed": pl.Float64(),
    "progress": pl.Float64(),
    "on_schedule": pl.Boolean(),
    "achieved": pl.Boolean(),
    "growth_model": pl.Utf8(),
    "observed_rate": pl.Float64(),
    "required_rate": pl.Float64(),
    "trend": pl.Utf8(),
    "projected_value": pl.Float64(),
    "probability": pl.Float64(),
    "warning": pl.Utf8(),
    "stale": pl.Boolean(),
    "opensdg_progress_value": pl.Float64(),
    "opensdg_status": pl.Utf8(),
    "opensdg_score": pl.Float64(),
    "projected_low": pl.Float64(),
    "projected_high": pl.Float64(),
    "n_window": pl.Int64(),
}


def _conform(
    frame: pl.DataFrame, schema: dict[str, pl.DataType], what: str, required: tuple[str, ...] | None = None
) -> pl.LazyFrame:
    """Select ``schema``'s columns cast to their types; absent optional columns become nulls."""
    required = tuple(schema) if required is None else required
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")
    return frame.lazy().select(
        pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c) for c, t in schema.items()
    )


def _prepare_indicators(indicators: pl.DataFrame) -> pl.DataFrame:
    ind = (
        _conform(indicators, INDICATOR_SCHEMA, "indicators", INDICATOR_REQUIRED)
        .with_columns(
            growth_model=pl.coalesce(
                pl.col.growth_model,
                pl.when(pl.col.unit == "%").then(pl.lit("linear")).otherwise(pl.lit("compound")),
            ),
            weight=pl.col.weight.fill_null(1.0),
            order=pl.int_range(pl.len(), dtype=pl.Int64),
        )
        .collect()
    )
    if ind["code"].null_count() or ind["code"].n_unique() != ind.height:
        raise ValueError("indicators: codes must be present and unique")
    if not ind["direction"].is_in([1, -1]).all():
        raise ValueError("indicators: direction must be 1 (higher is better) or -1 (lower is better)")
    if not ind["growth_model"].is_in(["linear", "compound"]).all():
        raise ValueError("indicators: growth_model must be 'linear' or 'compound'")
    if ind["target_year"].null_count():
        raise ValueError("indicators: every indicator needs a target_year")
    return ind


def _group_stats(obs: pl.LazyFrame) -> pl.LazyFrame:
    """Per (indicator, region): latest, earliest, the value in the plan's baseline year, the first
    observation from the baseline year on (Open SDG's base) and the window sums. ``obs`` is sorted by
    GROUP and year, one row per year."""
    from_plan_year = pl.col.year >= pl.col.plan_baseline_year
    groups = obs.group_by(GROUP).agg(
        indicator=pl.col.indicator.first(),
        region=pl.col.region.first(),
        latest_year=pl.col.year.last(),
        latest_value=pl.col.value.last(),
        first_year=pl.col.year.first(),
        first_value=pl.col.value.first(),
        own_base_value=pl.col.value.filter(pl.col.year == pl.col.plan_baseline_year).first(),
        sdg_year_plan=pl.col.year.filter(from_plan_year).first(),
        sdg_value_plan=pl.col.value.filter(from_plan_year).first(),
    )
    return groups.join(window_stats(obs, GROUP), on=GROUP, how="left").drop(GROUP)


def _observations(observations: pl.DataFrame, ind: pl.LazyFrame, as_of: int) -> pl.LazyFrame:
    """Usable observations of known indicators up to ``as_of``, sorted by (indicator, region, year) with
    integer group ids (strings sort slowly); of two rows for the same year the later one wins."""
    same_as_next = (
        (pl.col.iid == pl.col.iid.shift(-1))
        & (pl.col.rid == pl.col.rid.shift(-1))
        & (pl.col.year == pl.col.year.shift(-1))
    )
    return (
        _conform(observations, OBSERVATION_SCHEMA, "observations")
        .filter(
            (pl.col.year <= as_of)
            & pl.col.year.is_not_null()
            & pl.col.region.is_not_null()
            & pl.col.value.is_not_null()
            & pl.col.value.is_not_nan()
        )
        .join(
            ind.select("indicator", "plan_baseline_year", iid="order"),
            on="indicator",
            how="inner",
            maintain_order="left",  # input order decides which duplicate is the later one
        )
        .with_columns(rid=pl.col.region.cast(pl.Categorical).to_physical())
        .sort([*GROUP, "year"], maintain_order=True)
        .filter(~same_as_next.fill_null(False))
        .with_columns(latest_year=pl.col.year.last().over(GROUP))
    )


def _baseline_and_target(city_region: str) -> dict[str, pl.Expr]:
    c = pl.col
    plan_base = (
        (c.region == city_region) & c.baseline_value.is_not_null() & c.plan_baseline_year.is_not_null()
    )
    own_base = c.own_base_value.is_not_null()
    first_obs = c.latest_year.is_not_null()
    from_plan = plan_base | own_base
    inherit = (c.region == city_region) | c.kind.is_in(SHARED_TARGET_KINDS)
    return {
        "baseline_source": pl.when(from_plan)
        .then(pl.lit("plan"))
        .when(first_obs)
        .then(pl.lit("first_observation")),
        "baseline_year": pl.when(from_plan).then(c.plan_baseline_year).when(first_obs).then(c.first_year),
        "baseline_value": pl.when(plan_base)
        .then(c.baseline_value)
        .when(own_base)
        .then(c.own_base_value)
        .when(first_obs)
        .then(c.first_value),
        "sdg_base_year": pl.when(from_plan).then(c.sdg_year_plan).otherwise(c.first_year),
        "sdg_base_value": pl.when(from_plan).then(c.sdg_value_plan).otherwise(c.first_value),
        "target_value": pl.coalesce(c.regional_target, pl.when(inherit).then(c.target_value)),
    }


def _status_columns(as_of: int) -> list[dict[str, pl.Expr]]:
    """The definitions of issue 3 §3, in dependency order (each dict is one with_columns step)."""
    c = pl.col
    years_left = c.target_year - c.latest_year
    span = c.target_year - c.baseline_year
    ratio = _exact((c.observed_rate / c.required_rate).fill_nan(None))
    not_finite = ~c.progress.is_finite()
    step1 = {
        "achieved": _exact(c.direction * (c.latest_value - c.target_value)) >= 0,
        "time_elapsed": pl.when(c.latest_year.is_null() | c.baseline_year.is_null())
        .then(None)
        .when(span > 0)
        .then(((c.latest_year - c.baseline_year) / span).clip(0.0, 1.0))
        .otherwise(1.0),
        "observed_rate": pl.when(c.compound).then(c.slope.exp() - 1.0).otherwise(c.slope),
        "required_rate": pl.when(years_left > 0).then(
            pl.when(c.compound)
            .then((c.target_value / c.latest_value).pow(1.0 / years_left) - 1.0)
            .otherwise((c.target_value - c.latest_value) / years_left)
        ),
        "projected_value": pl.when(c.compound).then(c.pred.exp()).otherwise(c.pred),
        "stale": (as_of - c.latest_year) >= STALE_YEARS,
    }
    step2 = {
        "progress": pl.when(_exact(c.target_value - c.baseline_value) == 0)
        .then(c.achieved.cast(pl.Float64))
        .otherwise((c.latest_value - c.baseline_value) / (c.target_value - c.baseline_value)),
    }
    step3 = {
        "progress": pl.when(not_finite).then(None).otherwise(c.progress),
        "on_schedule": c.achieved | (_exact(c.progress) >= _exact(c.time_elapsed)),
        "trend": pl.when(c.latest_year.is_null())
        .then(pl.lit("no_data"))
        .when(c.target_value.is_null())
        .then(pl.lit("no_target"))
        .when(years_left <= 0)
        .then(pl.when(c.achieved).then(pl.lit("achieved")).otherwise(pl.lit("missed")))
        .when(c.achieved)
        .then(pl.lit("achieved"))
        .when(c.n_window < 2)
        .then(pl.lit("insufficient_data"))
        .when(ratio >= 1.0)
        .then(pl.lit("on_track"))
        .when(ratio >= 0.5)
        .then(pl.lit("moderately_improving"))
        .when(ratio > 0.0)
        .then(pl.lit("stagnating"))
        .otherwise(pl.lit("decreasing")),
    }
    green = c.achieved | (c.trend == "on_track") | (c.on_schedule & (c.trend != "decreasing"))
    red = c.trend.is_in(["stagnating", "decreasing", "missed"]) & ~c.on_schedule
    step4 = {
        "warning": pl.when(c.trend.is_in(["no_data", "no_target"]))
        .then(None)
        .when(green & ~c.stale)
        .then(pl.lit("green"))
        .when(red)
        .then(pl.lit("red"))
        .otherwise(pl.lit("yellow")),
    }
    return [step1, step2, step3, step4]


def _opensdg_columns() -> list[dict[str, pl.Expr]]:
    """Open SDG (Statistics Canada) progress measure beside the main method."""
    c = pl.col
    base = pl.when(c.sdg_base_value == 0).then(OPENSDG_ZERO).otherwise(c.sdg_base_value)
    target = pl.when(c.target_value == 0).then(OPENSDG_ZERO).otherwise(c.target_value)
    k_obs = c.latest_year - c.sdg_base_year
    k_target = c.target_year - c.sdg_base_year
    cagr_obs = pl.when((k_obs >= 1) & (c.latest_value / base >= 0)).then(
        (c.latest_value / base).pow(1.0 / k_obs) - 1.0
    )
    cagr_target = pl.when(k_target >= 1).then((target / base).pow(1.0 / k_target) - 1.0).fill_nan(None)
    sign = pl.when(base < 0).then(-1.0).otherwise(1.0)
    value = pl.when(_exact(cagr_target) != 0).then(sign * c.direction * cagr_obs / cagr_target.abs())
    raw, v = c.opensdg_progress_value, _exact(c.opensdg_progress_value)  # v decides, raw is scored
    step2 = {
        "opensdg_status": pl.when(c.achieved)
        .then(pl.lit("target_achieved"))
        .when(v.is_null())
        .then(pl.lit("not_available"))
        .when(v >= 0.95)
        .then(pl.lit("substantial_progress"))
        .when(v >= 0.6)
        .then(pl.lit("moderate_progress"))
        .when(v >= 0)
        .then(pl.lit("limited_progress"))
        .otherwise(pl.lit("deterioration")),
        "opensdg_score": pl.when(c.achieved)
        .then(5.0)
        .when(v.is_null())
        .then(None)
        .when(v >= 0.6)
        .then(pl.min_horizontal(7.1429 * raw - 4.2857, pl.lit(5.0)))
        .otherwise(pl.max_horizontal(4.1667 * raw - 2.5, pl.lit(-5.0))),
    }
    return [{"opensdg_progress_value": value.fill_nan(None)}, step2]


def evaluate(
    indicators: pl.DataFrame,
    observations: pl.DataFrame,
    as_of: int,
    regional_targets: pl.DataFrame | None = None,
    city_region: str = CITY_CODE,
) -> pl.DataFrame:
    """Evaluate every (indicator, region) with observations up to ``as_of``, plus one row per indicator
    for ``city_region`` even without observations (trend ``no_data``).

    ``observations`` hold the latest revision only; should a (indicator, region, year) still appear twice,
    the last row wins. Observations of unknown indicators, with null/NaN values or after ``as_of`` are
    ignored. Returns the columns of :data:`OUTPUT_SCHEMA`, rows in indicator order, the city first, then
    regions by code; numbers unrounded in the indicator's own units, nulls where undefined.
    """
    ind = _prepare_indicators(indicators)
    ind_lazy = ind.lazy().rename({"code": "indicator", "baseline_year": "plan_baseline_year"})
    groups = _group_stats(_observations(observations, ind_lazy, as_of)).collect().lazy()
    if regional_targets is None:
        targets = pl.LazyFrame(schema=TARGET_SCHEMA)
    else:
        targets = _conform(regional_targets, TARGET_SCHEMA, "regional_targets")
    targets = targets.filter(pl.col.target_value.is_not_null()).unique(subset=KEYS, keep="last")
    targets = targets.rename({"target_value": "regional_target"})

    keys = pl.concat(
        [ind_lazy.select("indicator", region=pl.lit(city_region, dtype=pl.Utf8)), groups.select(KEYS)]
    ).unique(subset=KEYS)
    frame = (
        keys.join(ind_lazy, on="indicator", how="inner")
        .join(groups, on=KEYS, how="left")
        .join(targets, on=KEYS, how="left")
        .with_columns(**_baseline_and_target(city_region))
        .with_columns(
            compound=(pl.col.growth_model == "compound")
            & ~(pl.col.window_min <= 0).fill_null(False)
            & ~(pl.col.target_value <= 0).fill_null(False),
            n_window=pl.col.n_window.fill_null(0),
        )
        .with_columns(**fit_columns(pl.col.compound, pl.col.target_value))
        .collect()
    )
    frame = t_probability_and_band(frame).lazy()
    for step in _status_columns(as_of) + _opensdg_columns():
        frame = frame.with_columns(**step)
    return (
        frame.with_columns(
            code=pl.col.indicator,
            growth_model=pl.when(pl.col.compound).then(pl.lit("compound")).otherwise(pl.lit("linear")),
            probability=pl.when(pl.col.target_value.is_not_null()).then(pl.col.probability),
            projected_low=pl.when(pl.col.compound).then(pl.col.band_low.exp()).otherwise(pl.col.band_low),
            projected_high=pl.when(pl.col.compound).then(pl.col.band_high.exp()).otherwise(pl.col.band_high),
        )
        .sort("order", pl.col.region != city_region, "region")
        .select(pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items())
        .collect()
    )


def plan_index_by_region(results: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """100 × weighted mean of clamp(progress, 0, 1) over the indicators with a progress figure, per region.

    Weights come from ``indicators.weight`` (missing → 1). Columns region, index (null when no indicator
    of the region has a progress figure or the weights sum to 0); rows sorted by region.
    """
    if "weight" in indicators.columns:
        weights = indicators.select("code", weight=pl.col.weight.cast(pl.Float64).fill_null(1.0))
    else:
        weights = indicators.select("code", weight=pl.lit(1.0))
    scored = (
        results.lazy()
        .select("code", "region", "progress")
        .join(weights.lazy(), on="code", how="left")
        .with_columns(
            weight=pl.when(pl.col.progress.is_not_null()).then(pl.col.weight.fill_null(1.0)).otherwise(0.0)
        )
    )
    total = pl.col.weight.sum()
    return (
        scored.group_by("region")
        .agg(
            index=pl.when(total > 0).then(
                100.0 * (pl.col.progress.clip(0.0, 1.0).fill_null(0.0) * pl.col.weight).sum() / total
            )
        )
        .sort("region")
        .collect()
    )


def plan_index(results: pl.DataFrame, indicators: pl.DataFrame, region: str = CITY_CODE) -> float | None:
    """The plan index of one region (by default the city): see :func:`plan_index_by_region`."""
    row = plan_index_by_region(results.filter(pl.col.region == region), indicators)
    return None if row.is_empty() else row["index"][0]
