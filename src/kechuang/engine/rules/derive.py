"""Derived columns for an evaluation year Y (contract: "Derived columns rules may use").

One row per enterprise of the registry: the registry columns (empty flags read as false, an empty
研发机构级别 as "none"), the facts of year Y, and the derived columns:

- ``revenue_3y``, ``rd_expense_3y``, ``rd_expense_domestic_3y``, ``standards_led_3y``: sums over the
  years used — Y−2..Y, or the calendar years from the registration year when fewer (实际经营期).
  A missing year makes the sum missing, never zero.
- ``rd_ratio_3y``, ``domestic_rd_share_3y``, ``hightech_revenue_share``, ``tech_staff_share``,
  ``rd_to_revenue``, ``rd_to_cost``: ratios; a denominator of 0 gives 0 so that the condition fails.
- ``net_asset_growth``, ``revenue_growth``: the 高企 formula ½·(x₂/x₁ + x₃/x₂) − 1 over the years
  used; a first-year 0 gives x₃/x₂ − 1; a second-year 0 gives 0; two years: x₃/x₂ − 1; one year: 0.
- ``conversions_avg_3y``: conversions per year over the years used.
- ``years_since_registration`` (completed years on 31 Dec Y, i.e. Y − registration year),
  ``years_used``, ``is_industrial`` (GB/T 4754 section B, C or D), ``hightech_cert_valid`` (valid on
  31 Dec Y), ``revenue_base`` (revenue of Y−2), ``revenue_yoy``, ``revenue_cagr_2y``.
"""

from __future__ import annotations

import polars as pl

from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.evaluate import MULTI_YEAR_FACTS, derive_stages, prior
from kechuang.engine.vocabulary import DERIVED_COLUMNS, FACT_COLUMNS, REGISTRY_COLUMNS, Column

Frame = pl.DataFrame | pl.LazyFrame
ROW = "__row"  # registry row number: outputs keep the registry's order


class DataError(ValueError):
    """Input frames the engine cannot use; the message is Chinese."""


def conform(frame: Frame, columns: tuple[Column, ...]) -> pl.LazyFrame:
    """Cast the vocabulary columns to their types; add absent ones as empty columns."""
    lf = frame.lazy()
    present = set(lf.collect_schema().names())
    exprs = []
    for col in columns:
        if col.name in present:
            exprs.append(pl.col(col.name).cast(col.dtype))
        else:
            exprs.append(pl.lit(None, dtype=col.dtype).alias(col.name))
    return lf.select(exprs)


def wide_lazy(registry: Frame, facts: Frame, year: int) -> pl.LazyFrame:
    """Registry ⋈ facts of Y (all columns) ⋈ facts of Y−1 and Y−2 (the multi-year ones, suffixed)."""
    reg = conform(registry, REGISTRY_COLUMNS).with_row_index(ROW)
    fac = conform(facts, FACT_COLUMNS)
    # Joins without order (3× faster than maintain_order); callers sort by ROW at the end.
    out = reg.join(fac.filter(pl.col("year") == year).drop("year"), on="credit_code", how="left")
    for back in (1, 2):
        earlier = fac.filter(pl.col("year") == year - back).select(
            "credit_code", *[pl.col(c).alias(prior(c, back)) for c in MULTI_YEAR_FACTS]
        )
        out = out.join(earlier, on="credit_code", how="left")
    return out


def derived_names() -> list[str]:
    """Column order of derive(): registry, facts of Y (without the keys), derived."""
    facts = [c.name for c in FACT_COLUMNS if c.name not in ("credit_code", "year")]
    return [c.name for c in REGISTRY_COLUMNS] + facts + list(DERIVED_COLUMNS)


def derive_lazy(registry: Frame, facts: Frame, year: int) -> pl.LazyFrame:
    """The lazy plan of derive(), also the first part of qualify()'s plan."""
    b = PolarsBackend()
    lf = wide_lazy(registry, facts, year)
    for stage in derive_stages(b, year):
        lf = lf.with_columns([e.alias(name) for name, e in stage])
    return lf


def check_rows(result: pl.DataFrame, registry: Frame) -> None:
    expected = (
        registry.height if isinstance(registry, pl.DataFrame) else registry.select(pl.len()).collect().item()
    )
    if result.height != expected:
        raise DataError(
            f"企业年度数据中有同一企业同一年度的重复行（企业名录 {expected} 家，结果 {result.height} 行）；"
            "请先去重后再评估"
        )


def derive(registry: Frame, facts: Frame, year: int) -> pl.DataFrame:
    """One row per enterprise with the registry, the facts of year Y and the derived columns."""
    out = derive_lazy(registry, facts, year).sort(ROW).select(derived_names()).collect()
    check_rows(out, registry)
    return out
