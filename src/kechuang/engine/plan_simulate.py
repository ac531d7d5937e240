"""Simulated observations for the demo (marked 模拟 wherever shown): the plan mid-way.

From each indicator's latest real city value (or a plausible start when it has none), a path toward
the target with indicator-specific pace and noise; towns get their own level around the city's for
shares and rates, and a share of the city's total for totals. Deterministic for a seed. Vectorised
with numpy over (indicator × region × year).
"""

from __future__ import annotations

import numpy as np
import polars as pl

# Start values for indicators the plan gives no 现值 for (「--」): plausible levels, used only here.
FALLBACK_START = {"digital_economy_share": 19.5, "science_literacy": 17.2}


def simulate(
    indicators: pl.DataFrame,
    observations: pl.DataFrame,
    regions: list[str],
    region_weights: dict[str, float],
    first_year: int,
    last_year: int,
    seed: int = 2026,
    city_region: str = "441900",
) -> pl.DataFrame:
    """indicators: code, kind, baseline_year, baseline_value, target_year, target_value.
    observations: indicator, region, year, value (real ones; the latest city value is the start).
    Returns indicator, region, year, value for first_year..last_year, city and the given towns."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    latest = (
        observations.filter(pl.col("region") == city_region)
        .sort("year")
        .group_by("indicator")
        .agg(pl.col("year").last().alias("start_year"), pl.col("value").last().alias("start_value"))
    )
    ind = indicators.join(latest, left_on="code", right_on="indicator", how="left").with_columns(
        start_value=pl.coalesce(
            "start_value",
            pl.col("code").replace_strict(FALLBACK_START, default=None, return_dtype=pl.Float64),
        ),
        start_year=pl.col("start_year").fill_null(first_year - 1),
    )
    ind = ind.filter(pl.col("start_value").is_not_null())
    n = ind.height
    start = ind["start_value"].to_numpy()
    target = ind["target_value"].to_numpy()
    start_year = ind["start_year"].to_numpy()
    target_year = ind["target_year"].to_numpy()
    # Pace relative to what the target needs: some ahead, some behind, one going backwards.
    pace = rng.choice([1.25, 1.0, 0.7, 0.35, -0.3], size=n, p=[0.25, 0.3, 0.2, 0.15, 0.1])
    elapsed = (years[None, :] - start_year[:, None]) / np.maximum(target_year - start_year, 1)[:, None]
    noise = rng.normal(0.0, 0.01, size=(n, years.size)) * np.abs(start)[:, None]
    city = start[:, None] + (target - start)[:, None] * elapsed * pace[:, None] + noise
    frames = [_frame(ind["code"], city_region, years, city)]

    kinds = ind["kind"].to_numpy()
    for region in regions:
        level = rng.lognormal(0.0, 0.35, size=n)
        growth = rng.normal(1.0, 0.25, size=n)
        weight = region_weights.get(region, 1.0 / max(len(regions), 1))
        share_like = np.isin(kinds, ["share", "rate"])
        base = np.where(share_like, start * level, start * weight)
        path = base[:, None] * (city / start[:, None]) ** growth[:, None]
        path = path * (1 + rng.normal(0.0, 0.02, size=path.shape))
        path = np.where(kinds[:, None] == "total", np.round(path), path)
        frames.append(_frame(ind["code"], region, years, np.maximum(path, 0.0)))
    out = pl.concat(frames)
    return out.with_columns(
        value=pl.when(pl.col("indicator") == "industrial_hightech_enterprises")
        .then(pl.col("value").round(0))
        .otherwise(pl.col("value").round(2))
    )


def _frame(codes: pl.Series, region: str, years: np.ndarray, values: np.ndarray) -> pl.DataFrame:
    n, m = values.shape
    return pl.DataFrame(
        {
            "indicator": np.repeat(codes.to_numpy(), m),
            "region": [region] * (n * m),
            "year": np.tile(years, n).astype(np.int32),
            "value": values.reshape(-1),
        }
    )
