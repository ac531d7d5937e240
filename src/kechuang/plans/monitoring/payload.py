"""The monitoring result as the JSON of `kechuang monitor` and the API (issue 3, section 4).

No Django here: the CLI's --observations mode evaluates a file against the plan file alone.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from kechuang.engine.observation_import import IndicatorInfo, check_observations
from kechuang.engine.plan_eval import evaluate, plan_index
from kechuang.engine.tables import read_table
from kechuang.plans.schema import PlanFile
from kechuang.regions import region_lookup

FIELDS = (
    "code",
    "name",
    "unit",
    "baseline_year",
    "baseline_value",
    "baseline_source",
    "target_year",
    "target_value",
    "latest_year",
    "latest_value",
    "time_elapsed",
    "progress",
    "on_schedule",
    "achieved",
    "growth_model",
    "observed_rate",
    "required_rate",
    "trend",
    "projected_value",
    "probability",
    "warning",
    "stale",
)


def indicators_from_file(plan_file: PlanFile) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "direction": i.direction,
                "baseline_year": i.baseline_year,
                "baseline_value": i.baseline_value,
                "target_year": i.target_year,
                "target_value": i.target_value,
                "growth_model": i.effective_growth_model,
                "kind": i.kind,
                "weight": i.weight,
                "seq": i.seq,
                "owner_department": i.owner_department,
                "target_text": i.target_text,
            }
            for i in plan_file.indicators
        ]
    )


def regional_targets_from_file(plan_file: PlanFile) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [t.indicator for t in plan_file.regional_targets],
            "region": [t.region for t in plan_file.regional_targets],
            "target_value": [t.target_value for t in plan_file.regional_targets],
        },
        schema={"indicator": pl.Utf8, "region": pl.Utf8, "target_value": pl.Float64},
    )


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def payload(plan_code: str, as_of: int, region: str, results: pl.DataFrame, indicators: pl.DataFrame) -> dict:
    """{"plan", "as_of", "region", "index", "indicators": [...]} for one region; numbers unrounded."""
    rows = results.filter(pl.col("region") == region)
    out = []
    for rec in rows.iter_rows(named=True):
        item = {k: _clean(rec[k]) for k in FIELDS}
        item["opensdg"] = {
            "progress_value": _clean(rec["opensdg_progress_value"]),
            "status": rec["opensdg_status"],
            "score": _clean(rec["opensdg_score"]),
        }
        out.append(item)
    index = plan_index(results, indicators, region=region)
    return {"plan": plan_code, "as_of": as_of, "region": region, "index": _clean(index), "indicators": out}


def evaluate_file(plan_file: PlanFile, observations_path: Path, as_of: int) -> pl.DataFrame:
    """Evaluate an observations file against a plan file, without a database."""
    infos = {}
    for i in plan_file.indicators:
        infos[i.code] = infos[i.name] = IndicatorInfo(i.code, i.name, i.unit)
    clean, errors = check_observations(read_table(observations_path), infos, region_lookup())
    if errors:
        raise ObservationsFileError(errors)
    obs = clean.select("indicator", pl.col("region_code").alias("region"), "year", "value")
    return evaluate(indicators_from_file(plan_file), obs, as_of, regional_targets_from_file(plan_file))


class ObservationsFileError(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} 处错误")
        self.errors = errors
