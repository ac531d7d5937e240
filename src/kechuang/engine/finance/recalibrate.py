"""Recalibration (再校准): new indicator weights per stage from the loans' outcomes.

Input: for each loan, the enterprise's stage, whether it defaulted, and each indicator's *share*
r/m ∈ [0, 1] (its points under a model whose weights are all 1 — the points engine computes it, so
nothing here re-implements the scoring). A logistic regression (scikit-learn, L2) of default on the
shares gives a coefficient per indicator; an indicator whose higher share means lower risk (negative
coefficient) gets a weight proportional to −coefficient, the others 0. The weights of each stage are
scaled to the model's scale (or the stage's current total) and rounded to 0.1, the rounding rest
going to the largest weight, so the sum is exact. A stage with fewer than ``min_events`` defaults or
non-defaults uses the fit over all stages; with too few overall, the current weights stay.
Bonus indicators keep their weights. Pure: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from kechuang.engine.points.model import PointsModel

MIN_EVENTS = 10


def enough(defaulted, min_events: int = MIN_EVENTS) -> bool:
    """Whether loans' outcomes (True = default; a missing one counts as no default) have at least
    ``min_events`` defaults and as many non-defaults."""
    y = np.asarray(defaulted, dtype=bool)
    return min(int(y.sum()), int((~y).sum())) >= min_events


@dataclass(frozen=True)
class StageFit:
    stage: str
    weights: dict[str, float]
    source: str  # "stage" (own fit), "pooled" (all stages), "current" (too few outcomes)
    loans: int
    defaults: int


def _coefficients(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    fit = LogisticRegression(C=1.0, solver="liblinear", max_iter=1000).fit(x, y)
    return fit.coef_[0]


def _scaled(raw: np.ndarray, total: float) -> list[float]:
    if raw.sum() <= 0:
        return []
    w = np.round(raw / raw.sum() * total, 1)
    w[int(np.argmax(w))] += round(total - float(w.sum()), 1)
    return [float(round(v, 1)) for v in w]


def fit_weights(shares: pl.DataFrame, model: PointsModel, min_events: int = MIN_EVENTS) -> list[StageFit]:
    """shares: stage, defaulted, and ``<indicator>`` share columns for the model's indicators."""
    base = [i for i in model.indicators if not i.bonus]
    names = [i.code for i in base]
    x_all = shares.select(names).fill_null(0.0).to_numpy()
    y_all = shares["defaulted"].cast(pl.Boolean).to_numpy()
    pooled = None
    if enough(y_all, min_events):
        pooled = _coefficients(x_all, y_all)
    out = []
    for s in model.stages:
        mask = (shares["stage"] == s.code).fill_null(False).to_numpy()
        y = y_all[mask]
        current_total = sum(i.weights[s.code] for i in base)
        total = model.scale if model.scale is not None else current_total
        coef, source = None, "current"
        if enough(y, min_events):
            coef, source = _coefficients(x_all[mask], y), "stage"
        elif pooled is not None:
            coef, source = pooled, "pooled"
        weights = {i.code: float(i.weights[s.code]) for i in model.indicators}
        if coef is not None:
            scaled = _scaled(np.maximum(-coef, 0.0), total)
            if scaled:
                weights.update(dict(zip(names, scaled, strict=True)))
            else:
                source = "current"
        out.append(StageFit(s.code, weights, source, int(mask.sum()), int(y.sum())))
    return out


def with_weights(model: PointsModel, fits: list[StageFit]) -> PointsModel:
    """The model with the fitted weights (everything else unchanged)."""
    by_stage = {f.stage: f.weights for f in fits}
    indicators = [
        i.model_copy(
            update={"weights": {s: by_stage.get(s, {}).get(i.code, w) for s, w in i.weights.items()}}
        )
        for i in model.indicators
    ]
    return model.model_copy(update={"indicators": indicators})


def unit_model(model: PointsModel) -> PointsModel:
    """The model with every weight 1 and no scale: its indicator points are the shares r/m."""
    indicators = [i.model_copy(update={"weights": dict.fromkeys(i.weights, 1.0)}) for i in model.indicators]
    return model.model_copy(update={"indicators": indicators, "scale": None})


def points_with(shares: pl.DataFrame, model: PointsModel) -> pl.Series:
    """Each row's points under ``model`` from its stage and indicator shares (vectorised per stage)."""
    total = pl.lit(0.0)
    for i in model.indicators:
        weight = pl.lit(None, pl.Float64)
        for s in reversed(model.stages):
            weight = pl.when(pl.col("stage") == s.code).then(float(i.weights[s.code])).otherwise(weight)
        total = total + weight * pl.col(i.code).fill_null(0.0)
    return shares.select(total.alias("points"))["points"]
