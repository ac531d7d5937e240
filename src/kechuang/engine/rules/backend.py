"""The few column operations the rule engine needs, for Polars (here) and Spark (spark.py).

The qualification logic (evaluate.py) is written once against this small interface, so the Polars
and the Spark engines compute the same thing by construction. Python operators (+ - * / & | ~ and
comparisons) work on both pl.Expr and pyspark Column and are used directly.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import polars as pl

_MAX_PATTERNS = 3**12


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

    def failed_list(self, entries: Sequence[tuple[str, pl.Expr, pl.Expr | None]]) -> pl.Expr:
        """The failed ids joined by ';'. Each condition is in one of three states (passing, failed,
        missing), so the row's pattern is a base-3 number; the texts of all patterns are made once
        and looked up, which is several times cheaper than joining strings row by row."""
        if not entries:
            return pl.lit("")
        if 3 ** len(entries) > _MAX_PATTERNS:
            return self.concat_ws(";", [failed_entry(self, cid, s, x) for cid, s, x in entries])
        code: pl.Expr = pl.lit(0, dtype=pl.Int32)
        for i, (_, status, extra) in enumerate(entries):
            state = pl.when(status == 0).then(1).when(status == 1).then(2).otherwise(0)
            if extra is not None:
                state = pl.when(extra).then(state).otherwise(0)
            code = code + state.cast(pl.Int32) * (3**i)
        texts = _pattern_texts(tuple(cid for cid, _, _ in entries))
        return code.replace_strict(list(range(len(texts))), texts, return_dtype=pl.Utf8)

    def to_float(self, e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Float64)

    def to_int(self, e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Int32)

    def alias(self, e: pl.Expr, name: str) -> pl.Expr:
        return e.alias(name)


def failed_entry(b: Any, cid: str, status: Any, extra: Any) -> Any:
    """`cid` when the status is no (0), `cid:missing` when unknown (1), else null."""
    no, unknown = status == 0, status == 1
    if extra is not None:
        no, unknown = no & extra, unknown & extra
    return b.when([(no, b.lit(cid)), (unknown, b.lit(f"{cid}:missing"))], b.lit(None, "str"))


@functools.lru_cache(maxsize=64)
def _pattern_texts(ids: tuple[str, ...]) -> list[str]:
    """Text of every base-3 pattern: digit i is 0 (passing), 1 (failed) or 2 (missing) for ids[i]."""
    out = []
    for code in range(3 ** len(ids)):
        parts = []
        for cid in ids:
            code, digit = divmod(code, 3)
            if digit:
                parts.append(cid if digit == 1 else f"{cid}:missing")
        out.append(";".join(parts))
    return out
