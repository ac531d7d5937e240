"""Observations: importing files, entering single values, revisions, and frames for the engine.

A correction never overwrites: it is stored as the next revision and the previous one stays visible.
An import is all-or-nothing: one bad row (or one row outside the user's scope) rejects the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Max

from kechuang import access
from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.enterprise_labels import N_
from kechuang.engine.observation_import import IndicatorInfo, check_observations
from kechuang.engine.plan_simulate import simulate
from kechuang.engine.tables import RowError, TableReadError, empty_file_message, read_table
from kechuang.plans.models import Indicator, Observation, ObservationBatch, Plan
from kechuang.plans.services import indicators_frame, regional_targets_frame
from kechuang.plans.texts import SIMULATED_BATCH, SIMULATED_SOURCE, WEB_FORM
from kechuang.regions import region_lookup

STAGE_CHECK = N_("读取并检查文件")
STAGE_WRITE = N_("写入指标数据")
PROGRESS_EVERY = 500


class ObservationImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} 处错误，文件未导入")
        self.errors = errors


@dataclass
class ImportResult:
    batch: ObservationBatch | None
    created: int
    revised: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)  # broken ``warn`` rules (the values are written)


def indicator_infos(plan: Plan) -> dict[str, IndicatorInfo]:
    out = {}
    for ind in Indicator.objects.filter(plan=plan, active=True):
        info = IndicatorInfo(ind.code, ind.name, ind.unit)
        out[ind.code] = info
        out[ind.name] = info
    return out


def read_observation_file(path: str | Path, plan: Plan, name: str = "") -> pl.DataFrame:
    """Read and check a file; raises ObservationImportError with every bad row, or saying that the
    file holds no data (empty, or only the header: an empty template)."""
    try:
        raw = read_table(path)
    except TableReadError as exc:
        raise ObservationImportError([RowError(0, "", "", str(exc))]) from exc
    clean, errors = check_observations(raw, indicator_infos(plan), region_lookup())
    if errors:
        raise ObservationImportError(errors)
    if not clean.height:
        message = empty_file_message(name or Path(path).name, header_only=True)
        raise ObservationImportError([RowError(0, "", "", message)])
    return clean


def _scope_errors(user, plan: Plan, clean: pl.DataFrame) -> list[RowError]:
    """Rows the user may not write (a department reporter outside its indicators, a town outside its town)."""
    if user is None:  # a command run by an operator at the server
        return []
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    pairs = clean.group_by("indicator", "region_code").agg(pl.col("row").min()).sort("row")
    errors = []
    for rec in pairs.iter_rows(named=True):
        candidate = Observation(indicator=indicators[rec["indicator"]], region_code=rec["region_code"])
        if not access.can_create(user, "observation", candidate):
            errors.append(
                RowError(
                    rec["row"],
                    "指标",
                    rec["indicator"],
                    f"无权填报指标「{indicators[rec['indicator']].name}」在该地区的数据（超出您的权限范围）",
                )
            )
    return errors


def check_for_user(
    plan: Plan, clean: pl.DataFrame, user, with_row: bool = True
) -> tuple[list[RowError], list[str]]:
    """What a user's rows break besides the file's own checks, all at once: rows outside the user's
    scope, locked cells and ``block`` rules (errors), ``warn`` rules (warnings). Nothing is written;
    the upload's preview and store_observations both call it."""
    if user is None:  # a command run by an operator at the server
        return [], []
    from kechuang.plans.discipline.services import check_rows

    scope = _scope_errors(user, plan, clean)
    errors, warnings = check_rows(plan, clean, with_row=with_row)
    return sorted(scope + errors, key=lambda e: e.row), warnings


@transaction.atomic
def store_observations(
    plan: Plan,
    clean: pl.DataFrame,
    user=None,
    file_name: str = "",
    default_source: str = "",
    simulated: bool = False,
    progress=None,
) -> ImportResult:
    """Write checked rows: new values are created, changed values become a new revision, equal values are skipped.

    ``progress(stage, done, total)``, when given, is called as the rows are written (a background job's
    reporter; raising there rolls the whole import back)."""
    errors, warnings = check_for_user(plan, clean, user, with_row=file_name != WEB_FORM)
    if errors:
        raise ObservationImportError(errors)
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    existing = {
        (o.indicator.code, o.region_code, o.year): o
        for o in Observation.objects.filter(indicator__plan=plan, is_latest=True).select_related("indicator")
    }
    # A value set aside by migration 0006 (not finite) left revisions but no latest one: the next
    # value continues its numbering.
    set_aside = {
        (code, region, year): top
        for code, region, year, top in Observation.objects.filter(indicator__plan=plan, value__isnull=True)
        .values_list("indicator__code", "region_code", "year")
        .annotate(top=Max("revision"))
        .order_by()
    }
    name = user.get_username() if user is not None else "system"
    batch = ObservationBatch.objects.create(
        file_name=file_name,
        source=default_source,
        rows=clean.height,
        uploaded_by=user if user is not None else None,
        uploaded_by_name=name,
    )
    created = revised = unchanged = 0
    new_rows = []
    for i, rec in enumerate(clean.iter_rows(named=True)):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(STAGE_WRITE, i, clean.height)
        ind = indicators[rec["indicator"]]
        old = existing.get((ind.code, rec["region_code"], rec["year"]))
        source = rec.get("source") or default_source
        if old is not None and old.value == rec["value"] and old.source == source:
            unchanged += 1
            continue
        earlier = set_aside.get((ind.code, rec["region_code"], rec["year"]), 0)
        if old is not None:
            old.is_latest = False
            old.save(update_fields=["is_latest"])
            revised += 1
        elif earlier:
            revised += 1
        else:
            created += 1
        new_rows.append(
            Observation(
                indicator=ind,
                region_code=rec["region_code"],
                year=rec["year"],
                value=rec["value"],
                unit=ind.unit,
                source=source,
                note=rec.get("note") or "",
                simulated=simulated,
                revision=max(old.revision if old else 0, earlier) + 1,
                is_latest=True,
                entered_by=user,
                entered_by_name=name,
                batch=batch,
            )
        )
    Observation.objects.bulk_create(new_rows, batch_size=1000)
    if progress is not None:
        progress(STAGE_WRITE, clean.height, clean.height)
    record(
        Action.IMPORT,
        batch,
        object_repr=f"观测值导入 {file_name}",
        after={"created": created, "revised": revised, "unchanged": unchanged, "simulated": simulated},
    )
    return ImportResult(batch, created, revised, unchanged, warnings)


def import_file(
    path: str | Path, plan: Plan, user=None, default_source: str = "", name: str = "", progress=None
) -> ImportResult:
    """Read, check and write a file (``name``: the file's own name when it is stored under another)."""
    name = name or Path(path).name
    if progress is not None:
        progress(STAGE_CHECK, 0, 0)
    clean = read_observation_file(path, plan, name=name)
    return store_observations(
        plan, clean, user=user, file_name=name, default_source=default_source or name, progress=progress
    )


def enter_value(
    plan: Plan,
    user,
    indicator: Indicator,
    region_code: str,
    year: int,
    value: float,
    source: str,
    note: str = "",
) -> ImportResult:
    """One value from the web form; the same checks and scope as a file."""
    raw = pl.DataFrame(
        {
            "indicator": [indicator.code],
            "region": [region_code],
            "year": [str(year)],
            "value": [repr(float(value))],
            "source": [source],
            "note": [note],
        }
    )
    clean, errors = check_observations(raw, indicator_infos(plan), region_lookup())
    if errors:
        raise ObservationImportError(errors)
    return store_observations(plan, clean, user=user, file_name=WEB_FORM, default_source=source)


def observations_frame(plan: Plan, as_of: int | None = None, include_simulated: bool = True) -> pl.DataFrame:
    """Latest revisions: indicator, region, year, value (+ simulated, source)."""
    qs = Observation.objects.filter(indicator__plan=plan, is_latest=True, indicator__active=True)
    if as_of is not None:
        qs = qs.filter(year__lte=as_of)
    if not include_simulated:
        qs = qs.filter(simulated=False)
    rows = list(qs.values_list("indicator__code", "region_code", "year", "value", "simulated", "source"))
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.Utf8,
            "region": pl.Utf8,
            "year": pl.Int32,
            "value": pl.Float64,
            "simulated": pl.Boolean,
            "source": pl.Utf8,
        },
        orient="row",
    )


def load_reference_history(plan: Plan) -> ImportResult:
    """The published Dongguan history shipped in kechuang/data (each row keeps its own source)."""
    with resources.as_file(resources.files("kechuang.data").joinpath("dongguan-indicators.csv")) as path:
        raw = pl.read_csv(path, infer_schema=False).select(
            "indicator", "region", "year", "value", "source", "note"
        )
        clean, errors = check_observations(raw, indicator_infos(plan), region_lookup())
        if errors:
            raise ObservationImportError(errors)
        return store_observations(plan, clean, file_name=path.name, default_source="dongguan-indicators.csv")


# The towns the demo simulates even where nothing else gives them a value, and their share of a
# city total when they have none yet: 松山湖, 虎门, 长安, 塘厦, 常平, 大朗, 东城.
DEMO_TOWN_WEIGHTS = {
    "441900401": 0.09,
    "441900121": 0.05,
    "441900119": 0.07,
    "441900116": 0.05,
    "441900110": 0.04,
    "441900113": 0.04,
    "441900003": 0.03,
}


def simulate_to(plan: Plan, last_year: int, seed: int = 2026, towns: list[str] | None = None) -> ImportResult:
    """Simulated observations (marked 模拟) up to last_year: every series of the city and the towns
    continues from its own latest value (published, from a registry or simulated before), the demo
    towns start where they have none (kechuang.engine.plan_simulate)."""
    latest = observations_frame(plan)
    real = latest.filter(~pl.col("simulated"))
    fallback_year = int(real["year"].max()) if real.height else plan.start_year - 1
    towns = towns or list(DEMO_TOWN_WEIGHTS)
    sim = simulate(
        indicators_frame(plan),
        latest.select("indicator", "region", "year", "value"),
        towns,
        DEMO_TOWN_WEIGHTS,
        last_year,
        fallback_year,
        seed=seed,
        regional_targets=regional_targets_frame(plan),
    )
    if sim.is_empty():
        return ImportResult(None, 0, 0, 0)
    first_year = int(sim["year"].min())
    clean = sim.with_row_index("row", offset=2).select(
        "row",
        "indicator",
        pl.col("region").alias("region_code"),
        "year",
        "value",
        pl.lit(SIMULATED_SOURCE).alias("source"),
        pl.lit("模拟").alias("note"),
    )
    return store_observations(
        plan,
        clean,
        file_name=SIMULATED_BATCH.format(first_year, last_year),
        default_source=SIMULATED_SOURCE,
        simulated=True,
    )
