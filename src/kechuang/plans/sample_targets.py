"""The demo's town targets (示例分解目标) derived from the towns' figures, so that they fit them.

The plan file may carry town targets of its own (regional_targets, marked sample); those are kept
as they are. For every other town and indicator with a value in the year before the plan starts,
the demo writes a sample target from kechuang.engine.plan_simulate.sample_regional_targets: never
behind the town's value, the city's target among the towns' (shares and rates), the towns' targets
adding up to the city's (totals). Loading a new plan version replaces the towns' targets by the
file's (the file is the authority); the next `kechuang demo` derives the missing ones again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kechuang.engine.plan_simulate import sample_regional_targets
from kechuang.plans.models import Indicator, Plan, RegionalTarget
from kechuang.plans.observations import observations_frame
from kechuang.plans.services import indicators_frame
from kechuang.regions import CITY_CODE


@dataclass
class SampleTargets:
    created: int = 0
    updated: int = 0


def _from_file(plan: Plan) -> set[tuple[str, str]]:
    version = plan.current_version
    content = version.content if version is not None else {}
    return {(t["indicator"], t["region"]) for t in content.get("regional_targets") or []}


def _text(value: float) -> str:
    """12.5 not 12.50, 640 not 640.0."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@transaction.atomic
def derive_sample_targets(plan: Plan, base_year: int | None = None) -> SampleTargets:
    """Write the sample targets of the towns the plan file leaves without one (see the module
    docstring); a target already holding the derived value is not written again."""
    base_year = base_year or plan.start_year - 1
    derived = sample_regional_targets(
        indicators_frame(plan),
        observations_frame(plan).select("indicator", "region", "year", "value"),
        base_year,
        city_region=plan.region_code or CITY_CODE,
    )
    keep = _from_file(plan)
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan, active=True)}
    existing = {
        (t.indicator.code, t.region_code): t
        for t in RegionalTarget.objects.filter(indicator__plan=plan).select_related("indicator")
    }
    done = SampleTargets()
    for row in derived.iter_rows(named=True):
        key = (row["indicator"], row["region"])
        if key in keep or row["indicator"] not in indicators:
            continue
        old = existing.get(key)
        if old is None:
            RegionalTarget.objects.create(
                indicator=indicators[row["indicator"]],
                region_code=row["region"],
                target_year=row["target_year"],
                target_value=row["target_value"],
                target_text=_text(row["target_value"]),
                sample=True,
            )
            done.created += 1
        elif old.sample and (old.target_value, old.target_year) != (row["target_value"], row["target_year"]):
            old.target_value, old.target_year = row["target_value"], row["target_year"]
            old.target_text = _text(row["target_value"])
            old.save(update_fields=["target_value", "target_year", "target_text"])
            done.updated += 1
    return done
