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

All work is whole-column; the only loops are over the model's stages and indicators:

1. One lazy Polars plan (``values_lazy``) on the derived columns: the stage and the model's exclusion
   as small numbers, each indicator's positive values, the registry row number, and whether the join
   found the facts of Y with a revenue. It is collected in the joins' order: nothing is sorted.
2. ``no_facts`` is settled by looking up only the rows that the join left without a revenue.
3. NumPy (``kechuang.engine.points.ranks``): per stage and indicator one sort of the positive values
   gives the average ranks; the points are written straight to their registry positions; the points
   rank is one sort and a search of sorted queries per stage.

This is about twice as fast as window ranks over the stage in Polars (docs/benchmarks.md; the plain
window form is the reference in tests/engine/test_points_reference.py, which must give the same
frame). The stage and exclusion conditions, weights and tiers are also built by the helpers below
for any backend (Spark in kechuang.engine.points.spark).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import polars as pl

from kechuang.engine.points.model import NO_FACTS, PointsModel
from kechuang.engine.points.ranks import average_ranks, greater_counts, stage_members
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.derive import ROW, Frame, check_rows, derive_lazy

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


STAGE_NO = "__stage_no"
EXCLUDED_NO = "__excluded_no"
FACTS_SEEN = "__facts_seen"


def _first_true(conditions: list[pl.Expr]) -> pl.Expr:
    """The position of the first true condition (a NULL condition is false), else NULL: the stage
    and the exclusion as small integers, turned into their codes only for the output."""
    b = PolarsBackend()
    if not conditions:
        return b.lit(None, "int")
    return b.when([(c, b.lit(k, "int")) for k, c in enumerate(conditions)], b.lit(None, "int"))


def values_lazy(
    registry: Frame, facts: Frame, year: int, model: PointsModel, keep_values: bool = False
) -> pl.LazyFrame:
    """In the joins' order (not the registry's): the registry row number (ROW), the stage and the
    model's exclusion as numbers (see ``_first_true``; −1 when none), whether the join found the
    facts of Y (``FACTS_SEEN``: their revenue is not NULL; see ``_has_facts``), each indicator's value
    where it is positive (NULL otherwise: missing, NaN from 0/0, zero or negative) and, with
    ``keep_values``, each indicator's raw value."""
    b = PolarsBackend()
    lf = derive_lazy(registry, facts, year)
    values = [b.to_float(b.sql(ind.expr)).alias(value_name(i)) for i, ind in enumerate(model.indicators)]
    lf = lf.with_columns(
        _first_true([b.sql(s.when) for s in model.stages]).fill_null(-1).alias(STAGE_NO),
        _first_true([b.sql(e.when) for e in model.exclusions]).fill_null(-1).alias(EXCLUDED_NO),
        pl.col("revenue").is_not_null().alias(FACTS_SEEN),
        *values,
    )
    positives = []
    for i in range(len(model.indicators)):
        v = pl.col(value_name(i))
        positives.append(pl.when((v > 0) & ~v.is_nan()).then(v).alias(positive_name(i)))
    raw = [value_name(i) for i in range(len(model.indicators))] if keep_values else []
    return lf.select(ROW, STAGE_NO, EXCLUDED_NO, FACTS_SEEN, *positives, *raw)


def _has_facts(seen: np.ndarray, row: np.ndarray, codes: pl.Series, facts: Frame, year: int) -> np.ndarray:
    """Whether each row (registry row ``row``) has a facts row of year Y. Where the left join found one
    with a revenue (``seen``) it has; only the others' credit codes (of ``codes``, the registry's)
    are looked up among the facts of Y — a small set to probe, instead of hashing every registry
    code. A NULL credit code counts as having facts: ``is_in`` leaves it NULL, and the no_facts
    condition NULL is false (as the Polars engine has always read it)."""
    unknown = np.flatnonzero(~seen)
    out = seen.copy()
    if unknown.size:
        asked = codes.gather(row[unknown])
        present = (
            facts.lazy()
            .select(pl.col("credit_code").cast(pl.Utf8), pl.col("year").cast(pl.Int32))
            .filter((pl.col("year") == year) & pl.col("credit_code").is_in(asked.drop_nulls().implode()))
            .select("credit_code")
            .collect()
            .to_series()
        )
        out[unknown] = asked.is_in(present.implode()).fill_null(True).to_numpy()
    return out


class _Frame:
    """The collected values, in the joins' order; ``row``: each one's registry row number; the
    registry's credit codes; whether scored, the stage and the exclusion (``no_facts`` last) in the
    joins' order."""

    def __init__(self, frame: pl.DataFrame, registry: Frame, facts: Frame, year: int, model: PointsModel):
        check_rows(frame, registry)  # so ROW is 0 … n − 1, each once
        self.frame = frame
        self.row = frame[ROW].to_numpy()
        self.codes = registry.lazy().select(pl.col("credit_code").cast(pl.Utf8)).collect().to_series()
        has_facts = _has_facts(frame[FACTS_SEEN].to_numpy(), self.row, self.codes, facts, year)
        self.stage = frame[STAGE_NO].to_numpy()
        excluded = frame[EXCLUDED_NO].to_numpy()
        self.excluded = np.where((excluded < 0) & ~has_facts, len(model.exclusions), excluded)
        self.scored = (self.excluded < 0) & (self.stage >= 0)

    def in_registry_order(self, values: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        out[self.row] = values
        return out

    def column(self, name: str) -> pl.Series:
        """A column of the frame in registry order."""
        return self.frame.select(ROW, name).sort(ROW)[name]


def indicator_points(values: _Frame, model: PointsModel) -> list[np.ndarray]:
    """Each indicator's points per registry row (NaN where not scored): weight × r / m over the
    positive values of the row's stage — per stage and indicator one sort of the positive values
    (``average_ranks``), written straight to the registry positions; the loops are over the model's
    stages and indicators, never over rows. The indicators run on Polars' number of threads (NumPy's
    sorts and indexing release the GIL)."""
    members = stage_members(values.stage, values.scored, len(model.stages))
    positions = [values.row[rows] for rows in members]  # the same rows' registry positions
    registry_scored = values.in_registry_order(values.scored)

    def one(i: int) -> np.ndarray:
        ind = model.indicators[i]
        positive = values.frame[positive_name(i)].to_numpy()  # NaN where NULL: not positive
        points = np.where(registry_scored, 0.0, np.nan)
        for stage, rows, where in zip(model.stages, members, positions, strict=True):
            v = positive[rows]
            counted = ~np.isnan(v)
            v = v[counted]
            if v.size:  # (weight × r) / m, as the contract orders it
                points[where[counted]] = float(ind.weights[stage.code]) * average_ranks(v) / v.size
        return points

    workers = min(pl.thread_pool_size(), len(model.indicators))
    if workers <= 1:
        return [one(i) for i in range(len(model.indicators))]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(len(model.indicators))))


def score(registry: Frame, facts: Frame, year: int, model: PointsModel) -> pl.DataFrame:
    """Score every enterprise of ``registry`` for year ``year``; one row each, in registry order."""
    values = _Frame(values_lazy(registry, facts, year, model).collect(), registry, facts, year, model)
    return _score_frame(values, model)


def score_detailed(registry: Frame, facts: Frame, year: int, model: PointsModel) -> pl.DataFrame:
    """``score``'s columns, then ``<indicator>_value`` (the value behind each indicator's points, NULL
    when missing or NaN) for each indicator — what the stored scores and the portrait show."""
    lf = values_lazy(registry, facts, year, model, keep_values=True)
    values = _Frame(lf.collect(), registry, facts, year, model)
    out = _score_frame(values, model)
    return out.with_columns(
        values.column(value_name(i)).fill_nan(None).alias(f"{ind.code}_value")
        for i, ind in enumerate(model.indicators)
    )


def _codes(numbers: np.ndarray, codes: list[str]) -> pl.Series:
    """Numbers 0 … n − 1 as the n codes (anything else as NULL)."""
    return pl.Series(numbers).replace_strict(
        list(range(len(codes))), codes, default=None, return_dtype=pl.Utf8
    )


def _score_frame(values: _Frame, model: PointsModel) -> pl.DataFrame:
    per_indicator = indicator_points(values, model)
    scored = values.in_registry_order(values.scored)
    stage_no = values.in_registry_order(values.stage)
    excluded_no = values.in_registry_order(values.excluded)
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
            "credit_code": values.codes,
            "stage": _codes(stage_no, [s.code for s in model.stages]),
            "excluded": _codes(excluded_no, [e.code for e in model.exclusions] + [NO_FACTS]),
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
