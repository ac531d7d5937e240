"""The same rule files on Apache Spark, for populations beyond one machine.

``qualify_spark(spark, registry_sdf, facts_sdf, year, rulesets)`` returns a Spark DataFrame with
exactly the columns of :func:`kechuang.engine.rules.qualify.qualify`. Rule expressions go through
``F.expr`` unchanged; the derived columns and the score logic come from the same code as the Polars
engine (evaluate.py) through a Spark backend. pyspark is an optional extra (``kechuang[spark]``)
and is imported only when this module's functions run.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from kechuang.engine.rules.backend import failed_entry
from kechuang.engine.rules.evaluate import (
    MULTI_YEAR_FACTS,
    derive_stages,
    output_columns,
    prior,
    ruleset_stages,
)
from kechuang.engine.rules.qualify import resolve_rulesets
from kechuang.engine.rules.ruleset import Ruleset
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS, Column

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkFrame
    from pyspark.sql import SparkSession


def _functions() -> Any:
    try:
        from pyspark.sql import functions as F
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError("未安装 pyspark：请安装可选依赖 kechuang[spark]（并需要 Java 17）") from exc
    return F


def _spark_type(col: Column) -> str:
    mapping = {pl.Utf8: "string", pl.Date: "date", pl.Int32: "int", pl.Int64: "bigint", pl.Float64: "double"}
    mapping[pl.Boolean] = "boolean"
    return mapping[col.dtype]  # type: ignore[index]


class SparkBackend:
    name = "spark"

    def __init__(self) -> None:
        self.F = _functions()

    def col(self, name: str) -> Any:
        return self.F.col(name)

    def lit(self, value: Any, dtype: str | None = None) -> Any:
        types = {"float": "double", "int": "int", "str": "string", "bool": "boolean"}
        e = self.F.lit(value)
        return e.cast(types[dtype]) if dtype else e

    def sql(self, text: str) -> Any:
        return self.F.expr(text)

    def when(self, cases: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        (first_cond, first_val), *rest = cases
        chain = self.F.when(first_cond, first_val)
        for cond, val in rest:
            chain = chain.when(cond, val)
        return chain.otherwise(otherwise)

    def least(self, exprs: Sequence[Any]) -> Any:
        return exprs[0] if len(exprs) == 1 else self.F.least(*exprs)

    def greatest(self, exprs: Sequence[Any]) -> Any:
        return exprs[0] if len(exprs) == 1 else self.F.greatest(*exprs)

    def any_true(self, exprs: Sequence[Any]) -> Any:
        return reduce(lambda a, b: a | b, exprs)

    def total(self, exprs: Sequence[Any]) -> Any:
        return reduce(lambda a, b: a + b, exprs)

    def is_null(self, e: Any) -> Any:
        return e.isNull()

    def coalesce(self, e: Any, value: Any) -> Any:
        return self.F.coalesce(e, self.F.lit(value))

    def div(self, num: Any, den: Any) -> Any:
        # try_divide: no ANSI division-by-zero error in a branch that the CASE discards anyway.
        return self.F.try_divide(num, den)

    def sqrt(self, e: Any) -> Any:
        return self.F.sqrt(e)

    def year_of(self, e: Any) -> Any:
        return self.F.year(e)

    def date(self, d: dt.date) -> Any:
        return self.F.lit(d)

    def initial_in(self, e: Any, letters: Sequence[str]) -> Any:
        first = self.F.upper(self.F.substring(e, 1, 1))
        return self.F.when(e.isNull(), self.F.lit(None).cast("boolean")).otherwise(first.isin(list(letters)))

    def concat_ws(self, sep: str, exprs: Sequence[Any]) -> Any:
        return self.F.concat_ws(sep, *exprs) if exprs else self.F.lit("")

    def round(self, e: Any, digits: int) -> Any:
        return self.F.round(e, digits)  # HALF_UP, like Polars' half_away_from_zero

    def failed_list(self, entries: Sequence[tuple[str, Any, Any]]) -> Any:
        return self.concat_ws(";", [failed_entry(self, cid, s, x) for cid, s, x in entries])

    def to_float(self, e: Any) -> Any:
        return e.cast("double")

    def to_int(self, e: Any) -> Any:
        return e.cast("int")

    def alias(self, e: Any, name: str) -> Any:
        return e.alias(name)


def conform_spark(sdf: SparkFrame, columns: tuple[Column, ...]) -> SparkFrame:
    """Cast the vocabulary columns to their Spark types; add absent ones as nulls."""
    F = _functions()
    present = set(sdf.columns)
    return sdf.select(
        [
            (F.col(c.name) if c.name in present else F.lit(None)).cast(_spark_type(c)).alias(c.name)
            for c in columns
        ]
    )


def derive_spark(registry_sdf: SparkFrame, facts_sdf: SparkFrame, year: int) -> SparkFrame:
    """Spark version of derive(): registry ⋈ facts of Y, Y−1, Y−2, then the derived columns."""
    F = _functions()
    b = SparkBackend()
    reg = conform_spark(registry_sdf, REGISTRY_COLUMNS)
    fac = conform_spark(facts_sdf, FACT_COLUMNS)
    out = reg.join(fac.where(F.col("year") == year).drop("year"), on="credit_code", how="left")
    for back in (1, 2):
        earlier = fac.where(F.col("year") == year - back).select(
            "credit_code", *[F.col(c).alias(prior(c, back)) for c in MULTI_YEAR_FACTS]
        )
        out = out.join(earlier, on="credit_code", how="left")
    for stage in derive_stages(b, year):
        out = out.withColumns(dict(stage))
    return out


def qualify_spark(
    spark: SparkSession,
    registry_sdf: SparkFrame,
    facts_sdf: SparkFrame,
    year: int,
    rulesets: Iterable[Ruleset] | None = None,
) -> SparkFrame:
    """The qualify() output, computed by Spark; same columns, same values."""
    del spark  # the frames carry their session; kept in the signature for symmetry with callers
    sets = resolve_rulesets(rulesets)
    b = SparkBackend()
    sdf = derive_spark(registry_sdf, facts_sdf, year)
    per_set = [ruleset_stages(b, rs) for rs in sets]
    for depth in range(max((len(s) for s in per_set), default=0)):
        exprs = {name: e for stages in per_set if depth < len(stages) for name, e in stages[depth]}
        if exprs:
            sdf = sdf.withColumns(exprs)
    return sdf.select([e.alias(name) for name, e in output_columns(b, sets, year)])


# ----------------------------------------------------------------------------------------------
# Moving frames between Polars and Spark (CLI and tests)
# ----------------------------------------------------------------------------------------------


def local_session(app: str = "kechuang-qualify", cores: int | str = "*", memory: str = "2g") -> SparkSession:
    """A local Spark session suited to one machine."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError("未安装 pyspark：请安装可选依赖 kechuang[spark]（并需要 Java 17）") from exc
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def to_spark(spark: SparkSession, frame: pl.DataFrame, workdir: str | Path | None = None) -> SparkFrame:
    """A Polars frame as a Spark frame (through Parquet, which keeps nulls and types exactly)."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="kechuang-spark-"))
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="frame-", suffix=".parquet", dir=folder)
    os.close(handle)
    path = Path(name)
    frame.write_parquet(path)
    return spark.read.parquet(str(path))


def to_polars(sdf: SparkFrame) -> pl.DataFrame:
    """A Spark frame collected as a Polars frame."""
    if hasattr(sdf, "toArrow"):
        return pl.from_arrow(sdf.toArrow())  # type: ignore[return-value]
    return pl.from_pandas(sdf.toPandas())
