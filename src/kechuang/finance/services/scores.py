"""The points behind the finance pages: one function, ``scores_frame(year, version)``.

When the points app has a stored run for the year and the model version
(``kechuang.points.services.scores_frame``), those scores are used, so that a bank and an
enterprise see the points the portrait pages show; otherwise they are computed on the fly with the
points engine (the same input as ``kechuang points score`` from the database). Either way the
columns are credit_code, stage, excluded, points, rank, cohort_size, top_share, tier,
<indicator>_points; results are cached per (year, model content, data version, stored run). An
explicit model (the recalibration's unit model) is always computed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import polars as pl
from django.db.models import Max

from kechuang.engine.points import PointsModel as ModelFile
from kechuang.engine.points import score
from kechuang.engine.rules.derive import derive_lazy, derived_names

_CACHE: dict[tuple, object] = {}
_CACHE_SIZE = 16


@dataclass(frozen=True)
class Scored:
    """The scores and the derived columns of a year, with the model that made them."""

    year: int
    model: ModelFile
    version_id: int | None
    scores: pl.DataFrame  # the scoring output
    derived: pl.DataFrame  # registry + facts of the year + derived columns (one row per enterprise)
    ids: pl.DataFrame  # credit_code, enterprise_id


def _data_version() -> tuple:
    from kechuang.enterprises.models import Enterprise, Fact, Upload

    return (
        Enterprise.objects.count(),
        Enterprise.objects.aggregate(m=Max("id"))["m"],
        Fact.objects.count(),
        Fact.objects.aggregate(m=Max("id"))["m"],
        Upload.objects.aggregate(m=Max("id"))["m"],
    )


def model_for(version=None) -> tuple[ModelFile, int | None]:
    """The model of a version, or the active one (the shipped sample is validated once per process)."""
    from kechuang.points.models import PointsModel
    from kechuang.points.services import version_model

    if version is None:
        active = PointsModel.objects.filter(is_active=True).first()
        version = active.current_version if active else None
    if version is not None:
        return version_model(version), version.pk
    return _sample(), None


@functools.lru_cache(maxsize=1)
def _sample() -> ModelFile:
    from kechuang.engine.points import load_model, sample_model_path

    return load_model(sample_model_path())


def frames(year: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(registry without ids, facts Y−2..Y, ids, derived columns of Y), cached per data version."""
    from kechuang.enterprises.qualification import qualification_frames

    key = ("frames", year, _data_version())
    if key in _CACHE:
        return _CACHE[key]
    registry, facts = qualification_frames(year)
    registry = registry.sort("enterprise_id")
    ids = registry.select(pl.col("credit_code").cast(pl.Utf8), "enterprise_id")
    plain = registry.drop("enterprise_id")
    derived = derive_lazy(plain, facts, year).select(derived_names()).collect()
    return _remember(key, (plain, facts, ids, derived))


def clear_cache() -> None:
    _CACHE.clear()


def _remember(key: tuple, value):
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = value
    return value


def scored(year: int, version=None, model: ModelFile | None = None) -> Scored:
    """Scores of every registry enterprise for ``year`` with a model version (default: the active one)
    or an explicit model (e.g. the unit model of the recalibration)."""
    version_id = None
    explicit = model is not None
    if model is None:
        model, version_id = model_for(version)
    key = (year, model.content_hash(), _data_version(), _run_id(year, version_id))
    if key in _CACHE:
        return _CACHE[key]
    plain, facts, ids, derived = frames(year)
    scores = None if explicit else _stored(year, version_id)
    if scores is None:
        scores = score(plain, facts, year, model)
    return _remember(key, Scored(year, model, version_id, scores, derived, ids))


def _run_id(year: int, version_id: int | None) -> int | None:
    """The stored run the points app would show for this year and version (part of the cache key)."""
    if version_id is None:
        return None
    from kechuang.points.services import latest_run

    run = latest_run(year, version_id)
    return run.pk if run else None


def _stored(year: int, version_id: int | None) -> pl.DataFrame | None:
    """The points app's stored scores of the year and version (what its portraits show), if any."""
    if version_id is None:
        return None
    from kechuang.points.services import scores_frame as stored

    frame = stored(year, version_id)
    return frame.drop("version_id") if frame.height else None


def scores_frame(year: int, version=None) -> pl.DataFrame:
    """The scoring output of a year (the contract's columns)."""
    return scored(year, version).scores
