"""A multi-year period's inputs from its yearly figures (issue 13 §3: the three-yearly dynamic
assessment reads the three annual reports of the period). Pure and vectorised (Polars, no loop over
subjects).

``period_years(period, template)`` → the years of a period ("2023-2025", or "2025" for the
template's ``period_years`` ending in 2025). ``over_period(template, yearly, years)`` takes one row
per subject and year (``id``, ``year``, ``reported`` — whether that year's report exists —, the other
columns) and returns one row per subject: each indicator's input column aggregated as the template
declares (``sum`` of the years reported for a flow, the ``latest`` reported value for a stock, the
``mean`` of the years' values for a ratio; an indicator without ``aggregate`` takes the last year),
other columns from the last year, and ``years_used`` / ``years_missing`` (the years with and without
a report, as lists)."""

from __future__ import annotations

import polars as pl

from kechuang.engine.evaluation.template import Template

KEY = "id"


def period_years(period: str, template: Template) -> list[int]:
    """ "2023-2025" → [2023, 2024, 2025]; "2025" → the template's period_years ending in 2025."""
    first, _, last = period.strip().partition("-")
    end = int(last or first)
    start = int(first) if last else end - template.period_years + 1
    return list(range(start, end + 1))


def over_period(template: Template, yearly: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    ways = {ind.column: ind.aggregate for ind in template.indicators}
    frame = yearly.filter(pl.col("year").is_in(years)).sort(KEY, "year")
    reported = pl.col("reported").fill_null(False)
    last_year = max(years)
    others = [c for c in frame.columns if c not in (KEY, "year", "reported") and ways.get(c) is None]
    aggregations = []
    for column, way in ways.items():
        if way is None or column not in frame.columns:
            continue
        values = pl.col(column).filter(reported)
        if way == "sum":
            agg = pl.when(values.is_not_null().any()).then(values.sum()).otherwise(None)
        elif way == "mean":
            agg = values.mean()
        else:
            agg = values.drop_nulls().last()
        aggregations.append(agg.alias(column))
    result = frame.group_by(KEY, maintain_order=True).agg(
        *aggregations,
        *[pl.col(c).filter(pl.col("year") == last_year).first().alias(c) for c in others],
        years_used=pl.col("year").filter(reported).sort(),
    )
    wanted = pl.lit(pl.Series([years], dtype=pl.List(pl.Int64)))
    return result.with_columns(
        years_used=pl.col("years_used").cast(pl.List(pl.Int64)),
    ).with_columns(years_missing=wanted.list.set_difference(pl.col("years_used")).list.sort())
