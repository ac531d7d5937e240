"""Technology-security indicators the platform computes from its registry (科技安全监测预警, issue 12 §4)."""

from __future__ import annotations

import polars as pl


def patent_concentration(patents: pl.DataFrame, top: int = 5) -> pl.DataFrame:
    """How concentrated each field's invention patents are in a few holders.

    ``patents``: holder, field, patents (one row per holder; holders without patents or without a
    field are left out) → one row per field: field, holders, patents, top_patents (held by the field's
    ``top`` largest holders; ties broken by holder so the figure is reproducible) and share (% of the
    field's patents they hold), most concentrated first."""
    held = patents.filter(
        pl.col("patents").is_not_null() & (pl.col("patents") > 0) & (pl.col("field").fill_null("") != "")
    ).sort(["field", "patents", "holder"], descending=[False, True, False])
    ranked = held.with_columns(place=pl.int_range(pl.len()).over("field"))
    return (
        ranked.group_by("field")
        .agg(
            holders=pl.len(),
            patents=pl.col("patents").sum(),
            top_patents=pl.col("patents").filter(pl.col("place") < top).sum(),
        )
        .with_columns(share=(pl.col("top_patents") / pl.col("patents") * 100).round(1))
        .sort(["share", "field"], descending=[True, False])
    )
