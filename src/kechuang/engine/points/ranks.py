"""Ranks for the points engine, on NumPy arrays: whole-array sorts and searches, never a loop over
rows (the loops are over a model's stages). Used by kechuang.engine.points.score.

- ``average_ranks(values)``: 1-based ascending ranks, ties sharing the mean of their positions —
  what Polars' ``rank("average")`` gives, from one sort (NumPy's vectorised sort is several times
  faster than a window rank over the stage).
- ``stage_members(stage, scored, stages)``: the positions of each stage's scored rows.
- ``greater_counts(stage, points, scored, stages)``: per scored row, how many of its stage have more
  than its points + 1e-9 (the points rank − 1).
"""

from __future__ import annotations

import numpy as np

POINTS_TOLERANCE = 1e-9


def average_ranks(values: np.ndarray) -> np.ndarray:
    """The average rank (1-based, ascending; ties share the mean of the positions they occupy) of
    each of ``values`` (no NaN), as Polars' ``rank("average")``: one sort, then runs of equal values."""
    order = np.argsort(values)
    ordered = values[order]
    m = ordered.size
    new_run = np.empty(m, dtype=bool)
    new_run[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], m)
    ranks = np.empty(m, dtype=np.float64)
    # a run occupying positions starts … ends − 1 (0-based) has the ranks starts + 1 … ends
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    return ranks


def stage_members(stage: np.ndarray, scored: np.ndarray, stages: int) -> list[np.ndarray]:
    """The positions of the scored rows of each stage (one stable counting sort, not a loop)."""
    rows = np.flatnonzero(scored)
    by_stage = rows[np.argsort(stage[rows].astype(np.int16), kind="stable")]
    bounds = np.searchsorted(stage[by_stage], np.arange(stages + 1))
    return [by_stage[bounds[k] : bounds[k + 1]] for k in range(stages)]


def greater_counts(stage: np.ndarray, points: np.ndarray, scored: np.ndarray, stages: int) -> np.ndarray:
    """For each scored row: the number of scored rows of its stage with points > its points + 1e-9.
    ``stage`` holds each row's stage number (0 … stages − 1)."""
    out = np.zeros(points.size, dtype=np.int64)
    for code in range(stages):  # over stages, not rows
        mask = scored & (stage == code)
        if not mask.any():
            continue
        own = points[mask]
        order = np.argsort(own)  # ties give the same count in any order
        ordered = own[order]
        # Sorted queries: one cache-friendly pass instead of a random probe per row.
        counts = np.empty(own.size, dtype=np.int64)
        counts[order] = ordered.size - np.searchsorted(ordered, ordered + POINTS_TOLERANCE, side="right")
        out[mask] = counts
    return out
