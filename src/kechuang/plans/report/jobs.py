"""The annual report as a background job (kechuang.jobs): evaluate, gather, render, keep the file.

The file is kept under $KECHUANG_VAR/jobs/files/<job id>/ and downloaded from the job's page
(jobs:file); `kechuang report annual` keeps calling build_report and render directly. The job keeps
the report's language (the interface language of the user who asked) in its parameters.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from kechuang.audit.signals import record_export
from kechuang.jobs.services import compose, enqueue, job_file_folder
from kechuang.plans.report.build import build_report
from kechuang.plans.report.render import render
from kechuang.plans.services import get_plan
from kechuang.web.names import localized

STAGE_BUILD = N_("评估指标并汇总报告内容")
STAGE_RENDER = N_("生成报告文件")
TITLE = N_("年度监测评估报告：{plan} {year} 年（{fmt}）")


def lock_for(plan_code: str, year: int, fmt: str, language: str = "zh-hans") -> str:
    suffix = "" if language == "zh-hans" else f":{language}"
    return f"plan_report:{plan_code}:{year}:{fmt}{suffix}"[:80]


def start_report(plan, year: int, fmt: str, user, language: str = "zh-hans"):
    """Queue the report of ``plan`` for ``year`` in ``fmt`` (docx, xlsx, html) and ``language`` (zh-hans,
    en); JobBusy while the same report is being generated. The title is in the active language."""
    title = gettext(TITLE).format(plan=localized(plan), year=year, fmt=fmt)  # plain text
    params = {"plan": plan.code, "year": int(year), "format": fmt, "language": language}
    return enqueue("plan_report", lock_for(plan.code, year, fmt, language), title[:200], params, user=user)


def _title(plan, year: int, fmt: str) -> str:
    return compose(TITLE, plan=localized(plan), year=year, fmt=fmt)


def report_title(job) -> str:
    """The job's title in the reader's language (jobs.TITLES)."""
    params = job.params
    return _title(get_plan(params["plan"]), int(params["year"]), params["format"])


def run_report_job(job, reporter) -> dict:

    params = job.params
    reporter(STAGE_BUILD, 0, 2)
    language = params.get("language", "zh-hans")  # jobs queued before reports had languages: Chinese
    built = build_report(get_plan(params["plan"]), int(params["year"]), language=language)
    reporter(STAGE_RENDER, 1, 2)
    data = render(built, params["format"])
    reporter.cancellable = False
    folder: Path = job_file_folder(job.pk)
    name = built.filename(params["format"])
    (folder / name).write_bytes(data)
    reporter(STAGE_RENDER, 2, 2)
    if params["format"] != "html":
        record_export("plans:report", name, None, f"year={params['year']}&format={params['format']}")
    return {"file": name, "bytes": len(data), "format": params["format"], "year": int(params["year"])}
