"""Qualification rule sets (versioned YAML) and the vectorised engine that runs them.

Public API::

    load_ruleset(text_or_path) -> Ruleset          load_rulesets(directory=None) -> list[Ruleset]
    derive(registry, facts, year) -> pl.DataFrame   qualify(registry, facts, year, rulesets) -> pl.DataFrame
    explain(row_or_frames, rulesets, year) -> list[Verdict]
    kechuang.engine.rules.spark.qualify_spark(spark, registry_sdf, facts_sdf, year, rulesets)

Pure: no Django import. pyspark is imported only by the spark module's functions.
"""

from kechuang.engine.rules.derive import DataError, derive
from kechuang.engine.rules.gaps import ConditionVerdict, ScoreItemVerdict, Verdict, explain
from kechuang.engine.rules.qualify import output_schema, qualify, qualify_derived
from kechuang.engine.rules.ruleset import (
    RULESET_ORDER,
    Ruleset,
    RulesetError,
    default_ruleset_dir,
    load_ruleset,
    load_rulesets,
)

__all__ = [
    "RULESET_ORDER",
    "ConditionVerdict",
    "DataError",
    "Ruleset",
    "RulesetError",
    "ScoreItemVerdict",
    "Verdict",
    "default_ruleset_dir",
    "derive",
    "explain",
    "load_ruleset",
    "load_rulesets",
    "output_schema",
    "qualify",
    "qualify_derived",
]
