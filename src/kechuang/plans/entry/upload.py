"""Uploading indicator values: file → preview with every row error → confirm → a background job
(kechuang.jobs) writes them while its page shows the progress → the result, as the enterprise upload.

The preview runs every check the import will run (the file's cells, the user's scope, locked cells,
the validation rules) and writes nothing; the job runs them again at the time of writing (the data may
have changed meanwhile), all or nothing. One observation import per plan at a time (the lock):
values of the same plan revise each other.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kechuang.engine.tables import RowError
from kechuang.jobs.report import file_errors
from kechuang.plans.models import Indicator, Plan
from kechuang.plans.observations import (
    ObservationImportError,
    check_for_user,
    import_file,
    read_observation_file,
)
from kechuang.regions import region_names

KIND = "observation_import"
PREVIEW_ROWS = 20
MAX_WARNINGS_KEPT = 200


def lock(plan: Plan) -> str:
    return f"{KIND}:{plan.code}"


@dataclass
class UploadCheck:
    name: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)  # the first rows as they will be written

    @property
    def ok(self) -> bool:
        return not self.errors


def check_upload(path: Path, name: str, plan: Plan, user) -> UploadCheck:
    """Every problem of the file for this user, and what it would write; nothing is written."""
    out = UploadCheck(name)
    try:
        clean = read_observation_file(path, plan, name=name)
    except ObservationImportError as exc:
        out.errors = list(exc.errors)
        return out
    out.rows = clean.height
    out.errors, out.warnings = check_for_user(plan, clean, user)
    out.sample = _sample(plan, clean.head(PREVIEW_ROWS))
    return out


def _sample(plan: Plan, rows: pl.DataFrame) -> list[dict]:
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    names = region_names()
    return [
        {
            "row": r["row"],
            "indicator": indicators[r["indicator"]].name,
            "unit": indicators[r["indicator"]].unit,
            "region": names.get(r["region_code"], r["region_code"]),
            "year": r["year"],
            "value": f"{r['value']:g}",
            "source": r["source"] or "",
            "note": r["note"] or "",
        }
        for r in rows.iter_rows(named=True)
    ]


def start_import(plan: Plan, folder: Path, path: Path, name: str, user):
    """Queue the import of a staged file as a background job; JobBusy while another observation
    import of this plan is queued or running. The job deletes ``folder`` when it ends."""
    from kechuang.jobs.services import enqueue

    params = {"plan": plan.pk, "folder": str(folder), "path": str(path), "name": name}
    return enqueue(KIND, lock(plan), f"指标数据导入：{name}"[:200], params, user=user)


def run_import_job(job, reporter) -> dict:
    """The job: check and write the staged file all or nothing, reporting progress."""
    from kechuang.jobs.services import JobFailed

    params = job.params
    try:
        plan = Plan.objects.get(pk=params["plan"])
        result = import_file(
            Path(params["path"]), plan, user=job.started_by, name=params["name"], progress=reporter
        )
    except ObservationImportError as exc:
        raise JobFailed(
            f"文件「{params['name']}」有 {len(exc.errors)} 处错误，未导入，没有写入任何数据。",
            errors=[
                file_errors(
                    params["name"], exc.errors, f"发现 {len(exc.errors)} 处错误，整个文件未导入", no_row="—"
                )
            ],
        ) from exc
    finally:
        shutil.rmtree(params["folder"], ignore_errors=True)
    return {
        "batch": result.batch.pk if result.batch else None,
        "name": params["name"],
        "rows": result.batch.rows if result.batch else 0,
        "created": result.created,
        "revised": result.revised,
        "unchanged": result.unchanged,
        "warnings": result.warnings[:MAX_WARNINGS_KEPT],
        "warnings_total": len(result.warnings),
    }
