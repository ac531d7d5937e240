"""Moving points models between files, the database and the engine; storing and reading scores.

``scores_frame(year, version=None)`` is the stored scores as a frame, for other modules (finance).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_noop as _noop
from django.utils.translation import override

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.points import (
    FIXED_COLUMNS,
    NO_FACTS,
    load_model,
    parse_model,
    read_model_text,
    sample_model_path,
)
from kechuang.engine.points import PointsModel as ModelFile
from kechuang.engine.points.improve import improvements
from kechuang.engine.points.score import score_detailed
from kechuang.enterprises.bulk import insert_frame, read_frame
from kechuang.enterprises.qualification import qualification_frames
from kechuang.points.models import PointsModel, PointsModelVersion, PointsRun, PointsScore
from kechuang.web.names import localized


@dataclass
class LoadResult:
    model: PointsModel
    version: PointsModelVersion
    new_version: bool


@dataclass
class ActiveModel:
    model: ModelFile
    version: PointsModelVersion | None  # None: the shipped sample, not loaded
    source: str  # where it came from, in Chinese


@transaction.atomic
def load_points_model(source: str | Path, loaded_by: str = "", note: str = "") -> LoadResult:
    """Validate and store a model file; a changed content becomes a new version; it becomes active."""
    text = read_model_text(Path(source))
    parsed = parse_model(text)
    model, _ = PointsModel.objects.get_or_create(code=parsed.code, defaults={"name": parsed.name})
    PointsModel.objects.exclude(pk=model.pk).filter(is_active=True).update(is_active=False)
    model.name, model.status, model.is_active = parsed.name, parsed.status, True
    model.name_en = parsed.name_en
    model.save()
    current = model.current_version
    digest = parsed.content_hash()
    if current is not None and current.content_hash == digest:
        return LoadResult(model, current, False)
    version = PointsModelVersion.objects.create(
        model=model,
        number=(current.number + 1) if current else 1,
        content_hash=digest,
        text=text,
        content=parsed.model_dump(mode="json"),
        source_file=str(source),
        loaded_by=loaded_by,
        note=note,
    )
    record(
        Action.IMPORT,
        version,
        object_repr=f"{model.name} 第 {version.number} 版",
        after={"source_file": str(source), "content_hash": digest, "status": parsed.status},
    )
    return LoadResult(model, version, True)


def version_model(version: PointsModelVersion) -> ModelFile:
    return ModelFile.model_validate(version.content)


def active_model() -> ActiveModel:
    """The active model's current version, or the shipped sample when none has been loaded."""
    model = PointsModel.objects.filter(is_active=True).first()
    version = model.current_version if model else None
    if version is None:
        path = sample_model_path()
        return ActiveModel(load_model(path), None, f"内置示例模型 {path.name}（数据库中尚未加载积分模型）")
    return ActiveModel(
        version_model(version), version, f"数据库中的当前模型 {model.code} 第 {version.number} 版"
    )


# ----------------------------------------------------------------------------------------------
# Stored scores: a run scores the whole registry and stores one row per enterprise
# ----------------------------------------------------------------------------------------------

RUN_LOCK = "points_run"
JOB_KIND = "points_run"
IMPROVEMENTS = 3
STAGE_SCORING = _noop("计算积分")
STAGE_STORING = _noop("保存积分")


def _resolve_version(version) -> PointsModelVersion | None:
    """A version (object or id), or None for the active model's current version."""
    if isinstance(version, PointsModelVersion):
        return version
    if version is not None:
        return PointsModelVersion.objects.select_related("model").get(pk=int(version))
    return active_model().version


def ensure_active_version(loaded_by: str = "") -> PointsModelVersion:
    """The active model's current version; the shipped sample is loaded first when none is."""
    version = active_model().version
    if version is None:
        version = load_points_model(sample_model_path(), loaded_by=loaded_by or "system").version
    return version


def _json_object(codes: list[str], suffix: str) -> pl.Expr:
    return pl.struct([pl.col(f"{c}{suffix}").alias(c) for c in codes]).struct.json_encode()


def _improvement_json(top: int) -> pl.Expr:
    items = [
        pl.when(pl.col(f"improve{j}_indicator").is_not_null()).then(
            pl.struct(
                pl.col(f"improve{j}_indicator").alias("indicator"),
                pl.col(f"improve{j}_value").alias("value"),
                pl.col(f"improve{j}_target").alias("target"),
                pl.col(f"improve{j}_gain").alias("gain"),
            )
        )
        for j in range(1, top + 1)
    ]
    wrapped = pl.struct(pl.concat_list(items).list.drop_nulls().alias("x")).struct.json_encode()
    return wrapped.str.strip_prefix('{"x":').str.strip_suffix("}")  # the list itself


def score_registry(year: int, model: ModelFile) -> pl.DataFrame:
    """Score the database's registry for ``year`` with the values, improvements, enterprise id, region
    and industry of each row (registry order)."""
    registry, facts = qualification_frames(year)
    registry = registry.sort("enterprise_id")
    detail = score_detailed(registry.drop("enterprise_id"), facts, year, model)
    top = min(IMPROVEMENTS, len(model.indicators))
    detail = pl.concat([detail, improvements(detail, model, top)], how="horizontal")
    return detail.with_columns(
        registry["enterprise_id"].alias("enterprise_id"),
        registry["region"].cast(pl.Utf8).fill_null("").alias("region_code"),
        registry["industry_code"].cast(pl.Utf8).fill_null("").alias("industry_code"),
    )


def group_sums(frame: pl.DataFrame, model: ModelFile) -> list[pl.Expr]:
    """Each group's points (the sum of its indicators' points), one expression per group."""
    exprs = []
    for g in model.group_list():
        cols = [f"{i.code}_points" for i in model.indicators if i.group == g.code]
        if cols:
            exprs.append(pl.sum_horizontal(cols).alias(g.code))
    return exprs


def group_medians(scored: pl.DataFrame, model: ModelFile) -> dict[str, dict[str, float]]:
    """stage → group → the cohort's median group points (the radar's comparison line)."""
    sums = group_sums(scored, model)
    if scored.is_empty() or not sums:
        return {}
    medians = scored.select("stage", *sums).group_by("stage").median()
    return {row.pop("stage"): row for row in medians.iter_rows(named=True)}


@transaction.atomic
def store_run(
    year: int, version=None, started_by: str = "", job_id: int | None = None, progress=None
) -> PointsRun:
    """Score the whole registry for ``year`` with ``version`` (default: the active model's current
    version, the sample loaded if none is) and store the run and every enterprise's row in bulk.
    An earlier run of the same version and year is marked superseded and its rows deleted."""
    started = time.perf_counter()
    version = _resolve_version(version) or ensure_active_version(started_by)
    model = version_model(version)
    if progress:
        progress(STAGE_SCORING, 0, 2)
    detail = score_registry(year, model)
    if progress:
        progress(STAGE_STORING, 1, 2)
    codes = [i.code for i in model.indicators]
    scored = detail.filter(pl.col("excluded").is_null() & pl.col("stage").is_not_null())
    old = PointsRun.objects.filter(version=version, year=year, superseded=False)
    PointsScore.objects.filter(run__in=old).delete()
    old.update(superseded=True)
    run = PointsRun.objects.create(
        version=version,
        year=year,
        started_by=started_by,
        job_id=job_id,
        enterprises=detail.height,
        scored=scored.height,
        excluded=detail.filter(pl.col("excluded").is_not_null() & (pl.col("excluded") != NO_FACTS)).height,
        no_facts=detail.filter(pl.col("excluded") == NO_FACTS).height,
        counts={
            "stages": dict(scored.group_by("stage").len().iter_rows()),
            "tiers": dict(scored.drop_nulls("tier").group_by("tier").len().iter_rows()),
            "excluded": dict(detail.drop_nulls("excluded").group_by("excluded").len().iter_rows()),
            "group_medians": group_medians(scored, model),
        },
    )
    rows = detail.select(
        pl.lit(run.pk).alias("run_id"),
        pl.lit(version.pk).alias("version_id"),
        pl.lit(year).alias("year"),
        pl.col("credit_code"),
        pl.col("enterprise_id"),
        pl.col("region_code"),
        pl.col("industry_code"),
        pl.col("stage").fill_null(""),
        pl.col("excluded").fill_null(""),
        pl.col("points"),
        pl.col("rank"),
        pl.col("cohort_size"),
        pl.col("top_share"),
        pl.col("tier").fill_null(""),
        _json_object(codes, "_points").alias("indicator_points"),
        _json_object(codes, "_value").alias("indicator_values"),
        _improvement_json(min(IMPROVEMENTS, len(codes))).alias("improvements"),
    )
    insert_frame(PointsScore._meta.db_table, rows)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds"])
    record(
        Action.IMPORT,
        run,
        object_repr=f"{year} 年度创新积分（{version}）",
        after={"enterprises": run.enterprises, "scored": run.scored, "version": version.pk},
    )
    if progress:
        progress(STAGE_STORING, 2, 2)
    return run


def latest_run(year: int, version=None) -> PointsRun | None:
    """The latest stored run of ``version`` (default: the active model's current version) for ``year``."""
    version = _resolve_version(version)
    if version is None:
        return None
    return (
        PointsRun.objects.filter(version=version, year=year, superseded=False)
        .select_related("version__model")
        .order_by("-started_at", "-id")
        .first()
    )


def runs_years(version=None) -> list[int]:
    version = _resolve_version(version)
    if version is None:
        return []
    return sorted(
        set(PointsRun.objects.filter(version=version, superseded=False).values_list("year", flat=True))
    )


def run_frame(run: PointsRun, where: str = "", params: list | None = None) -> pl.DataFrame:
    """A run's stored rows as a frame: the scoring contract's columns (``kechuang points score``'s
    output), ``<indicator>_points`` and ``<indicator>_value`` per indicator, then ``enterprise_id``,
    ``region_code``, ``industry_code``, ``improvements`` (JSON text) and ``version_id``."""
    model = version_model(run.version)
    codes = [i.code for i in model.indicators]
    table = PointsScore._meta.db_table
    sql = (
        "SELECT credit_code, stage, excluded, points, rank, cohort_size, top_share, tier, "
        # JSON as text: PostgreSQL's driver would return jsonb as Python objects
        "CAST(indicator_points AS TEXT), CAST(indicator_values AS TEXT), enterprise_id, region_code, "
        "industry_code, CAST(improvements AS TEXT) "
        f"FROM {table} WHERE run_id = %s {where} ORDER BY id"
    )
    schema = {
        "credit_code": pl.Utf8,
        "stage": pl.Utf8,
        "excluded": pl.Utf8,
        "points": pl.Float64,
        "rank": pl.Int64,
        "cohort_size": pl.Int64,
        "top_share": pl.Float64,
        "tier": pl.Utf8,
        "indicator_points": pl.Utf8,
        "indicator_values": pl.Utf8,
        "enterprise_id": pl.Int64,
        "region_code": pl.Utf8,
        "industry_code": pl.Utf8,
        "improvements": pl.Utf8,
    }
    frame = read_frame(sql, [run.pk, *(params or [])], schema=schema)
    floats = pl.Struct({c: pl.Float64 for c in codes})
    frame = frame.with_columns(
        *[pl.col(c).replace("", None) for c in ("stage", "excluded", "tier")],
        pl.col("indicator_points").cast(pl.Utf8).str.json_decode(floats),
        pl.col("indicator_values").cast(pl.Utf8).str.json_decode(floats),
    )
    points = frame["indicator_points"].struct.rename_fields([f"{c}_points" for c in codes]).struct.unnest()
    values = frame["indicator_values"].struct.rename_fields([f"{c}_value" for c in codes]).struct.unnest()
    fixed = frame.select(*FIXED_COLUMNS)
    rest = frame.select("enterprise_id", "region_code", "industry_code", "improvements")
    return pl.concat([fixed, points, values, rest], how="horizontal").with_columns(
        pl.lit(run.version_id, dtype=pl.Int64).alias("version_id")
    )


def scores_frame(year: int, version=None) -> pl.DataFrame:
    """The stored scores of ``year`` for ``version`` (a PointsModelVersion or its id; default: the
    active model's current version), from its latest run: one row per registry enterprise with

        credit_code, stage, excluded, points, rank, cohort_size, top_share, tier,
        <indicator>_points …, version_id

    (the ``kechuang points score`` columns plus the version id). Empty (same columns) when nothing
    is stored for that year and version. Unscoped: callers apply kechuang.access themselves."""
    run = latest_run(year, version)
    version_obj = run.version if run else _resolve_version(version)
    if run is None:
        codes = [i.code for i in version_model(version_obj).indicators] if version_obj else []
        schema = dict(
            zip(
                FIXED_COLUMNS,
                [pl.Utf8, pl.Utf8, pl.Utf8, pl.Float64, pl.Int64, pl.Int64, pl.Float64, pl.Utf8],
                strict=True,
            )
        )
        schema |= {f"{c}_points": pl.Float64 for c in codes} | {"version_id": pl.Int64}
        return pl.DataFrame(schema=schema)
    frame = run_frame(run)
    keep = [*FIXED_COLUMNS, *[c for c in frame.columns if c.endswith("_points")], "version_id"]
    return frame.select(keep)


def run_points_job(job, reporter) -> dict:
    """The job (kind points_run): store a run for job.params year (and version)."""
    params = job.params
    run = store_run(
        int(params["year"]),
        params.get("version"),
        started_by=job.started_by_name,
        job_id=job.pk,
        progress=reporter,
    )
    return {"run": run.pk, "year": run.year, "enterprises": run.enterprises, "scored": run.scored}


def start_run(year: int, user, version=None):
    """Queue a scoring job for ``year`` (JobBusy while another one runs)."""
    from kechuang.jobs.services import enqueue

    version = _resolve_version(version) or ensure_active_version(user.get_username() if user else "")
    return enqueue(
        JOB_KIND, RUN_LOCK, run_title(year, version), {"year": int(year), "version": version.pk}, user=user
    )


def _run_title(year: int, version: PointsModelVersion) -> str:
    from kechuang.jobs.services import compose

    return compose(
        _noop("{year} 年度创新积分计算（{model} 第 {number} 版）"),
        year=year,
        model=localized(version.model),
        number=version.number,
    )


def run_title(year: int, version: PointsModelVersion) -> str:
    """A scoring job's stored title, in Chinese."""
    with override("zh-hans"):
        return _run_title(int(year), version)[:200]


def job_title(job) -> str:
    """The job's title in the reader's language (jobs.TITLES)."""
    return _run_title(int(job.params["year"]), _resolve_version(job.params["version"]))
