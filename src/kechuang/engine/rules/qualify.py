"""Vectorised qualification of a whole enterprise population with Polars.

``qualify(registry, facts, year, rulesets)`` returns one row per enterprise of the registry with

    credit_code,
    <rule>_eligible   no | unknown | possible | yes
    <rule>_score_min, <rule>_score_max   (null where the rule set has no score)
    <rule>_failed     failed condition ids joined by ';', a missing input as '<id>:missing'
    … for each rule set in the order given …,
    tier              lingjun | guishang_gaoqi | gaoqi | kexiao | none

There is no loop over rows: each rule set becomes a handful of column expressions that Polars runs
in parallel over the whole frame (loops below are over rule sets and conditions only).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.derive import ROW, Frame, check_rows, derive_lazy
from kechuang.engine.rules.evaluate import check_compatible, output_columns, ruleset_stages
from kechuang.engine.rules.ruleset import Ruleset, load_rulesets


def resolve_rulesets(rulesets: Iterable[Ruleset] | None) -> list[Ruleset]:
    sets = load_rulesets() if rulesets is None else list(rulesets)
    check_compatible(sets)
    return sets


def with_rule_columns(derived: pl.LazyFrame, rulesets: list[Ruleset]) -> pl.LazyFrame:
    """Add every intermediate column (parameters, statuses, item ranges, overall) of every rule set."""
    b = PolarsBackend()
    per_set = [ruleset_stages(b, rs) for rs in rulesets]
    lf = derived
    for depth in range(max((len(s) for s in per_set), default=0)):
        exprs = [e.alias(name) for stages in per_set if depth < len(stages) for name, e in stages[depth]]
        if exprs:
            lf = lf.with_columns(exprs)
    return lf


def qualify_lazy(
    registry: Frame, facts: Frame, year: int, rulesets: Iterable[Ruleset] | None = None
) -> pl.LazyFrame:
    sets = resolve_rulesets(rulesets)
    lf = with_rule_columns(derive_lazy(registry, facts, year), sets)
    outputs = [e.alias(name) for name, e in output_columns(PolarsBackend(), sets, year)]
    return lf.select(pl.col(ROW), *outputs).sort(ROW).drop(ROW)


def qualify(
    registry: Frame, facts: Frame, year: int, rulesets: Iterable[Ruleset] | None = None
) -> pl.DataFrame:
    """Qualify every enterprise of `registry` for evaluation year `year` (default: shipped rule sets)."""
    out = qualify_lazy(registry, facts, year, rulesets).collect()
    check_rows(out, registry)
    return out


def qualify_derived(derived: Frame, year: int, rulesets: Iterable[Ruleset] | None = None) -> pl.DataFrame:
    """Like qualify() but from an already derived frame (one row per enterprise, see derive())."""
    sets = resolve_rulesets(rulesets)
    lf = with_rule_columns(derived.lazy(), sets)
    return lf.select([e.alias(name) for name, e in output_columns(PolarsBackend(), sets, year)]).collect()


def output_schema(rulesets: Iterable[Ruleset]) -> list[str]:
    """The output column names, in order."""
    names = ["credit_code"]
    for rs in rulesets:
        names += [f"{rs.code}_{s}" for s in ("eligible", "score_min", "score_max", "failed")]
    return [*names, "tier"]
