"""Optimal binning of the points against default (optbinning), for the validation report.

``points_binning(points, defaulted)`` fits optbinning's ``OptimalBinning`` (constraint programming)
with the default rate forced to fall as the points rise (``monotonic_trend="descending"``), at most
``MAX_BINS`` bins of at least ``MIN_SHARE`` of the loans each. Each bin: its points interval
[low, high), loans, defaults, default rate, weight of evidence and information value as optbinning
computes them — WoE = ln(share of the non-defaults ÷ share of the defaults), so a negative WoE is a
riskier bin; IV = Σ (share of non-defaults − share of defaults) × WoE. The total IV is a usual
reading of how much the points say about default (< 0.02 nothing, 0.1–0.3 medium, > 0.3 strong).

optbinning is imported only when this runs (it brings ortools and is slow to import). Pure: no
Django import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_BINS = 6
MIN_SHARE = 0.05
MIN_LOANS = 20


@dataclass(frozen=True)
class PointsBin:
    low: float | None  # None: −∞
    high: float | None  # None: +∞
    loans: int
    defaults: int
    default_rate: float
    woe: float
    iv: float


@dataclass(frozen=True)
class Binning:
    bins: list[PointsBin]
    iv: float
    status: str  # optbinning's solver status (OPTIMAL or FEASIBLE)


def points_binning(points: np.ndarray, defaulted: np.ndarray) -> Binning | None:
    """The monotone optimal binning of ``points`` against ``defaulted``; None with fewer than
    ``MIN_LOANS`` loans, only one class, or no solution."""
    x = np.asarray(points, dtype=float)
    y = np.asarray(defaulted, dtype=bool)
    keep = np.isfinite(x)
    x, y = x[keep], y[keep]
    if x.size < MIN_LOANS or y.all() or not y.any():
        return None
    from optbinning import OptimalBinning

    ob = OptimalBinning(
        name="points",
        dtype="numerical",
        solver="cp",
        monotonic_trend="descending",
        max_n_bins=MAX_BINS,
        min_bin_size=MIN_SHARE,
    )
    ob.fit(x, y.astype(int))
    if ob.status not in ("OPTIMAL", "FEASIBLE"):
        return None
    table = ob.binning_table.build()
    edges = [None, *[float(s) for s in ob.splits], None]
    bins = []
    for k in range(len(edges) - 1):  # the table's first rows are the bins, then Special, Missing
        row = table.iloc[k]
        bins.append(
            PointsBin(
                low=edges[k],
                high=edges[k + 1],
                loans=int(row["Count"]),
                defaults=int(row["Event"]),
                default_rate=float(row["Event rate"]),
                woe=float(row["WoE"]),
                iv=float(row["IV"]),
            )
        )
    iv = math.fsum(b.iv for b in bins)
    return Binning(bins=bins, iv=iv, status=str(ob.status))
