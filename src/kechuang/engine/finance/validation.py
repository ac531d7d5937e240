"""Validation by outcomes (产业验证): how well the points separate loans that defaulted.

- ``discrimination(points, defaulted)``: AUC, KS and Gini with scikit-learn (``roc_auc_score``,
  ``roc_curve``). Higher points should mean lower risk, so the risk score given to sklearn is
  −points: AUC > 0.5 means the points rank defaulters below the others. Gini = 2·AUC − 1;
  KS = max(TPR − FPR) over the ROC curve.
- ``deciles(frame)``: decile 1 = the lowest points … 10 = the highest (by rank, ties in file order),
  with the loan count, default rate and mean next-year revenue and R&D growth.
- ``psi(expected, actual)``: population stability of the points distribution between two years:
  bins at the expected year's deciles, PSI = Σ (a − e) · ln(a / e), shares floored at 1e-4.

Pure: no Django import. Everything is whole-column (NumPy / Polars / sklearn).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score, roc_curve

PSI_FLOOR = 1e-4


@dataclass(frozen=True)
class Discrimination:
    n: int
    defaults: int
    auc: float | None  # None when only one class is present
    ks: float | None
    gini: float | None


def discrimination(points: np.ndarray, defaulted: np.ndarray) -> Discrimination:
    points = np.asarray(points, dtype=float)
    y = np.asarray(defaulted, dtype=bool)
    keep = np.isfinite(points)
    points, y = points[keep], y[keep]
    n, d = int(y.size), int(y.sum())
    if d == 0 or d == n:
        return Discrimination(n, d, None, None, None)
    risk = -points
    auc = float(roc_auc_score(y, risk))
    fpr, tpr, _ = roc_curve(y, risk)
    ks = float(np.max(tpr - fpr))
    return Discrimination(n, d, auc, ks, 2 * auc - 1)


def deciles(frame: pl.DataFrame, groups: int = 10) -> pl.DataFrame:
    """frame: points, defaulted (bool), revenue_growth_next, rd_growth_next (may be NULL)."""
    n = frame.height
    if n == 0:
        return pl.DataFrame(
            schema={
                "decile": pl.Int64,
                "loans": pl.UInt32,
                "points_min": pl.Float64,
                "points_max": pl.Float64,
                "defaults": pl.Int64,
                "default_rate": pl.Float64,
                "revenue_growth_next": pl.Float64,
                "rd_growth_next": pl.Float64,
            }
        )
    ranked = frame.with_columns(
        decile=((pl.col("points").rank("ordinal") - 1) * groups // n + 1).cast(pl.Int64)
    )
    return (
        ranked.group_by("decile")
        .agg(
            loans=pl.len(),
            points_min=pl.col("points").min(),
            points_max=pl.col("points").max(),
            defaults=pl.col("defaulted").cast(pl.Int64).sum(),
            default_rate=pl.col("defaulted").cast(pl.Float64).mean(),
            revenue_growth_next=pl.col("revenue_growth_next").mean(),
            rd_growth_next=pl.col("rd_growth_next").mean(),
        )
        .sort("decile")
    )


def psi(expected: np.ndarray, actual: np.ndarray, bins: int = 10) -> float | None:
    """Population stability index of ``actual`` against ``expected`` (bins: expected's quantiles)."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    e, a = e[np.isfinite(e)], a[np.isfinite(a)]
    if e.size == 0 or a.size == 0:
        return None
    edges = np.unique(np.quantile(e, np.linspace(0, 1, bins + 1))[1:-1])
    e_share = np.bincount(np.searchsorted(edges, e, side="right"), minlength=edges.size + 1) / e.size
    a_share = np.bincount(np.searchsorted(edges, a, side="right"), minlength=edges.size + 1) / a.size
    e_share = np.maximum(e_share, PSI_FLOOR)
    a_share = np.maximum(a_share, PSI_FLOOR)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))
