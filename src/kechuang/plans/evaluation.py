"""Evaluating the plan stored in the database: frames out of the models, into the engine."""

from __future__ import annotations

from datetime import date

import polars as pl

from kechuang.engine.plan_eval import evaluate
from kechuang.engine.years import is_simulated
from kechuang.plans.asof import default_year, official_year, task_date
from kechuang.plans.models import Plan
from kechuang.plans.monitoring.payload import payload
from kechuang.plans.observations import observations_frame
from kechuang.plans.services import evaluate_tasks, indicators_frame, regional_targets_frame


def evaluate_plan(
    plan: Plan, as_of: int | None = None, include_simulated: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(results for every indicator × region, indicators, as_of); ``include_simulated=False``
    evaluates official data only (the public portal)."""
    as_of = as_of or default_year(plan)
    indicators = indicators_frame(plan)
    obs = observations_frame(plan, as_of=as_of, include_simulated=include_simulated).select(
        "indicator", "region", "year", "value"
    )
    return evaluate(indicators, obs, as_of, regional_targets_frame(plan)), indicators, as_of


def monitor(plan: Plan, as_of: int | None = None, region: str = "441900") -> dict:
    """The evaluation of one region as of a year (default: the latest year with official data);
    ``as_of_simulated`` says the year lies past the official data."""
    results, indicators, as_of = evaluate_plan(plan, as_of)
    data = payload(plan.code, as_of, region, results, indicators)
    return {**data, "as_of_simulated": is_simulated(as_of, official_year(plan))}


def task_board(plan: Plan, as_of: date | None = None) -> pl.DataFrame:
    """Task statuses on ``as_of`` (default: the task date of the default year, plans.asof.task_date)."""
    return evaluate_tasks(plan, as_of or task_date(default_year(plan)))
