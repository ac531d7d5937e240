"""The registry feeds the plan: 规模以上工业高新技术企业数 (industrial_hightech_enterprises) per year for
the city and each town, computed from the stored tiers and written as plan observations.

The count is the engine's: a valid 高企 certificate on 31 Dec Y, industrial (GB/T 4754 B/C/D) and
主营业务收入 ≥ 2000 万元 in Y (tier guishang_gaoqi, or a 领军 enterprise whose 规上 verdict is yes).
Values go through plans.observations.store_observations, so a changed count becomes a new revision
and the old one stays visible. Rules:

- the source is 「企业库（kechuang 资格计算，YYYY-MM-DD）」 (the day of the calculation);
- a synthetic demo registry (uploads named 合成) is scaled to the city with
  kechuang.engine.synth.scale_factor, noted 「合成演示数据，按 ×f 倍折算」 and marked simulated (模拟);
- a value equal to the latest revision from an earlier registry feed is not written again, so a
  second run changes nothing;
- a cell whose latest revision is an official figure (not simulated, not from the registry) is left
  alone unless replace_official=True: a count from the registry does not silently replace a
  published statistic (the 2024 baseline 5769 from the plan's 表1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction

from kechuang.enterprises import ladder
from kechuang.enterprises.models import Enterprise
from kechuang.plans.texts import REGISTRY_BATCH, REGISTRY_SOURCE, prefix

SOURCE_PREFIX = prefix(REGISTRY_SOURCE)


def source_text(day: date) -> str:
    return REGISTRY_SOURCE.format(day.isoformat())


@dataclass
class FeedResult:
    rows: pl.DataFrame  # year, region_code, sample, value, note, action (write | same | official)
    scale: ladder.Scale
    created: int = 0
    revised: int = 0
    skipped_same: int = 0
    skipped_official: int = 0
    dry_run: bool = False
    years: list[int] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.revised


def compute(year_from: int, year_to: int) -> tuple[pl.DataFrame, ladder.Scale]:
    """year, region_code, sample (registry count), value (scaled when synthetic), note."""
    scale = ladder.registry_scale()
    counts = ladder.city_and_towns(
        ladder.industrial_hightech_counts(Enterprise.objects.all(), year_from, year_to)
    )
    frame = counts.select(
        pl.col("year").cast(pl.Int32),
        pl.col("region").alias("region_code"),
        pl.col("n").alias("sample"),
        (pl.col("n") * scale.factor).round(0).cast(pl.Float64).alias("value"),
        pl.lit(scale.note).alias("note"),
    )
    return frame, scale


def _latest(plan, years: list[int]) -> pl.DataFrame:
    from kechuang.plans.models import Observation

    rows = Observation.objects.filter(
        indicator__plan=plan, indicator__code=ladder.INDICATOR, is_latest=True, year__in=years
    ).values_list("region_code", "year", "value", "source", "simulated")
    return pl.DataFrame(
        list(rows),
        schema={
            "region_code": pl.Utf8,
            "year": pl.Int32,
            "old_value": pl.Float64,
            "old_source": pl.Utf8,
            "old_simulated": pl.Boolean,
        },
        orient="row",
    )


@transaction.atomic
def feed_industrial_hightech(
    year_from: int,
    year_to: int,
    plan=None,
    dry_run: bool = False,
    replace_official: bool = False,
    today: date | None = None,
) -> FeedResult:
    """Compute the counts from TierRecord and store them as observations (see the module docstring)."""
    from kechuang.plans.observations import store_observations
    from kechuang.plans.services import default_plan

    plan = plan or default_plan()
    frame, scale = compute(year_from, year_to)
    years = sorted(set(frame["year"].to_list()))
    old = _latest(plan, years)
    from_registry = pl.col("old_source").str.starts_with(SOURCE_PREFIX)
    official = pl.col("old_value").is_not_null() & ~from_registry & ~pl.col("old_simulated")
    if replace_official:
        official = pl.lit(False)
    rows = frame.join(old, on=["region_code", "year"], how="left").with_columns(
        pl.when(from_registry & (pl.col("old_value") == pl.col("value")))
        .then(pl.lit("same"))
        .when(official)
        .then(pl.lit("official"))
        .otherwise(pl.lit("write"))
        .alias("action")
    )
    result = FeedResult(
        rows=rows.select(
            "year", "region_code", "sample", "value", "old_value", "old_source", "note", "action"
        ),
        scale=scale,
        skipped_same=rows.filter(pl.col("action") == "same").height,
        skipped_official=rows.filter(pl.col("action") == "official").height,
        dry_run=dry_run,
        years=years,
    )
    todo = rows.filter(pl.col("action") == "write")
    if dry_run or todo.is_empty():
        result.created = todo.filter(pl.col("old_value").is_null()).height
        result.revised = todo.height - result.created
        return result
    source = source_text(today or date.today())
    clean = todo.with_row_index("row", offset=2).select(
        "row",
        pl.lit(ladder.INDICATOR).alias("indicator"),
        "region_code",
        "year",
        "value",
        pl.lit(source).alias("source"),
        "note",
    )
    stored = store_observations(
        plan,
        clean,
        user=None,
        file_name=REGISTRY_BATCH.format(year_from, year_to),
        default_source=source,
        simulated=scale.synthetic,
    )
    result.created, result.revised = stored.created, stored.revised
    return result


def feed_after_demo(year_from: int, year_to: int) -> FeedResult | None:
    """The demo's call: feed the plan when one is loaded (None when there is no plan)."""
    from kechuang.plans.models import Plan

    if not Plan.objects.exists():
        return None
    return feed_industrial_hightech(year_from, year_to)
