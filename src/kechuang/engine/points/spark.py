"""The same points model on Apache Spark: ``score_spark(registry_sdf, facts_sdf, year, model)``.

Returns a Spark DataFrame with exactly the columns of :func:`kechuang.engine.points.score.score`
(row order is Spark's: sort by credit_code, or join to the registry, to compare). The derived
columns come from kechuang.engine.rules.spark (derive_spark), the stage, exclusion and value
expressions from the same helpers as the Polars engine (through the Spark backend), the SQL of the
model goes through ``F.expr`` unchanged. The average rank is rank() + (ties − 1) / 2; the points rank
(1 + members with more than points + 1e-9) counts, in one window per stage, the real rows ordered
before a probe row carrying points + 1e-9. pyspark is imported only when these functions run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kechuang.engine.points.model import PointsModel
from kechuang.engine.points.ranks import POINTS_TOLERANCE
from kechuang.engine.points.score import (
    HAS_FACTS,
    SCORED,
    first_stage,
    points_name,
    positive_name,
    second_stage,
    tier_expr,
    weight_expr,
)
from kechuang.engine.rules.spark import SparkBackend, _functions, conform_spark, derive_spark
from kechuang.engine.vocabulary import FACT_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkFrame


def _window() -> Any:
    from pyspark.sql import Window

    return Window


def score_spark(registry_sdf: SparkFrame, facts_sdf: SparkFrame, year: int, model: PointsModel) -> SparkFrame:
    """The score() output computed by Spark; same columns, same values."""
    F = _functions()
    W = _window()
    b = SparkBackend()
    sdf = derive_spark(registry_sdf, facts_sdf, year)
    present = (
        conform_spark(facts_sdf, FACT_COLUMNS)
        .where(F.col("year") == year)
        .select("credit_code")
        .distinct()
        .withColumn(HAS_FACTS, F.lit(True))
    )
    sdf = sdf.join(present, on="credit_code", how="left").withColumn(
        HAS_FACTS, F.coalesce(F.col(HAS_FACTS), F.lit(False))
    )
    sdf = sdf.withColumns(dict(first_stage(b, model)))
    sdf = sdf.withColumns(dict(second_stage(b, model)))
    scored = F.col(SCORED)
    by_stage = W.partitionBy("stage")
    exprs = {}
    for i in range(len(model.indicators)):
        vp = F.col(positive_name(i))
        low = F.rank().over(by_stage.orderBy(vp.asc_nulls_last()))
        ties = F.count(vp).over(W.partitionBy("stage", positive_name(i)))
        average = low + (ties - 1) / 2.0
        share = weight_expr(b, model, i) * average / F.count(vp).over(by_stage)
        exprs[points_name(model, i)] = F.when(scored, F.when(vp.isNotNull(), share).otherwise(F.lit(0.0)))
    names = [points_name(model, i) for i in range(len(model.indicators))]
    sdf = sdf.select("credit_code", "stage", "excluded", SCORED, *[e.alias(n) for n, e in exprs.items()])
    total = F.col(names[0])
    for n in names[1:]:
        total = total + F.col(n)
    sdf = sdf.withColumns(
        {
            "points": total,
            "cohort_size": F.when(scored, F.sum(scored.cast("long")).over(by_stage)).cast("long"),
        }
    )
    # Points rank: probes (points + 1e-9) among the real points of the same stage.
    real = sdf.where(scored).select("stage", F.col("points").alias("__key"), F.lit(1).alias("__real"))
    probes = sdf.where(scored).select(
        "stage",
        (F.col("points") + F.lit(POINTS_TOLERANCE)).alias("__key"),
        F.lit(0).alias("__real"),
        F.col("credit_code").alias("__code"),
    )
    both = real.withColumn("__code", F.lit(None).cast("string")).unionByName(probes)
    order = W.partitionBy("stage").orderBy(F.col("__key").desc(), F.col("__real").asc())
    greater = (
        both.withColumn(
            "__greater", F.sum("__real").over(order.rowsBetween(W.unboundedPreceding, W.currentRow))
        )
        .where(F.col("__real") == 0)
        .select(F.col("__code").alias("credit_code"), "__greater")
    )
    sdf = sdf.join(greater, on="credit_code", how="left")
    rank = F.when(scored, F.col("__greater") + 1).cast("long")
    sdf = sdf.withColumn("rank", rank).withColumn("top_share", F.col("rank") / F.col("cohort_size"))
    sdf = sdf.withColumn("tier", tier_expr(b, model, F.col("top_share")))
    return sdf.select(
        F.col("credit_code").cast("string"),
        F.col("stage").cast("string"),
        F.col("excluded").cast("string"),
        F.col("points").cast("double"),
        "rank",
        "cohort_size",
        F.col("top_share").cast("double"),
        F.col("tier").cast("string"),
        *[F.col(n).cast("double") for n in names],
    )
