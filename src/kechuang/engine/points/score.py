"""Scoring every enterprise of a registry with a points model (issue 10, section 2), on Polars.

``score(registry, facts, year, model)`` returns one row per registry enterprise, in registry order::

    credit_code, stage, excluded, points, rank, cohort_size, top_share, tier, <indicator>_points …

The contract:

- Excluded: the first exclusion whose ``when`` is true (NULL is false), else ``no_facts`` when the
  enterprise has no facts row for year Y. Exclusions are tested for every enterprise, so an enterprise
  without facts that an exclusion matches gets that exclusion's code. Excluded enterprises get no
  points, rank, cohort size, share, tier or indicator points (all empty); their stage is shown.
- Stage: the first stage whose ``when`` is true (NULL is false); none when no stage is true (such an
  enterprise is not excluded but has no cohort and no points).
- Cohort: the scored (not excluded) enterprises of the same stage.
- Indicator points: 0 for a missing or non-positive value; otherwise weight × r / m with m the number
  of cohort members with a positive value and r the average rank (ascending, ties share the mean rank)
  among them, so the highest value gets the full weight.
- points = the sum over the indicators in file order; rank = 1 + the number of cohort members with
  more than points + 1e-9; top_share = rank / cohort_size; tier = the first tier with top ≥ top_share.

All work is whole-column: Polars expressions (each indicator ranks only its positive values, in a
window over the stage, the indicators in parallel with collect_all) and NumPy array operations (the
points rank: one sort and a search of sorted queries per stage); the only loops are over the model's
stages and indicators. The stage and exclusion conditions and the indicator values are built by the
helpers below for any backend (Polars here, Spark in kechuang.engine.points.spark).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from kechuang.engine.points.model import NO_FACTS, PointsModel
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.derive import ROW, Frame, check_rows, derive_lazy

POINTS_TOLERANCE = 1e-9
HAS_FACTS = "__has_facts"
SCORED = "__scored"


def value_name(i: int) -> str:
    return f"__value_{i}"


def positive_name(i: int) -> str:
    return f"__positive_{i}"


def points_name(model: PointsModel, i: int) -> str:
    return f"{model.indicators[i].code}_points"


# ----------------------------------------------------------------------------------------------
# Expressions shared by the backends
# ----------------------------------------------------------------------------------------------


def stage_expr(b: Any, model: PointsModel) -> Any:
    """The code of the first stage whose condition is true (a NULL condition is false)."""
    return b.when([(b.sql(s.when), b.lit(s.code)) for s in model.stages], b.lit(None, "str"))


def excluded_expr(b: Any, model: PointsModel) -> Any:
    """The code of the first true exclusion, else no_facts without a facts row of Y, else NULL."""
    cases = [(b.sql(e.when), b.lit(e.code)) for e in model.exclusions]
    cases.append((~b.col(HAS_FACTS), b.lit(NO_FACTS)))
    return b.when(cases, b.lit(None, "str"))


def weight_expr(b: Any, model: PointsModel, i: int) -> Any:
    """The indicator's weight for the enterprise's stage."""
    ind = model.indicators[i]
    cases = [
        (b.col("stage") == b.lit(s.code), b.lit(float(ind.weights[s.code]), "float")) for s in model.stages
    ]
    return b.when(cases, b.lit(None, "float"))


def first_stage(b: Any, model: PointsModel) -> list[tuple[str, Any]]:
    """Stage, exclusion and the raw indicator values."""
    out = [("stage", stage_expr(b, model)), ("excluded", excluded_expr(b, model))]
    out += [(value_name(i), b.to_float(b.sql(ind.expr))) for i, ind in enumerate(model.indicators)]
    return out


def second_stage(b: Any, model: PointsModel) -> list[tuple[str, Any]]:
    """Whether scored, and each indicator's value where it counts (scored and positive), else NULL."""
    scored = b.is_null(b.col("excluded")) & ~b.is_null(b.col("stage"))
    out = [(SCORED, scored)]
    for i in range(len(model.indicators)):
        v = b.col(value_name(i))
        positive = scored & (v > 0) & ~_is_nan(b, v)  # NaN (0/0 in an expression) counts as missing
        out.append((positive_name(i), b.when([(positive, v)], b.lit(None, "float"))))
    return out


def _is_nan(b: Any, e: Any) -> Any:
    if b.name == "spark":
        return b.F.isnan(e)
    return e.is_nan()


def tier_expr(b: Any, model: PointsModel, top_share: Any) -> Any:
    if not model.tiers:
        return b.lit(None, "str")
    return b.when(
        [(top_share <= b.lit(float(t.top), "float"), b.lit(t.code)) for t in model.tiers], b.lit(None, "str")
    )


# ----------------------------------------------------------------------------------------------
# Polars
# ----------------------------------------------------------------------------------------------


def _with_facts_flag(lf: pl.LazyFrame, facts: Frame, year: int) -> pl.LazyFrame:
    codes = facts.lazy().select(pl.col("credit_code").cast(pl.Utf8), pl.col("year").cast(pl.Int32))
    present = codes.filter(pl.col("year") == year).select(pl.col("credit_code").drop_nulls()).collect()
    return lf.with_columns(pl.col("credit_code").is_in(present["credit_code"].implode()).alias(HAS_FACTS))


STAGE_NO = "__stage_no"
INDEX = "__index"


def values_lazy(
    registry: Frame, facts: Frame, year: int, model: PointsModel, keep_values: bool = False
) -> pl.LazyFrame:
    """Registry order (ROW), stage (code and number), excluded, whether scored, the positive values
    (and, with ``keep_values``, each indicator's raw value)."""
    b = PolarsBackend()
    lf = _with_facts_flag(derive_lazy(registry, facts, year), facts, year)
    lf = lf.with_columns([e.alias(n) for n, e in first_stage(b, model)])
    lf = lf.with_columns([e.alias(n) for n, e in second_stage(b, model)])
    codes = [s.code for s in model.stages]
    number = pl.col("stage").replace_strict(codes, list(range(len(codes))), default=-1, return_dtype=pl.Int32)
    positives = [positive_name(i) for i in range(len(model.indicators))]
    raw = [value_name(i) for i in range(len(model.indicators))] if keep_values else []
    return lf.select(
        ROW, "credit_code", "stage", "excluded", SCORED, number.alias(STAGE_NO), *positives, *raw
    )


def indicator_points(frame: pl.DataFrame, model: PointsModel) -> list[np.ndarray]:
    """Each indicator's points per row (NaN where not scored): weight × r / m over the positive values
    of the row's stage. Each indicator ranks only its positive values (sparse indicators are cheap)
    and the indicators run in parallel (collect_all)."""
    base = frame.lazy().select(STAGE_NO, *[positive_name(i) for i in range(len(model.indicators))])
    base = base.with_row_index(INDEX)
    stage_no = pl.col(STAGE_NO)
    plans = []
    for i, ind in enumerate(model.indicators):
        vp = pl.col(positive_name(i))
        weight = pl.lit(None, dtype=pl.Float64)
        for k in reversed(range(len(model.stages))):
            weight = (
                pl.when(stage_no == k)
                .then(pl.lit(float(ind.weights[model.stages[k].code])))
                .otherwise(weight)
            )
        share = weight * vp.rank("average").over(STAGE_NO) / vp.count().over(STAGE_NO)
        plans.append(
            base.select(INDEX, STAGE_NO, vp).filter(vp.is_not_null()).select(INDEX, share.alias("share"))
        )
    scored = frame[SCORED].to_numpy()
    out = []
    for result in pl.collect_all(plans):  # over indicators, not rows
        points = np.where(scored, 0.0, np.nan)
        points[result[INDEX].to_numpy()] = result["share"].to_numpy()
        out.append(points)
    return out


def greater_counts(stage: np.ndarray, points: np.ndarray, scored: np.ndarray, stages: int) -> np.ndarray:
    """For each scored row: the number of scored rows of its stage with points > its points + 1e-9.
    ``stage`` holds each row's stage number (0 … stages − 1)."""
    out = np.zeros(points.size, dtype=np.int64)
    for code in range(stages):  # over stages, not rows
        mask = scored & (stage == code)
        if not mask.any():
            continue
        own = points[mask]
        order = np.argsort(own, kind="stable")
        ordered = own[order]
        # Sorted queries: one cache-friendly pass instead of a random probe per row.
        counts = np.empty(own.size, dtype=np.int64)
        counts[order] = ordered.size - np.searchsorted(ordered, ordered + POINTS_TOLERANCE, side="right")
        out[mask] = counts
    return out


def score(registry: Frame, facts: Frame, year: int, model: PointsModel) -> pl.DataFrame:
    """Score every enterprise of ``registry`` for year ``year``; one row each, in registry order."""
    frame = values_lazy(registry, facts, year, model).sort(ROW).collect()
    check_rows(frame, registry)
    return _score_frame(frame, model)


def score_detailed(registry: Frame, facts: Frame, year: int, model: PointsModel) -> pl.DataFrame:
    """``score``'s columns, then ``<indicator>_value`` (the value behind each indicator's points, NULL
    when missing or NaN) for each indicator — what the stored scores and the portrait show."""
    frame = values_lazy(registry, facts, year, model, keep_values=True).sort(ROW).collect()
    check_rows(frame, registry)
    out = _score_frame(frame, model)
    return out.with_columns(
        frame[value_name(i)].fill_nan(None).alias(f"{ind.code}_value")
        for i, ind in enumerate(model.indicators)
    )


def _score_frame(frame: pl.DataFrame, model: PointsModel) -> pl.DataFrame:
    per_indicator = indicator_points(frame, model)
    scored = frame[SCORED].to_numpy()
    stage_no = frame[STAGE_NO].to_numpy()
    total = np.where(scored, 0.0, np.nan)
    if per_indicator:
        total = per_indicator[0].copy()
        for points in per_indicator[1:]:  # in file order: the same sum as ((p0 + p1) + p2) …
            total += points
    stages = len(model.stages)
    sizes = np.bincount(stage_no[scored], minlength=stages) if scored.any() else np.zeros(stages, np.int64)
    cohort = np.where(scored, sizes[np.clip(stage_no, 0, None)], 0)
    greater = greater_counts(stage_no, np.nan_to_num(total), scored, stages)
    when_scored = pl.Series(scored)
    out = pl.DataFrame(
        {
            "credit_code": frame["credit_code"].cast(pl.Utf8),
            "stage": frame["stage"].cast(pl.Utf8),
            "excluded": frame["excluded"].cast(pl.Utf8),
            "points": pl.Series(total, dtype=pl.Float64, nan_to_null=True),
            "rank": pl.select(pl.when(when_scored).then(pl.Series(greater + 1, dtype=pl.Int64))).to_series(),
            "cohort_size": pl.select(
                pl.when(when_scored).then(pl.Series(cohort, dtype=pl.Int64))
            ).to_series(),
        }
    )
    out = out.with_columns((pl.col("rank") / pl.col("cohort_size")).alias("top_share"))
    out = out.with_columns(tier_expr(PolarsBackend(), model, pl.col("top_share")).cast(pl.Utf8).alias("tier"))
    return out.with_columns(
        pl.Series(points_name(model, i), p, dtype=pl.Float64, nan_to_null=True)
        for i, p in enumerate(per_indicator)
    )


def output_schema(model: PointsModel) -> list[str]:
    return model.output_columns()
