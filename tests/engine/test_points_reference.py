"""The fast scoring path (NumPy sorts per stage and indicator, no sort of the whole frame, the facts
check only for rows the join left without a revenue) gives exactly what the contract, written
plainly in Polars window expressions, gives — on random tables full of ties, zeros, negatives,
missing values, 0/0, x/0, NULL stage conditions, exclusions and enterprises without facts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import kechuang
from kechuang.engine.points import load_model, parse_model, sample_model_path, score
from kechuang.engine.points.ranks import POINTS_TOLERANCE
from kechuang.engine.points.score import (
    HAS_FACTS,
    excluded_expr,
    points_name,
    score_detailed,
    stage_expr,
    tier_expr,
    weight_expr,
)
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.derive import ROW, derive_lazy
from kechuang.engine.synth import synthesize

YEAR = 2024

# Stages with a condition that is NULL for a missing revenue (and no catch-all: some rows have no
# stage), a ratio that is 0/0 (NaN) or x/0 (inf), an indicator that is mostly 0 or 1 (big ties).
MODEL = """
code: random-check
name: 随机核对模型
stages:
  - {code: small, name: 小, when: "revenue < 3000 OR years_since_registration < 2"}
  - {code: middle, name: 中, when: "revenue < 30000"}
  - {code: large, name: 大, when: "employees > 50"}
indicators:
  - {code: rd, name: 研发费用, group: tech_innovation, expr: "rd_expense", weights: {small: 30, middle: 20, large: 10}}
  - {code: ratio, name: 比值, group: tech_innovation, expr: "rd_expense / tech_contract_income",
     weights: {small: 25, middle: 25, large: 25}}
  - {code: patents, name: 专利, group: tech_innovation, expr: "invention_patents", weights: {small: 20, middle: 30, large: 0}}
  - {code: profit, name: 净利润, group: growth_operation, expr: "net_profit", weights: {small: 15, middle: 15, large: 40}}
  - {code: cert, name: 证书, group: auxiliary, expr: "CASE WHEN hightech_cert_valid THEN 1 ELSE 0 END",
     weights: {small: 10, middle: 10, large: 25}, bonus: true}
exclusions:
  - {code: abnormal, name: 经营异常, when: "abnormal_listed"}
  - {code: incident, name: 事故, when: "serious_incident_1y"}
tiers:
  - {code: top, name: 前列, top: 0.1}
  - {code: upper, name: 上游, top: 0.4}
"""


def reference(registry: pl.DataFrame, facts: pl.DataFrame, year: int, model) -> pl.DataFrame:
    """The contract as it reads: window ranks over the stage, a pairwise count for the points rank."""
    b = PolarsBackend()
    present = facts.filter(pl.col("year") == year)["credit_code"].drop_nulls()
    lf = derive_lazy(registry, facts, year).with_columns(
        pl.col("credit_code").is_in(present.implode()).alias(HAS_FACTS)
    )
    lf = lf.with_columns(stage_expr(b, model).alias("stage"), excluded_expr(b, model).alias("excluded"))
    scored = pl.col("excluded").is_null() & pl.col("stage").is_not_null()
    lf = lf.with_columns(scored.alias("scored"))
    names = [points_name(model, i) for i in range(len(model.indicators))]
    for i, ind in enumerate(model.indicators):
        v = b.to_float(b.sql(ind.expr))
        vp = pl.when(pl.col("scored") & (v > 0) & ~v.is_nan()).then(v)
        share = weight_expr(b, model, i) * vp.rank("average").over("stage") / vp.count().over("stage")
        lf = lf.with_columns(pl.when(pl.col("scored")).then(pl.coalesce(share, 0.0)).alias(names[i]))
    total = pl.col(names[0])
    for name in names[1:]:
        total = total + pl.col(name)
    frame = lf.with_columns(total.alias("points")).sort(ROW).collect()
    cohort = frame.filter("scored").select("stage", pl.col("points").alias("other"))
    greater = (
        frame.filter("scored")
        .select(ROW, "stage", "points")
        .join(cohort, on="stage")
        .group_by(ROW)
        .agg((pl.col("other") > pl.col("points") + POINTS_TOLERANCE).sum().alias("greater"))
    )
    sizes = cohort.group_by("stage").len("cohort_size")
    frame = frame.join(greater, on=ROW, how="left").join(sizes, on="stage", how="left").sort(ROW)
    frame = frame.with_columns(
        pl.when("scored").then(pl.col("greater").cast(pl.Int64) + 1).alias("rank"),
        pl.when("scored").then(pl.col("cohort_size").cast(pl.Int64)).alias("cohort_size"),
    ).with_columns((pl.col("rank") / pl.col("cohort_size")).alias("top_share"))
    frame = frame.with_columns(tier_expr(b, model, pl.col("top_share")).cast(pl.Utf8).alias("tier"))
    return frame.select(
        pl.col("credit_code").cast(pl.Utf8),
        pl.col("stage").cast(pl.Utf8),
        pl.col("excluded").cast(pl.Utf8),
        "points",
        "rank",
        "cohort_size",
        "top_share",
        "tier",
        *names,
    )


def _roughen(registry: pl.DataFrame, facts: pl.DataFrame, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Coarse values (ties), zeros, negatives, NULLs, facts rows dropped or left all empty, flags set."""
    rng = np.random.default_rng(seed)
    n = facts.height

    def pick(share: float) -> pl.Series:
        return pl.Series(rng.random(n) < share)

    facts = facts.with_columns(
        pl.when(pick(0.15))
        .then(0.0)
        .when(pick(0.1))
        .then(None)
        .otherwise((pl.col("rd_expense") / 100).round(0) * 100)
        .alias("rd_expense"),
        pl.when(pick(0.2))
        .then(0.0)
        .otherwise((pl.col("tech_contract_income") / 1000).round(0) * 1000)
        .alias("tech_contract_income"),
        pl.when(pick(0.3))
        .then(-pl.col("net_profit"))
        .otherwise((pl.col("net_profit") / 10).round(0) * 10)
        .alias("net_profit"),
        pl.when(pick(0.05)).then(None).otherwise(pl.col("revenue")).alias("revenue"),
        pl.when(pick(0.1)).then(None).otherwise(pl.col("employees")).alias("employees"),
    )
    facts = facts.filter(~pick(0.05))  # enterprises without facts for some years
    empty = pl.Series(rng.random(facts.height) < 0.02)  # a facts row with nothing in it
    facts = facts.select(
        "credit_code",
        "year",
        *[pl.when(empty).then(None).otherwise(pl.col(c)).alias(c) for c in facts.columns[2:]],
    )
    r = registry.height
    registry = registry.with_columns(
        pl.Series("abnormal_listed", rng.random(r) < 0.03),
        pl.when(pl.Series(rng.random(r) < 0.02)).then(True).alias("serious_incident_1y"),  # else NULL
    )
    # registry order is not credit-code order
    return registry.sample(fraction=1.0, shuffle=True, seed=seed), facts


@pytest.mark.parametrize("seed", [3, 17])
def test_the_fast_path_equals_the_contract_written_plainly(seed):
    towns = pl.read_csv(Path(kechuang.__file__).parent / "data" / "dongguan-towns.csv")
    registry, facts = _roughen(*synthesize(2500, range(2022, 2025), seed, towns), seed)
    for model in (parse_model(MODEL), load_model(sample_model_path())):
        expected = reference(registry, facts, YEAR, model)
        got = score(registry, facts, YEAR, model)
        assert_frame_equal(got, expected, check_exact=True)
        assert expected["excluded"].drop_nulls().n_unique() >= 2 and expected["tier"].null_count() > 0
    # the random table reaches every case the fast path treats on its own
    out = score(registry, facts, YEAR, parse_model(MODEL))
    assert {"abnormal", "incident", "no_facts"} <= set(out["excluded"].drop_nulls())
    assert out.filter(pl.col("excluded").is_null() & pl.col("stage").is_null()).height > 0


def test_the_detailed_scores_are_the_scores_with_the_values_in_registry_order():
    towns = pl.read_csv(Path(kechuang.__file__).parent / "data" / "dongguan-towns.csv")
    registry, facts = _roughen(*synthesize(800, range(2022, 2025), 5, towns), 5)
    model = parse_model(MODEL)
    detailed = score_detailed(registry, facts, YEAR, model)
    assert_frame_equal(
        detailed.select(score(registry, facts, YEAR, model).columns), reference(registry, facts, YEAR, model)
    )
    values = (
        derive_lazy(registry, facts, YEAR)
        .sort(ROW)
        .select(pl.col("rd_expense").cast(pl.Float64).alias("rd_value"))
        .collect()
    )
    assert detailed["rd_value"].to_list() == values["rd_value"].to_list()
