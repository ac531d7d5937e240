"""Evaluating the plan stored in the database: frames out of the models, into the engine."""

from __future__ import annotations

from datetime import date

import polars as pl

from kechuang.engine.plan_eval import evaluate
from kechuang.plans.models import Plan
from kechuang.plans.monitoring.payload import payload
from kechuang.plans.observations import observations_frame
from kechuang.plans.services import evaluate_tasks, indicators_frame, regional_targets_frame


def default_as_of(plan: Plan) -> int:
    """The latest year with any observation (the year a report would speak about)."""
    obs = observations_frame(plan)
    return int(obs["year"].max()) if obs.height else date.today().year - 1


def evaluate_plan(
    plan: Plan, as_of: int | None = None, include_simulated: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(results for every indicator × region, indicators, as_of); ``include_simulated=False``
    evaluates official data only (the public portal)."""
    as_of = as_of or default_as_of(plan)
    indicators = indicators_frame(plan)
    obs = observations_frame(plan, as_of=as_of, include_simulated=include_simulated).select(
        "indicator", "region", "year", "value"
    )
    return evaluate(indicators, obs, as_of, regional_targets_frame(plan)), indicators, as_of


def monitor(plan: Plan, as_of: int | None = None, region: str = "441900") -> dict:
    results, indicators, as_of = evaluate_plan(plan, as_of)
    return payload(plan.code, as_of, region, results, indicators)


def task_board(plan: Plan, as_of: date | None = None) -> pl.DataFrame:
    return evaluate_tasks(plan, as_of or date.today())
