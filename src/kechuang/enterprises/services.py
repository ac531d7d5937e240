"""The enterprises app's service layer: what views, API and CLI call (importing, qualification, registry)."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from django.utils.translation import gettext, override
from django.utils.translation import gettext_noop as N_

from kechuang.engine.enterprise_import import ERROR_KINDS
from kechuang.enterprises.importing import (
    STAGE_QUALIFY,
    STAGE_TIERS,
    EnterpriseImportError,
    ImportSummary,
    check_files,
    import_files,
)
from kechuang.enterprises.qualification import (
    qualification_frames,
    qualify_registry,
    recompute_tiers,
    verdicts,
)
from kechuang.jobs.report import file_errors

__all__ = [
    "IMPORT_LOCK",
    "EnterpriseImportError",
    "ImportSummary",
    "check_files",
    "error_report",
    "import_files",
    "qualification_frames",
    "qualify_registry",
    "recompute_tiers",
    "run_import_job",
    "run_tiers_job",
    "start_import",
    "start_tiers",
    "verdicts",
]

# One enterprise import at a time (registry and facts files refer to each other): the jobs' lock.
IMPORT_LOCK = "enterprise_import"


def error_report(errors: dict) -> list[dict]:
    """The complete error report as JSON: per file, its errors (row, column, value, why) and how
    many of each kind; kept with the job and shown on its page."""
    return [
        file_errors(
            name,
            found,
            found.summary(),
            total=found.total,
            kinds=Counter(ERROR_KINDS.get(e.kind, e.kind or "其他") for e in found).most_common(),
            unknown_codes=any(e.kind == "unknown_code" for e in found),
        )
        for name, found in errors.items()
    ]


def start_import(folder: Path, paths: list[Path], names: list[str], user):
    """Queue the import of staged files as a background job (kechuang.jobs); JobBusy while another
    enterprise import is queued or running. The job deletes ``folder`` when it ends."""
    from kechuang.jobs.services import enqueue

    title = "企业数据导入：" + "、".join(names)
    params = {"folder": str(folder), "paths": [str(p) for p in paths], "names": list(names)}
    return enqueue("enterprise_import", IMPORT_LOCK, title[:200], params, user=user)


def run_import_job(job, reporter) -> dict:
    """The job: import the staged files all or nothing, reporting progress; the error report is kept
    with the job when a file is refused. Cancellation stops it until the import is committed (the
    tiers recomputed afterwards are not cancelled)."""
    from kechuang.jobs.services import JobFailed

    params = job.params

    def step(stage: str, done: int, total: int) -> None:
        if stage == STAGE_TIERS:
            reporter.cancellable = False  # the import is committed
        reporter(stage, done, total)

    try:
        summary = import_files(
            [Path(p) for p in params["paths"]],
            user=job.started_by,
            department=params.get("department"),
            names=params.get("names"),
            progress=step,
        )
    except EnterpriseImportError as exc:
        raise JobFailed(str(exc), errors=error_report(exc.errors)) from exc
    finally:
        if params.get("folder"):
            shutil.rmtree(params["folder"], ignore_errors=True)
    return asdict(summary)


def tier_years() -> list[int]:
    """The years whose tiers a whole-registry qualification recomputes: those stored, and the latest
    year with facts."""
    from kechuang.enterprises.models import TierRecord
    from kechuang.enterprises.qualification import latest_year

    return sorted(set(TierRecord.objects.values_list("year", flat=True).distinct()) | {latest_year()})


def start_tiers(years: list[int], user):
    """Queue the qualification of the whole registry for these years (their tiers replaced) as a
    background job; it holds the enterprise import's lock, so it never runs beside an import."""
    from kechuang.jobs.services import enqueue

    years = sorted({int(y) for y in years})
    with override("zh-hans"):
        title = _tiers_title(years)
    return enqueue("enterprise_tiers", IMPORT_LOCK, title[:200], {"years": years}, user=user)


def _tiers_title(years: list[int]) -> str:
    from kechuang.jobs.services import compose

    return compose(N_("全库资格计算与梯队：{years} 年度"), years=gettext("、").join(str(y) for y in years))


def tiers_title(job) -> str:
    """The job's title in the reader's language (jobs.TITLES)."""
    return _tiers_title([int(y) for y in job.params["years"]])


def run_tiers_job(job, reporter) -> dict:
    """The job: qualify every enterprise for each year and store the tiers, all years in one
    transaction (a cancel between two years leaves every year as it was)."""
    from django.db import transaction

    from kechuang.enterprises.qualification import TIER_LABELS

    years = [int(y) for y in job.params["years"]]
    out: dict = {"years": years, "tiers": {}}
    with transaction.atomic():
        for i, year in enumerate(years):
            reporter(STAGE_QUALIFY, i, len(years))
            results = recompute_tiers(year)
            counts = results.group_by("tier").len().sort("len", descending=True).iter_rows()
            out["tiers"][str(year)] = {TIER_LABELS.get(t or "none", t): n for t, n in counts}
            out.setdefault("enterprises", results.height)
        reporter(STAGE_QUALIFY, len(years), len(years))
    return out
