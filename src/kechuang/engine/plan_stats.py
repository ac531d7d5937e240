"""Trend statistics for plan evaluation: OLS over the recent window and the Student-t prediction at the
target year (issue 3, section 3). Pure Polars + NumPy/SciPy, no Django; used by ``plan_eval``.

Years enter the regression as x = year − t* (t* = the latest year), so the sums stay small and exact
enough to tell a perfect fit (s = 0) from a noisy one.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats

KEYS = ["indicator", "region"]
WINDOW_YEARS = 5  # the window is [t* − 5, t*]
PREDICTION_LEVEL = 0.80  # the band drawn around the projection
# RSS ≤ this × Σ(y − ȳ)² is a perfect fit (s = 0): rounding leaves ~1e-16 relative residue.
EXACT_FIT = 1e-12
# With s = 0 the prediction is compared with the target up to this relative tolerance.
EXACT_GAP = 1e-9


def window_stats(rows: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Centred OLS sums per group over the observations with year ≥ latest_year − 5.

    ``rows`` has ``keys``, year, value, latest_year. Returns ``keys``, n_window, window_min, x_mean, sxx and,
    for the linear scale (``_lin``) and the log scale (``_log``), y_mean, sxy, syy. The log-scale sums
    are meaningless when window_min ≤ 0; the caller then uses the linear ones.
    """
    win = rows.filter(pl.col.year >= pl.col.latest_year - WINDOW_YEARS).with_columns(
        x=(pl.col.year - pl.col.latest_year).cast(pl.Float64),
        y_lin=pl.col.value,
        y_log=pl.when(pl.col.value > 0).then(pl.col.value.log()),
    )
    # centre row by row (fast window kernels), then plain sums per group
    win = win.with_columns(
        (pl.col(c) - pl.col(c).mean().over(keys)).alias(f"{c}_c") for c in ("x", "y_lin", "y_log")
    )
    aggs = [
        pl.len().cast(pl.Int64).alias("n_window"),
        pl.col.value.min().alias("window_min"),
        pl.col.x.mean().alias("x_mean"),
        (pl.col.x_c**2).sum().alias("sxx"),
    ]
    for scale in ("lin", "log"):
        y = f"y_{scale}"
        aggs += [
            pl.col(y).mean().alias(f"y_mean_{scale}"),
            (pl.col.x_c * pl.col(f"{y}_c")).sum().alias(f"sxy_{scale}"),
            (pl.col(f"{y}_c") ** 2).sum().alias(f"syy_{scale}"),
        ]
    return win.group_by(keys).agg(aggs)


def fit_columns(use_log: pl.Expr, target: pl.Expr) -> dict[str, pl.Expr]:
    """Expressions for the fit on the chosen scale, given ``use_log`` (compound) and the target value.

    Needs the columns of :func:`window_stats` plus latest_year, target_year, direction. Produces
    slope, pred (at the target year, model scale), s, se (prediction standard error) and gap =
    d·(pred − target on the model scale); nulls where n is too small.
    """

    def pick(name: str) -> pl.Expr:
        return pl.when(use_log).then(pl.col(f"{name}_log")).otherwise(pl.col(f"{name}_lin"))

    n = pl.col.n_window
    slope = pl.when(n >= 2).then(pick("sxy") / pl.col.sxx)
    dx = (pl.col.target_year - pl.col.latest_year).cast(pl.Float64) - pl.col.x_mean
    pred = pick("y_mean") + slope * dx
    rss = pick("syy") - slope * pick("sxy")
    rss = pl.when(rss <= EXACT_FIT * pick("syy")).then(0.0).otherwise(rss)
    s = pl.when(n >= 3).then((rss / (n - 2)).sqrt())
    se = s * (1.0 + 1.0 / n + dx**2 / pl.col.sxx).sqrt()
    target_m = pl.when(use_log).then(target.log()).otherwise(target)
    return {
        "slope": slope,
        "pred": pred,
        "se": se,
        "gap": pl.col.direction * (pred - target_m),
        "gap_scale": pl.max_horizontal(target_m.abs(), pred.abs(), pl.lit(1.0)),
    }


def t_probability_and_band(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``probability`` (of meeting the target at the target year) and ``band_low``/``band_high``
    (the central PREDICTION_LEVEL interval on the model scale) from n_window, pred, se, gap, gap_scale.

    One vectorised scipy call each over the whole frame; n < 3 gives nulls; s = 0 gives 1 or 0.
    """
    n = frame["n_window"].cast(pl.Float64).fill_null(0.0).to_numpy()
    pred = frame["pred"].cast(pl.Float64).to_numpy(allow_copy=True)
    se = frame["se"].cast(pl.Float64).to_numpy(allow_copy=True)
    gap = frame["gap"].cast(pl.Float64).to_numpy(allow_copy=True)
    scale = frame["gap_scale"].cast(pl.Float64).to_numpy(allow_copy=True)
    ok = n >= 3
    dof = np.where(ok, n - 2.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = ok & (se == 0)
        z = np.where(ok & (se > 0), gap / se, np.nan)
        prob = stats.t.cdf(z, dof)
        prob = np.where(exact, np.where(gap >= -EXACT_GAP * scale, 1.0, 0.0), prob)
        prob = np.where(np.isnan(gap), np.nan, prob)
        q = stats.t.ppf(0.5 + PREDICTION_LEVEL / 2.0, dof)
        half = np.where(exact, 0.0, q * se)
        low, high = pred - half, pred + half
        low, high = np.where(ok, low, np.nan), np.where(ok, high, np.nan)
    return frame.with_columns(
        pl.Series("probability", prob, dtype=pl.Float64, nan_to_null=True),
        pl.Series("band_low", low, dtype=pl.Float64, nan_to_null=True),
        pl.Series("band_high", high, dtype=pl.Float64, nan_to_null=True),
    )
