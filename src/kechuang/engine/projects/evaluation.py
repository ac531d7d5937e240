"""Classified evaluation (分类评价) of funded projects: pure (no Django), vectorised Polars.

- ``score_problems(criteria, scores)`` → the problems of one evaluation's criterion scores against
  its class's criteria (``criterion``, ``weight``), as dicts (``problem``: ``unknown`` a criterion the
  template does not have, ``missing`` a criterion left without a score, ``range`` a score outside
  0..its weight, with ``weight`` and ``score`` formatted; ``criterion``), for the caller to put in
  words in the interface's language. Empty when the sheet is good.
- ``totals(scores, grades)`` → per evaluation (``evaluation``, ``criterion``, ``score`` rows) the total
  (the sum of the criterion scores, 0–100) and the grade: the highest cut-off the total reaches
  (``grades`` as (grade, min) pairs, one of them from 0).
- ``evidence_gaps(required, given)`` → the evidence a criterion requires (``criterion``, ``evidence``)
  that an evaluation (``evaluation``, ``criterion``, ``evidence``, ``value``) left empty, per evaluation
  in the template's order: gaps are listed, never hidden.
- ``summary(frame, key, grades)`` → per group of ``key`` the projects, how many were evaluated (a
  non-null ``total``: their latest evaluation), the mean total and the count per grade.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

CRITERIA_SCHEMA = {"criterion": pl.Utf8, "weight": pl.Float64}
SCORES_SCHEMA = {"evaluation": pl.Int64, "criterion": pl.Utf8, "score": pl.Float64}
REQUIRED_SCHEMA = {"criterion": pl.Utf8, "evidence": pl.Utf8}
GIVEN_SCHEMA = {"evaluation": pl.Int64, "criterion": pl.Utf8, "evidence": pl.Utf8, "value": pl.Utf8}


def score_problems(criteria: pl.DataFrame, scores: pl.DataFrame) -> list[dict[str, str]]:
    """``scores``: ``criterion``, ``score`` (null when left empty) of one evaluation."""
    joined = criteria.join(scores, on="criterion", how="full", coalesce=True)
    unknown = joined.filter(pl.col("weight").is_null())["criterion"].to_list()
    missing = joined.filter(pl.col("weight").is_not_null() & pl.col("score").is_null())["criterion"].to_list()
    out_of_range = joined.filter(
        pl.col("score").is_not_null() & ((pl.col("score") < 0) | (pl.col("score") > pl.col("weight")))
    )
    problems = [{"problem": "unknown", "criterion": c} for c in unknown]
    problems += [{"problem": "missing", "criterion": c} for c in missing]
    problems += [
        {
            "problem": "range",
            "criterion": r["criterion"],
            "weight": f"{r['weight']:g}",
            "score": f"{r['score']:g}",
        }
        for r in out_of_range.iter_rows(named=True)
    ]
    return problems


def grade_expr(total: pl.Expr, grades: Sequence[tuple[str, float]]) -> pl.Expr:
    """The grade of ``total``: the highest cut-off it reaches (null for a null total)."""
    ordered = sorted(grades, key=lambda g: -g[1])
    expr = pl.when(total.is_null()).then(pl.lit(None, pl.Utf8))
    for grade, minimum in ordered:
        expr = expr.when(total >= minimum).then(pl.lit(grade))
    return expr.otherwise(pl.lit(ordered[-1][0]))


def totals(scores: pl.DataFrame, grades: Sequence[tuple[str, float]]) -> pl.DataFrame:
    return (
        scores.group_by("evaluation")
        .agg(total=pl.col("score").sum().round(2))
        .with_columns(grade=grade_expr(pl.col("total"), grades))
        .sort("evaluation")
    )


def evidence_gaps(required: pl.DataFrame, given: pl.DataFrame) -> pl.DataFrame:
    """(``evaluation``, ``criterion``, ``evidence``) rows of the evidence required and not given."""
    evaluations = given.select("evaluation").unique()
    needed = evaluations.join(required.with_row_index("order"), how="cross")
    filled = given.filter(pl.col("value").is_not_null() & (pl.col("value").str.strip_chars() != ""))
    return (
        needed.join(filled, on=["evaluation", "criterion", "evidence"], how="anti")
        .sort("evaluation", "order")
        .select("evaluation", "criterion", "evidence")
    )


def summary(frame: pl.DataFrame, key: str, grades: Sequence[tuple[str, float]]) -> pl.DataFrame:
    """``frame``: one row per project with ``key``, ``total`` (null when never evaluated) and
    ``grade``; → ``key``, ``evaluated``, ``mean_score`` (null with none), one column per grade."""
    return frame.group_by(key).agg(**summary_columns(grades)).sort(key)


def summary_columns(grades: Sequence[tuple[str, float]]) -> dict[str, pl.Expr]:
    """``summary``'s aggregations by name, for a caller that groups other figures in the same pass."""
    return {
        "evaluated": pl.col("total").is_not_null().sum(),
        "mean_score": pl.col("total").mean().round(1),
        **{f"grade:{g}": (pl.col("grade") == g).sum() for g, _ in grades},
    }
