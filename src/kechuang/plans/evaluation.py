"""Evaluating the plan stored in the database: frames out of the models, into the engine."""

from __future__ import annotations

import hashlib
import threading
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
    targets = regional_targets_frame(plan)
    key = (as_of, *(_fingerprint(frame) for frame in (indicators, obs, targets)))
    results = _evaluated.get(key)
    if results is None:
        results = evaluate(indicators, obs, as_of, targets)
        with _evaluated_lock:  # gunicorn's threads share the dict: evict and insert as one step
            while len(_evaluated) >= _EVALUATED_MAX:
                _evaluated.pop(next(iter(_evaluated)))  # the oldest entry
            _evaluated[key] = results
    return results, indicators, as_of


# The engine's evaluation of the same inputs is the same frame: the pages that show the plan (the
# overview, every indicator, the towns, the portal) evaluate it on every request, and most requests
# find the inputs unchanged. The key is the inputs' content (every row and column of the indicators,
# observations and regional targets, and the year), not a version number, so a new, revised or
# deleted value, an edited target or another as-of year can never read an old result. Per process
# (each gunicorn worker keeps its own few entries); frames are immutable, so sharing them is safe.
_EVALUATED_MAX = 16
_evaluated: dict[tuple, pl.DataFrame] = {}
_evaluated_lock = threading.Lock()


def _fingerprint(frame: pl.DataFrame) -> str:
    digest = hashlib.blake2b(repr(frame.schema).encode(), digest_size=16)
    digest.update(frame.height.to_bytes(8, "little"))
    if frame.height:
        digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def monitor(plan: Plan, as_of: int | None = None, region: str = "441900") -> dict:
    """The evaluation of one region as of a year (default: the latest year with official data);
    ``as_of_simulated`` says the year lies past the official data."""
    results, indicators, as_of = evaluate_plan(plan, as_of)
    data = payload(plan.code, as_of, region, results, indicators)
    return {**data, "as_of_simulated": is_simulated(as_of, official_year(plan))}


def task_board(plan: Plan, as_of: date | None = None) -> pl.DataFrame:
    """Task statuses on ``as_of`` (default: the task date of the default year, plans.asof.task_date)."""
    return evaluate_tasks(plan, as_of or task_date(default_year(plan)))
