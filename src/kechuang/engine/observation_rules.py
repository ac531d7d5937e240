"""Validation rules on indicator values (range and jump versus the past), vectorised, no Django.

``check_values`` takes the rows to check, the stored history and the rules as frames and returns one
row per broken rule. The rows being checked take precedence over the history for the same
(indicator, region, year), so that a file holding several years is checked against itself.

Jump rule: the change per year from the latest earlier value to this one, compared with the past
changes per year of the same indicator and region (consecutive values before this year): broken
when it differs from their mean by more than ``sigmas`` standard deviations, given at least
``min_changes`` past changes with a spread above zero.
"""

from __future__ import annotations

import polars as pl

ROWS_SCHEMA = {
    "row": pl.Int64,
    "indicator": pl.Utf8,
    "region_code": pl.Utf8,
    "year": pl.Int64,
    "value": pl.Float64,
}
HISTORY_SCHEMA = {"indicator": pl.Utf8, "region_code": pl.Utf8, "year": pl.Int64, "value": pl.Float64}
RANGE_SCHEMA = {
    "indicator": pl.Utf8,
    "rule": pl.Int64,
    "level": pl.Utf8,
    "min": pl.Float64,
    "max": pl.Float64,
}
JUMP_SCHEMA = {
    "indicator": pl.Utf8,
    "rule": pl.Int64,
    "level": pl.Utf8,
    "sigmas": pl.Float64,
    "min_changes": pl.Int64,
}
RATIO_SCHEMA = {
    "indicator": pl.Utf8,
    "rule": pl.Int64,
    "level": pl.Utf8,
    "of": pl.Utf8,
    "min": pl.Float64,
    "max": pl.Float64,
}
OUT_SCHEMA = {
    "row": pl.Int64,
    "indicator": pl.Utf8,
    "region_code": pl.Utf8,
    "year": pl.Int64,
    "value": pl.Float64,
    "rule": pl.Int64,
    "kind": pl.Utf8,
    "level": pl.Utf8,
    "min": pl.Float64,
    "max": pl.Float64,
    "previous_year": pl.Int64,
    "previous_value": pl.Float64,
    "change": pl.Float64,
    "mean": pl.Float64,
    "std": pl.Float64,
    "sigmas": pl.Float64,
    "of": pl.Utf8,
    "of_value": pl.Float64,
    "ratio": pl.Float64,
}
KEY = ["indicator", "region_code", "year"]


def _cast(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def check_values(
    rows: pl.DataFrame,
    history: pl.DataFrame,
    ranges: pl.DataFrame,
    jumps: pl.DataFrame,
    ratios: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every (row, rule) pair whose rule the row breaks (columns: OUT_SCHEMA), by row then rule."""
    rows = _cast(rows, ROWS_SCHEMA)
    history = _cast(history, HISTORY_SCHEMA)
    out = [pl.DataFrame(schema=OUT_SCHEMA)]

    ranged = rows.join(_cast(ranges, RANGE_SCHEMA), on="indicator", how="inner").filter(
        (pl.col("min").is_not_null() & (pl.col("value") < pl.col("min")))
        | (pl.col("max").is_not_null() & (pl.col("value") > pl.col("max")))
    )
    out.append(ranged.with_columns(pl.lit("range").alias("kind")))

    jumps = _cast(jumps, JUMP_SCHEMA)
    if jumps.height and rows.height:
        merged = pl.concat(
            [history.join(rows.select(KEY), on=KEY, how="anti"), rows.select(*KEY, "value")]
        ).drop_nulls("value")
        # the change per year between consecutive values of a series; `year` is the later year
        changes = (
            merged.sort(KEY)
            .with_columns(
                prev_year=pl.col("year").shift(1).over("indicator", "region_code"),
                prev_value=pl.col("value").shift(1).over("indicator", "region_code"),
            )
            .drop_nulls("prev_year")
            .with_columns(
                change=(pl.col("value") - pl.col("prev_value")) / (pl.col("year") - pl.col("prev_year"))
            )
        )
        this = changes.join(rows.select("row", *KEY), on=KEY, how="inner").select(
            "row",
            *KEY,
            "value",
            pl.col("prev_year").alias("previous_year"),
            pl.col("prev_value").alias("previous_value"),
            "change",
        )
        past = (
            this.select("row", "indicator", "region_code", pl.col("year").alias("row_year"))
            .join(
                changes.select("indicator", "region_code", "year", pl.col("change").alias("c")),
                on=["indicator", "region_code"],
            )
            .filter(pl.col("year") < pl.col("row_year"))
            .group_by("row", "indicator", "region_code", "row_year")
            .agg(pl.col("c").mean().alias("mean"), pl.col("c").std().alias("std"), pl.len().alias("n"))
            .select("row", "region_code", pl.col("row_year").alias("year"), "indicator", "mean", "std", "n")
        )
        jumped = (
            this.join(past, on=["row", *KEY], how="inner")
            .join(jumps, on="indicator", how="inner")
            .filter(
                (pl.col("n") >= pl.col("min_changes"))
                & (pl.col("std") > 0)
                & ((pl.col("change") - pl.col("mean")).abs() > pl.col("sigmas") * pl.col("std"))
            )
            .with_columns(pl.lit("jump").alias("kind"))
        )
        out.append(jumped)
    ratios = _cast(ratios, RATIO_SCHEMA) if ratios is not None else pl.DataFrame(schema=RATIO_SCHEMA)
    if ratios.height and rows.height:
        # ratio of this value to another indicator's value for the same region and year (a part to
        # its whole); the rows being written take precedence over the stored history
        pool = pl.concat(
            [history.join(rows.select(KEY), on=KEY, how="anti"), rows.select(*KEY, "value")]
        ).drop_nulls("value")
        ratioed = (
            rows.join(ratios, on="indicator", how="inner")
            .join(
                pool.select(
                    pl.col("indicator").alias("of"), "region_code", "year", pl.col("value").alias("of_value")
                ),
                on=["of", "region_code", "year"],
                how="inner",
            )
            .filter(pl.col("of_value") != 0)
            .with_columns(ratio=pl.col("value") / pl.col("of_value"))
            .filter(
                (pl.col("min").is_not_null() & (pl.col("ratio") < pl.col("min")))
                | (pl.col("max").is_not_null() & (pl.col("ratio") > pl.col("max")))
            )
            .with_columns(pl.lit("ratio").alias("kind"))
        )
        out.append(ratioed)
    frames = [
        f.select(
            [pl.col(c).cast(t) if c in f.columns else pl.lit(None, t).alias(c) for c, t in OUT_SCHEMA.items()]
        )
        for f in out
    ]
    return pl.concat(frames).sort("row", "rule")
