"""The few column operations the rule engine needs, for Polars (here) and Spark (spark.py).

The qualification logic (evaluate.py) is written once against this small interface, so the Polars
and the Spark engines compute the same thing by construction. Python operators (+ - * / & | ~ and
comparisons) work on both pl.Expr and pyspark Column and are used directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl


class PolarsBackend:
    name = "polars"

    def col(self, name: str) -> pl.Expr:
        return pl.col(name)

    def lit(self, value: Any, dtype: str | None = None) -> pl.Expr:
        types = {"float": pl.Float64, "int": pl.Int32, "str": pl.Utf8, "bool": pl.Boolean}
        return pl.lit(value, dtype=types[dtype]) if dtype else pl.lit(value)

    def sql(self, text: str) -> pl.Expr:
        return pl.sql_expr(text)

    def when(self, cases: Sequence[tuple[Any, Any]], otherwise: Any) -> pl.Expr:
        (first_cond, first_val), *rest = cases
        chain: Any = pl.when(first_cond).then(first_val)
        for cond, val in rest:
            chain = chain.when(cond).then(val)
        return chain.otherwise(otherwise)

    def least(self, exprs: Sequence[pl.Expr]) -> pl.Expr:
        return exprs[0] if len(exprs) == 1 else pl.min_horizontal(exprs)

    def greatest(self, exprs: Sequence[pl.Expr]) -> pl.Expr:
        return exprs[0] if len(exprs) == 1 else pl.max_horizontal(exprs)

    def any_true(self, exprs: Sequence[pl.Expr]) -> pl.Expr:
        return exprs[0] if len(exprs) == 1 else pl.any_horizontal(exprs)

    def total(self, exprs: Sequence[pl.Expr]) -> pl.Expr:
        out = exprs[0]
        for e in exprs[1:]:
            out = out + e
        return out

    def is_null(self, e: pl.Expr) -> pl.Expr:
        return e.is_null()

    def coalesce(self, e: pl.Expr, value: Any) -> pl.Expr:
        return pl.coalesce(e, pl.lit(value))

    def div(self, num: pl.Expr, den: pl.Expr) -> pl.Expr:
        return num / den

    def sqrt(self, e: pl.Expr) -> pl.Expr:
        return e.sqrt()

    def year_of(self, e: pl.Expr) -> pl.Expr:
        return e.dt.year()

    def date(self, d: dt.date) -> pl.Expr:
        return pl.lit(d, dtype=pl.Date)

    def initial_in(self, e: pl.Expr, letters: Sequence[str]) -> pl.Expr:
        """Whether the first character (upper-cased) is one of `letters`; null stays null."""
        first = e.str.slice(0, 1).str.to_uppercase()
        return pl.when(e.is_null()).then(pl.lit(None, dtype=pl.Boolean)).otherwise(first.is_in(list(letters)))

    def concat_ws(self, sep: str, exprs: Sequence[pl.Expr]) -> pl.Expr:
        if not exprs:
            return pl.lit("")
        return pl.concat_str(exprs, separator=sep, ignore_nulls=True)

    def round(self, e: pl.Expr, digits: int) -> pl.Expr:
        return e.round(digits, mode="half_away_from_zero")

    def to_float(self, e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Float64)

    def to_int(self, e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Int32)

    def alias(self, e: pl.Expr, name: str) -> pl.Expr:
        return e.alias(name)
