"""Qualification over the registry: frames for the engine, tiers stored per year, one enterprise's verdicts."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db import transaction

from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS, RULE_LABELS, TIER_LABELS, TIER_ORDER
from kechuang.engine.rules.gaps import Verdict, explain
from kechuang.engine.rules.qualify import qualify
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS
from kechuang.enterprises.bulk import insert_frame, read_frame
from kechuang.enterprises.models import Enterprise, Fact, TierRecord

__all__ = ["ELIGIBILITY_LABELS", "RULE_LABELS", "TIER_LABELS", "TIER_ORDER"]


def _registry_sql(where: str = "") -> str:
    cols = ", ".join("region_code AS region" if c.name == "region" else c.name for c in REGISTRY_COLUMNS)
    return f"SELECT id AS enterprise_id, {cols} FROM {Enterprise._meta.db_table} {where}"


def _facts_sql(where: str = "") -> str:
    cols = ", ".join(f"f.{c.name}" for c in FACT_COLUMNS if c.name not in ("credit_code",))
    return (
        f"SELECT e.credit_code, {cols} FROM {Fact._meta.db_table} f "
        f"JOIN {Enterprise._meta.db_table} e ON e.id = f.enterprise_id {where}"
    )


def _typed(frame: pl.DataFrame, columns) -> pl.DataFrame:
    return frame.cast({c.name: c.dtype for c in columns if c.name in frame.columns}, strict=False)


def qualification_frames(
    year: int, enterprise_ids: list[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(registry, facts) in the contract's columns for the years the rules need (Y−2..Y)."""
    where_e, where_f, params = "", f"WHERE f.year BETWEEN {int(year) - 2} AND {int(year)}", []
    if enterprise_ids is not None:
        marks = ", ".join(["%s"] * len(enterprise_ids))
        where_e = f"WHERE id IN ({marks})"
        where_f += f" AND e.id IN ({marks})"
        params = list(enterprise_ids)
    registry = _typed(read_frame(_registry_sql(where_e), params), REGISTRY_COLUMNS)
    facts = _typed(read_frame(_facts_sql(where_f), params), FACT_COLUMNS)
    return registry, facts


def qualify_registry(year: int) -> pl.DataFrame:
    registry, facts = qualification_frames(year)
    out = qualify(registry.drop("enterprise_id"), facts, year)
    return out.join(registry.select("credit_code", "enterprise_id", "region"), on="credit_code", how="left")


@transaction.atomic
def recompute_tiers(year: int) -> pl.DataFrame:
    """Qualify every enterprise for a year and store the tiers (replacing that year's records)."""
    results = qualify_registry(year)
    TierRecord.objects.filter(year=year).delete()
    result_cols = [c for c in results.columns if c not in ("credit_code", "enterprise_id", "region", "tier")]
    rows = results.select(
        pl.col("enterprise_id"),
        pl.lit(year).alias("year"),
        pl.col("tier"),
        pl.col("region").fill_null("").alias("region_code"),
        pl.struct(result_cols).struct.json_encode().alias("results"),
    )
    insert_frame(TierRecord._meta.db_table, rows)
    return results


def latest_year() -> int:
    row = Fact.objects.order_by("-year").values_list("year", flat=True).first()
    return int(row) if row else date.today().year - 1


def verdicts(enterprise: Enterprise, year: int, overrides: dict | None = None) -> list[Verdict]:
    """Every rule set's verdict for one enterprise, with conditions and gaps; overrides = a what-if."""
    registry, facts = qualification_frames(year, [enterprise.pk])
    registry = registry.drop("enterprise_id")
    if overrides:
        registry, facts = apply_overrides(registry, facts, year, overrides)
    return explain((registry, facts), None, year, credit_code=enterprise.credit_code)


def apply_overrides(registry: pl.DataFrame, facts: pl.DataFrame, year: int, overrides: dict):
    """What-if: replace year-Y facts (and registry fields) with the given numbers, in memory only."""
    reg_fields = {c.name for c in REGISTRY_COLUMNS}
    reg_over = {k: v for k, v in overrides.items() if k in reg_fields and v is not None}
    fact_over = {k: v for k, v in overrides.items() if k not in reg_fields and v is not None}
    if reg_over:
        registry = registry.with_columns(
            *[pl.lit(v).cast(registry.schema[k]).alias(k) for k, v in reg_over.items()]
        )
    if fact_over:
        if facts.filter(pl.col("year") == year).is_empty():
            facts = pl.concat(
                [facts, registry.select("credit_code").with_columns(pl.lit(year).alias("year"))],
                how="diagonal_relaxed",
            )
        facts = facts.with_columns(
            [
                pl.when(pl.col("year") == year)
                .then(pl.lit(v))
                .otherwise(pl.col(k))
                .cast(facts.schema[k])
                .alias(k)
                for k, v in fact_over.items()
            ]
        )
    return registry, facts
