"""Where an enterprise gains most points with a realistic improvement (精准画像: 提升建议).

For each scored enterprise and indicator, the *realistic target* is the value of the next higher
cohort member: the smallest positive value in the cohort (same stage) that is greater than the
enterprise's own value (for a missing, zero or negative value: the smallest positive value). Had the
enterprise that value, its indicator points would be recomputed by the contract's own formula with
the enterprise moved: it then ties with the holders of the target value, so

    r' = (positives below the target, itself not counted) + (holders of the target + 2) / 2
    m' = m (its value was already positive) or m + 1 (it was not)
    points' = weight × r' / m'

and the gain is points' − its current points of that indicator. Nothing is proposed for an indicator
where it already has the cohort's highest value or whose weight is 0. ``improvements(detail, model,
top=3)`` returns, per row of ``score_detailed``'s output, the ``top`` indicators with the largest
gain: columns ``improve<j>_indicator``, ``improve<j>_value``, ``improve<j>_target``,
``improve<j>_gain`` (j = 1 … top; NULL where fewer apply).

Whole-column NumPy: one sort and one search of sorted values per stage and indicator (loops over the
model's stages and indicators, never over rows).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kechuang.engine.points.model import PointsModel

GAIN_TOLERANCE = 1e-9


def _gains(values: np.ndarray, points: np.ndarray, in_cohort: np.ndarray, weight: float):
    """(target, gain) arrays for one indicator and one cohort (rows outside the cohort: NaN)."""
    n = values.size
    target = np.full(n, np.nan)
    gain = np.full(n, np.nan)
    if weight == 0 or not in_cohort.any():
        return target, gain
    v = np.where(np.isnan(values), 0.0, values)
    positive = in_cohort & (v > 0)
    uniq, counts = np.unique(v[positive], return_counts=True)
    if uniq.size == 0:
        return target, gain
    below = np.concatenate(([0], np.cumsum(counts)))  # positives below uniq[k]
    m = int(counts.sum())
    own = np.where(v > 0, v, 0.0)
    idx = np.searchsorted(uniq, own, side="right")  # the first value strictly greater
    has = in_cohort & (idx < uniq.size)
    k = idx[has]
    was_positive = positive[has]
    less = below[k] - was_positive.astype(np.int64)
    rank = less + (counts[k] + 2) / 2.0
    size = np.where(was_positive, m, m + 1)
    new_points = weight * rank / size
    current = np.where(np.isnan(points[has]), 0.0, points[has])
    target[has] = uniq[k]
    gain[has] = new_points - current
    return target, gain


def improvements(detail: pl.DataFrame, model: PointsModel, top: int = 3) -> pl.DataFrame:
    """The ``top`` indicators with the largest realistic gain for each row of ``detail`` (the output
    of ``score_detailed``), best first; see the module text."""
    n = detail.height
    k = len(model.indicators)
    scored = (detail["excluded"].is_null() & detail["stage"].is_not_null()).to_numpy()
    stage = detail["stage"].fill_null("").to_numpy()
    values = np.full((n, k), np.nan)
    targets = np.full((n, k), np.nan)
    gains = np.full((n, k), np.nan)
    for i, ind in enumerate(model.indicators):
        v = detail[f"{ind.code}_value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        p = detail[f"{ind.code}_points"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        values[:, i] = v
        for s in model.stages:  # over the model's stages, not rows
            in_cohort = scored & (stage == s.code)
            t, g = _gains(v, p, in_cohort, float(ind.weights[s.code]))
            targets[in_cohort, i] = t[in_cohort]
            gains[in_cohort, i] = g[in_cohort]
    ranked = np.where(np.isnan(gains) | (gains <= GAIN_TOLERANCE), -np.inf, gains)
    # Best first; among equal gains the indicator earlier in the file (stable sort).
    order = np.argsort(-ranked, axis=1, kind="stable")[:, :top]
    rows = np.arange(n)[:, None]
    chosen_gain = ranked[rows, order]
    ok = np.isfinite(chosen_gain)
    codes = pl.Series([ind.code for ind in model.indicators], dtype=pl.Utf8)
    columns = {}
    for j in range(min(top, k)):
        pick, valid = order[:, j], ok[:, j]
        names = codes.gather(pl.Series(pick))
        columns[f"improve{j + 1}_indicator"] = pl.select(pl.when(pl.Series(valid)).then(names)).to_series()
        columns[f"improve{j + 1}_value"] = pl.Series(
            np.where(valid, values[np.arange(n), pick], np.nan), nan_to_null=True
        )
        columns[f"improve{j + 1}_target"] = pl.Series(
            np.where(valid, targets[np.arange(n), pick], np.nan), nan_to_null=True
        )
        columns[f"improve{j + 1}_gain"] = pl.Series(
            np.where(valid, chosen_gain[:, j], np.nan), nan_to_null=True
        )
    return pl.DataFrame(
        columns, schema_overrides={c: pl.Float64 for c in columns if not c.endswith("indicator")}
    )
