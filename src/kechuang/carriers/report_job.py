"""The annual-report upload as a background job (kechuang.jobs, docs/decisions/0008): the page checks
the file and shows every row error (preview); the confirmation queues a job that checks the staged
file again within the uploader's scope and writes every report in one transaction, reporting its
progress; a cancel or any bad row leaves nothing written. One such import at a time (its lock)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from kechuang import access
from kechuang.carriers.models import Carrier, CarrierReport
from kechuang.carriers.services import check_report_upload
from kechuang.jobs.report import file_errors

KIND = "carrier_reports"
LOCK = "carrier_reports"
STAGE_CHECK = N_("检查年度报告")
STAGE_WRITE = N_("写入年度报告")


def start(folder: Path, path: Path, name: str, user):
    """Queue the import of a checked, staged file (JobBusy while another one is queued or running)."""
    from kechuang.jobs.services import enqueue

    params = {"folder": str(folder), "path": str(path), "name": name}
    return enqueue(KIND, LOCK, f"载体年度报告导入：{name}"[:200], params, user=user)


def run(job, reporter) -> dict:
    """The job: check the staged file within the uploader's carriers, then write all its reports in
    one transaction (progress per report; a cancel rolls everything back)."""
    from kechuang.jobs.services import JobFailed

    params = job.params
    user = job.started_by
    try:
        reporter(STAGE_CHECK, 0, 1)
        carriers = Carrier.objects.none()
        if user is not None and access.can_change(user, "carrier_report"):
            carriers = access.visible(user, "carrier", Carrier.objects.all())
        checked = check_report_upload(Path(params["path"]), carriers)
        if checked.errors.rejected:
            errors = checked.errors
            report = file_errors(params["name"], errors, errors.summary(), total=errors.total)
            raise JobFailed(errors.summary(), errors=[report])
        total = len(checked.rows)
        with transaction.atomic():
            for i, row in enumerate(checked.rows):  # one report per carrier and year: tens of rows
                reporter(STAGE_WRITE, i, total)
                CarrierReport.objects.create(submitted_by=user, **row)
            reporter(STAGE_WRITE, total, total)
    finally:
        shutil.rmtree(params.get("folder", ""), ignore_errors=True)
    return {
        "imported": total,
        "reports": [
            {"carrier": r["carrier"].code, "name": r["carrier"].name, "year": r["year"]} for r in checked.rows
        ],
    }
