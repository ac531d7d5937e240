"""The validation report (产业验证) as a background job (kechuang.jobs, docs/decisions/0008).

Scoring the loans' years, the unit model's shares and the logistic fits take long on a full
registry, so the page does not compute them in the request: 生成验证报告 queues a job
(kind ``finance_validation``, one per year and model version at a time), the page shows its
progress, and then the report the job kept in its result (JSON). The page shows the latest
successful report of that year and version with the time it was computed.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext, override
from django.utils.translation import gettext_noop as N_

from kechuang.finance.services import validation as service
from kechuang.jobs.models import ACTIVE, Job, Status
from kechuang.jobs.services import compose, enqueue, run_inline
from kechuang.web.names import localized

JOB_KIND = "finance_validation"
STAGE_SCORING = N_("计算贷款企业的积分与指标得分")
STAGE_FITTING = N_("拟合再校准权重并做留出检验")
STAGE_DONE = N_("保存验证报告")


def lock_for(year: int, version_pk: int | None) -> str:
    return f"finance_validation:{year}:{version_pk or 'active'}"


def start(year: int, version, user) -> Job:
    """Queue the report of ``year`` for ``version`` (None: the active model); JobBusy while the same
    report is being computed."""
    pk = version.pk if version is not None else None
    return enqueue(JOB_KIND, lock_for(year, pk), title_for(year, version), _params(year, version), user=user)


def run_now(year: int, version, name: str) -> Job:
    """Compute the report of ``year`` for ``version`` in this process (the CLI, the demo): the same
    lock, record and result as the page's job, so the page shows it. JobBusy / JobFailed as run_inline."""
    pk = version.pk if version is not None else None
    return run_inline(
        JOB_KIND,
        lock_for(year, pk),
        title_for(year, version),
        _params(year, version),
        run_validation_job,
        name=name,
    )


def title_for(year: int, version) -> str:
    """The job's stored title, in Chinese."""
    with override("zh-hans"):
        return _title(year, version)[:200]


def _title(year: int, version) -> str:
    if version is None:
        label = gettext("当前模型")
    else:
        label = compose(N_("{model} 第 {number} 版"), model=localized(version.model), number=version.number)
    return compose(N_("产业验证报告：{year} 年积分（{label}）"), year=year, label=label)


def job_title(job) -> str:
    """The job's title in the reader's language (jobs.TITLES)."""
    from kechuang.points.models import PointsModelVersion

    pk = job.params["version"]
    version = PointsModelVersion.objects.select_related("model").get(pk=pk) if pk else None
    return _title(int(job.params["year"]), version)


def _params(year: int, version) -> dict:
    return {"year": int(year), "version": version.pk if version is not None else None}


def _jobs(year: int, version):
    pk = version.pk if version is not None else None
    return Job.objects.filter(kind=JOB_KIND, params__year=int(year), params__version=pk).order_by(
        "-created_at", "-id"
    )


def active_job(year: int, version) -> Job | None:
    return _jobs(year, version).filter(status__in=ACTIVE).first()


def latest_job(year: int, version) -> Job | None:
    """The latest job of this year and version that ended (succeeded, failed or cancelled)."""
    return _jobs(year, version).exclude(status__in=ACTIVE).first()


def latest_report_job(year: int, version) -> Job | None:
    """The latest job of this year and version that succeeded: its result is the report shown."""
    return _jobs(year, version).filter(status=Status.SUCCEEDED).first()


def as_result(report: service.Report) -> dict:
    """The report as JSON (the page reads it with the same names as the Report's fields)."""
    check = dataclasses.replace(report.check, proposed_model=None) if report.check is not None else None
    return dataclasses.asdict(dataclasses.replace(report, proposed_model=None, check=check))


def run_validation_job(job, reporter) -> dict:
    from kechuang.points.models import PointsModelVersion

    params = job.params
    version = (
        PointsModelVersion.objects.filter(pk=params.get("version")).first() if params.get("version") else None
    )
    reporter(STAGE_SCORING, 0, 3)
    report = service.report(int(params["year"]), version, progress=lambda: reporter(STAGE_FITTING, 1, 3))
    result = as_result(report)
    reporter(STAGE_DONE, 3, 3)
    return result
