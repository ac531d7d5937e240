"""Importing department files into the registry: all or nothing per upload, field-by-field updates.

check_files() reads and checks without writing; import_files() writes only when every file of the
upload is clean. Registry files are applied before facts files, so a facts file may name
enterprises that the same upload's registry file introduces.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.enterprise_import import CheckedTable, RowErrors, check_upload
from kechuang.engine.enterprise_labels import N_
from kechuang.engine.tables import RowError
from kechuang.enterprises.bulk import insert_frame, read_frame, update_frame
from kechuang.enterprises.models import FACT_FIELDS, REGISTRY_FIELDS, Enterprise, Fact, FactRevision, Upload
from kechuang.regions import region_lookup

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# The stages reported to ``progress`` (the CLI's bars and the job page show them as they are).
STAGE_CHECK = N_("读取并检查文件")
STAGE_REGISTRY = N_("写入企业名录")
STAGE_FACTS = N_("写入企业年度数据")
STAGE_TIERS = N_("重新计算梯队")
STAGE_QUALIFY = N_("全库资格计算")


# An upload naming at most this many enterprises reads only their rows (WHERE … IN); a larger one
# reads the table once, which is faster than thousands of parameters.
MAX_KEYS_IN_SQL = 5000


def _only(column: str, values: list) -> tuple[str, list]:
    """(SQL condition, parameters) keeping the rows whose ``column`` is one of ``values``, or
    ("", []) when there are too many of them to name."""
    if len(values) > MAX_KEYS_IN_SQL:
        return "", []
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _where(*conditions: tuple[str, list]) -> tuple[str, list]:
    parts = [c for c, _ in conditions if c]
    params = [p for _, ps in conditions for p in ps]
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


class EnterpriseImportError(Exception):
    def __init__(self, errors: dict[str, RowErrors]):
        self.errors = errors
        total = sum(e.total for e in errors.values())
        super().__init__(f"发现 {total} 处错误，整批未导入（没有写入任何数据）")


class ImportLimitError(EnterpriseImportError):
    """An upload over the import's limits (bytes, rows, wall-clock time): refused, or stopped inside
    its transaction, with nothing written. The message names the limit and the setting."""

    def __init__(self, name: str, message: str):
        self.errors = {name: RowErrors([RowError(1, "", name, message, "limit")])}
        Exception.__init__(self, message)


@dataclass(frozen=True)
class ImportLimits:
    """Every import's limits (web, job and CLI): the files' total size, their rows, the time from
    reading to commit. Settings IMPORT_MAX_MB / IMPORT_MAX_ROWS / IMPORT_MAX_SECONDS, or the
    environment variables KECHUANG_IMPORT_MAX_MB / _MAX_ROWS / _MAX_SECONDS (deploy/kechuang.env)."""

    max_bytes: int
    max_rows: int
    max_seconds: float

    @classmethod
    def current(cls) -> ImportLimits:
        def get(name: str, default: str) -> float:
            return float(getattr(settings, name, None) or os.environ.get(f"KECHUANG_{name}", default))

        return cls(
            max_bytes=int(get("IMPORT_MAX_MB", "1024") * 1024 * 1024),
            max_rows=int(get("IMPORT_MAX_ROWS", "5000000")),
            max_seconds=get("IMPORT_MAX_SECONDS", "1800"),
        )


def _check_size(paths: list[Path], names: list[str], limits: ImportLimits) -> None:
    total = 0
    for path in paths:
        try:
            total += Path(path).stat().st_size
        except OSError:
            pass
    if total > limits.max_bytes:
        raise ImportLimitError(
            "、".join(names),
            f"上传的文件共 {total / 1048576:,.1f} MB，超过导入上限 {limits.max_bytes / 1048576:,.0f} MB"
            "（设置 KECHUANG_IMPORT_MAX_MB），未读取，没有写入任何数据。请分批上传。",
        )


def _check_rows(checked: list[CheckedTable], limits: ImportLimits) -> None:
    rows = sum(item.clean.height for item in checked)
    if rows > limits.max_rows:
        raise ImportLimitError(
            "、".join(item.name for item in checked),
            f"上传的文件共 {rows:,} 行，超过导入上限 {limits.max_rows:,} 行"
            "（设置 KECHUANG_IMPORT_MAX_ROWS），没有写入任何数据。请分批上传。",
        )


def _clock() -> float:
    return time.monotonic()


class _Deadline:
    """Wraps the progress callback: past the wall-clock limit the next step raises ImportLimitError
    (inside the transaction: everything is rolled back)."""

    def __init__(self, names: list[str], limits: ImportLimits, progress: Progress | None):
        self.names, self.limits, self.progress = names, limits, progress
        self.end = _clock() + limits.max_seconds

    def check(self) -> None:
        if _clock() > self.end:
            raise ImportLimitError(
                "、".join(self.names),
                f"导入超过时间上限 {self.limits.max_seconds:,.0f} 秒（设置 KECHUANG_IMPORT_MAX_SECONDS），"
                "已停止，整批未导入，没有写入任何数据。请分批上传或请管理员调整上限。",
            )

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)
        if stage != STAGE_TIERS:  # after the commit there is nothing to roll back
            self.check()


CheckedFile = CheckedTable  # name, kind (registry | facts), clean


@dataclass
class ImportSummary:
    uploads: list[int] = field(default_factory=list)
    registry_created: int = 0
    registry_changed: int = 0
    facts_created: int = 0
    facts_changed: int = 0
    facts_unchanged: int = 0


# Up to this many distinct credit codes in a facts file are looked up in the registry in SQL (in
# batches of MAX_KEYS_IN_SQL); a file naming more reads the registry's codes once.
MAX_CODES_LOOKED_UP = 100_000


def known_among(codes: pl.Series) -> pl.Series:
    """Which of these credit codes are in the registry: only those rows are read (WHERE … IN, in
    batches), so a 2-row correction on a registry of a million does not read a million codes."""
    values = [c for c in codes.drop_nulls().unique().to_list() if c]
    if len(values) > MAX_CODES_LOOKED_UP or MAX_KEYS_IN_SQL <= 0:
        return pl.Series(list(Enterprise.objects.values_list("credit_code", flat=True)), dtype=pl.Utf8)
    found: list[str] = []
    for start in range(0, len(values), MAX_KEYS_IN_SQL):
        batch = values[start : start + MAX_KEYS_IN_SQL]
        found.extend(Enterprise.objects.filter(credit_code__in=batch).values_list("credit_code", flat=True))
    return pl.Series(found, dtype=pl.Utf8)


def check_files(paths: list[Path], names: list[str] | None = None) -> list[CheckedFile]:
    """Read and check every file (the engine's one reader, as `kechuang qualify --input` uses);
    raises EnterpriseImportError listing every bad row of every file."""

    names = names or [Path(p).name for p in paths]
    limits = ImportLimits.current()
    _check_size(paths, names, limits)
    checked, errors = check_upload(paths, names, region_lookup={**region_lookup()}, known_among=known_among)
    if errors:
        raise EnterpriseImportError(errors)
    empty = {
        item.name: RowErrors([RowError(2, "", "", "文件没有数据行（只有表头或空行），整批未导入", "empty")])
        for item in checked
        if item.clean.height == 0
    }
    if empty:
        raise EnterpriseImportError(empty)
    _check_rows(checked, limits)
    return checked


def import_files(
    paths: list[Path],
    user=None,
    department: str | None = None,
    names: list[str] | None = None,
    progress: Progress | None = None,
    recompute_tiers: bool = True,
) -> ImportSummary:
    """Check every file, then write them all in one transaction; afterwards the tiers of the years
    the facts touched (and of the two following years, which look back on them) are recomputed.

    ``progress(stage, done, total)`` is called at each stage and after each chunk written; an
    exception it raises (a cancelled job) rolls the whole transaction back."""
    deadline = _Deadline(names or [Path(p).name for p in paths], ImportLimits.current(), progress)
    progress = deadline
    progress(STAGE_CHECK, 0, len(paths))
    checked = check_files(paths, names)
    progress(STAGE_CHECK, len(paths), len(paths))
    department = department or (user.org.code if user is not None and user.org_id else "kjj")
    name = user.get_username() if user is not None else "system"
    summary = ImportSummary()
    with transaction.atomic():
        for item in checked:
            upload = Upload.objects.create(
                kind=item.kind,
                department=department,
                file_name=item.name,
                rows=item.clean.height,
                uploaded_by=user,
                uploaded_by_name=name,
            )
            summary.uploads.append(upload.pk)
            if item.kind == "registry":
                created, changed = apply_registry(item.clean, upload, progress)
                summary.registry_created += created
                summary.registry_changed += changed
            else:
                created, changed, unchanged = apply_facts(item.clean, upload, progress)
                summary.facts_created += created
                summary.facts_changed += changed
                summary.facts_unchanged += unchanged
            upload.created_rows, upload.changed_rows = (created, changed)
            upload.save(update_fields=["created_rows", "changed_rows"])
            record(
                Action.IMPORT,
                upload,
                object_repr=f"企业数据导入 {item.name}",
                after={"kind": item.kind, "rows": item.clean.height, "created": created, "changed": changed},
            )
            deadline.check()
    if recompute_tiers:
        _recompute_after(checked, progress)
    return summary


def _recompute_after(checked: list[CheckedFile], progress: Progress | None = None) -> None:
    from kechuang.enterprises.models import TierRecord
    from kechuang.enterprises.qualification import recompute_tiers as recompute

    years: set[int] = set()
    for item in checked:
        if item.kind == "facts" and "year" in item.clean.columns:
            years.update(int(y) for y in item.clean["year"].unique().to_list())
    stored = set(TierRecord.objects.values_list("year", flat=True).distinct())
    affected = set(years)
    for year in years:  # the rules look back two years
        affected |= {year + 1, year + 2} & stored
    if any(item.kind == "registry" for item in checked):
        affected |= stored
    for i, year in enumerate(sorted(affected)):
        if progress is not None:
            progress(STAGE_TIERS, i, len(affected))
        recompute(year)
    if progress is not None and affected:
        progress(STAGE_TIERS, len(affected), len(affected))


def _merge(new: pl.DataFrame, old: pl.DataFrame, key: list[str], fields: list[str]):
    """Field-by-field: a non-empty new value replaces the old one; an empty new value keeps it.

    Returns (created rows, changed rows with merged values + revision JSON, unchanged count)."""
    fields = [f for f in fields if f in new.columns]
    joined = new.join(old, on=key, how="left", suffix="__old")
    created = joined.filter(pl.col("id").is_null()).select(key + fields)
    existing = joined.filter(pl.col("id").is_not_null())
    replaced = {
        f: pl.col(f).is_not_null() & (pl.col(f"{f}__old").is_null() | (pl.col(f) != pl.col(f"{f}__old")))
        for f in fields
    }
    flagged = existing.with_columns(
        *[expr.alias(f"{f}__replaced") for f, expr in replaced.items()]
    ).with_columns(
        (pl.any_horizontal([f"{f}__replaced" for f in fields]) if fields else pl.lit(False)).alias(
            "__changed"
        )
    )
    changed = flagged.filter(pl.col("__changed"))
    unchanged = existing.height - changed.height
    return created, changed, unchanged, fields


def _revision_json(changed: pl.DataFrame, fields: list[str]) -> tuple[list[str], list[str]]:
    """For each changed row: the replaced fields' old values (with their old upload) and new values."""
    old_json, new_json = [], []
    flags = changed.select([f"{f}__replaced" for f in fields]).to_numpy()
    olds = changed.select([f"{f}__old" for f in fields]).rows()
    news = changed.select(fields).rows()
    uploads = changed["upload_id"].to_list()
    for row_flags, old, new, upload_id in zip(flags, olds, news, uploads, strict=True):  # changed rows only
        idx = [i for i, f in enumerate(row_flags) if f]
        old_json.append(
            json.dumps({fields[i]: [_jsonable(old[i]), upload_id] for i in idx}, ensure_ascii=False)
        )
        new_json.append(json.dumps({fields[i]: _jsonable(new[i]) for i in idx}, ensure_ascii=False))
    return old_json, new_json


def _jsonable(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def apply_registry(clean: pl.DataFrame, upload: Upload, progress: Progress | None = None) -> tuple[int, int]:
    table = Enterprise._meta.db_table
    new = clean.rename({"region": "region_code"}) if "region" in clean.columns else clean
    fields = [f for f in REGISTRY_FIELDS if f in new.columns]
    where, params = _where(_only("credit_code", new["credit_code"].unique().to_list()))
    old = (
        read_frame(f"SELECT id, credit_code, upload_id, {', '.join(fields)} FROM {table}{where}", params)
        if fields
        else None
    )
    if old is None or old.is_empty():
        old = pl.DataFrame(
            schema={
                "id": pl.Int64,
                "credit_code": pl.Utf8,
                "upload_id": pl.Int64,
                **{f: new.schema[f] for f in fields},
            }
        )
    else:
        old = old.cast({f: new.schema[f] for f in fields}, strict=False)
    created, changed, _, fields = _merge(new, old, ["credit_code"], fields)
    defaults = {f: None for f in REGISTRY_FIELDS if f not in created.columns}
    created = created.with_columns(
        *[pl.lit(v).alias(k) for k, v in defaults.items()],
        pl.col("name").fill_null("") if "name" in created.columns else pl.lit("").alias("name"),
        pl.col("region_code").fill_null("")
        if "region_code" in created.columns
        else pl.lit("").alias("region_code"),
        *[
            pl.col(f).fill_null("")
            for f in ("industry_code", "tech_field", "rd_institution_level")
            if f in created.columns
        ],
        upload_id=pl.lit(upload.pk),
    )
    for f in ("industry_code", "tech_field", "rd_institution_level"):
        if f in defaults:
            created = created.with_columns(pl.lit("").alias(f))
    insert_frame(table, created, _stage(progress, STAGE_REGISTRY, created.height))
    if changed.height:
        _apply_changes(table, changed, fields, upload, year=None)
    return created.height, changed.height


def apply_facts(
    clean: pl.DataFrame, upload: Upload, progress: Progress | None = None
) -> tuple[int, int, int]:
    table = Fact._meta.db_table
    # Only what the upload touches: its enterprises (when few enough to name) and its years.
    where, params = _where(_only("credit_code", clean["credit_code"].unique().to_list()))
    ids = read_frame(
        f"SELECT id AS enterprise_id, credit_code FROM {Enterprise._meta.db_table}{where}", params
    )
    ids = ids.cast({"enterprise_id": pl.Int64, "credit_code": pl.Utf8})
    new = clean.join(ids, on="credit_code", how="inner").drop("credit_code")
    fields = [f for f in FACT_FIELDS if f in new.columns]
    codes_years = new.select("enterprise_id", "year")
    where, params = _where(
        _only("year", sorted(int(y) for y in new["year"].unique().to_list())),
        _only("enterprise_id", new["enterprise_id"].unique().to_list()),
    )
    old = read_frame(
        f"SELECT id, enterprise_id, year, upload_id, {', '.join(fields)} FROM {table}{where}", params
    )
    if old.is_empty():
        old = pl.DataFrame(
            schema={
                "id": pl.Int64,
                "enterprise_id": pl.Int64,
                "year": new.schema["year"],
                "upload_id": pl.Int64,
                **{f: new.schema[f] for f in fields},
            }
        )
    else:
        old = old.cast(
            {"enterprise_id": pl.Int64, "year": new.schema["year"], **{f: new.schema[f] for f in fields}}
        )
        old = old.join(codes_years, on=["enterprise_id", "year"], how="semi")
    created, changed, unchanged, fields = _merge(new, old, ["enterprise_id", "year"], fields)
    created = created.with_columns(
        *[pl.lit(None).alias(f) for f in FACT_FIELDS if f not in created.columns],
        upload_id=pl.lit(upload.pk),
    )
    insert_frame(table, created, _stage(progress, STAGE_FACTS, created.height))
    if changed.height:
        _apply_changes(table, changed, fields, upload, year="year")
    return created.height, changed.height, unchanged


def _apply_changes(
    table: str, changed: pl.DataFrame, fields: list[str], upload: Upload, year: str | None
) -> None:
    """Merged values into the current rows; the replaced values into FactRevision."""
    old_json, new_json = _revision_json(changed, fields)
    enterprise_col = "enterprise_id" if year else "id"
    revisions = pl.DataFrame(
        {
            "enterprise_id": changed[enterprise_col],
            "year": changed["year"] if year else pl.Series([None] * changed.height, dtype=pl.Int32),
            "replaced_by_id": [upload.pk] * changed.height,
            "old_values": old_json,
            "new_values": new_json,
        }
    )
    insert_frame(FactRevision._meta.db_table, revisions)
    merged = changed.select("id", *[pl.coalesce(pl.col(f), pl.col(f"{f}__old")).alias(f) for f in fields])
    update_frame(table, merged)


def _stage(progress: Progress | None, stage: str, total: int):
    if progress is None:
        return None
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        progress(stage, done[0], total)

    return step
