"""Background jobs: queue, run, cancel (nothing written), one job per lock, stale jobs failed, the
job pages as their owner, another user and the bureau see them, the import's error report kept."""

from __future__ import annotations

import os
import re
import time

import pytest
from django.db import transaction

from kechuang.jobs import progress, services
from kechuang.jobs.models import Job, Status

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _jobs(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    settings.JOBS_AUTOSTART_WORKER = False
    settings.TASKS = IMMEDIATE
    monkeypatch.setitem(services.HANDLERS, "probe", "tests.jobs.test_jobs.probe")
    monkeypatch.setitem(services.KIND_LABELS, "probe", "测试任务")


def probe(job, reporter) -> dict:
    """A job that writes an audit row in a transaction, reporting progress after it; with
    params["cancel"] its cancel arrives in the middle."""
    from kechuang.audit.models import ObjectChange

    with transaction.atomic():
        for i in range(3):
            ObjectChange.objects.create(
                action="update", object_type="probe", object_id=str(i), object_repr="p"
            )
            if job.params.get("cancel") and i == 1:
                progress.request_cancel(job.pk)
            reporter("写入", i + 1, 3)
    if job.params.get("fail"):
        raise services.JobFailed("两处错误", errors=[{"file": "a.csv", "total": 2, "rows": []}])
    return {"written": 3}


def probe_rows() -> int:
    from kechuang.audit.models import ObjectChange

    return ObjectChange.objects.filter(object_type="probe").count()


def test_an_immediate_job_runs_and_keeps_its_result(personas):
    job = services.enqueue("probe", "probe", "测试", {}, user=personas["reporter"])
    assert job.status == Status.SUCCEEDED and job.result == {"written": 3}
    assert (job.stage, job.done, job.total) == ("写入", 3, 3) and job.started_by_name == "reporter"
    assert probe_rows() == 3 and not progress.state_file(job.pk).exists()


def test_a_cancelled_running_job_writes_nothing(personas):
    job = services.enqueue("probe", "probe", "测试", {"cancel": True}, user=personas["reporter"])
    assert job.status == Status.CANCELLED and "没有写入任何数据" in job.message
    assert probe_rows() == 0 and not progress.cancel_file(job.pk).exists()


def test_a_failed_job_keeps_its_error_report(personas):
    job = services.enqueue("probe", "probe", "测试", {"fail": True}, user=personas["reporter"])
    assert job.status == Status.FAILED and job.message == "两处错误" and job.errors[0]["file"] == "a.csv"


def test_a_queued_job_cancelled_never_runs(settings, personas):
    settings.TASKS = DATABASE  # queued for a worker; none runs here
    job = services.enqueue("probe", "probe", "测试", {}, user=personas["reporter"])
    assert job.status == Status.QUEUED and job.task_id
    assert services.cancel(job) == "cancelled"
    services.run(job.pk)  # the worker picks the task up later: nothing happens
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and probe_rows() == 0


def test_one_job_per_lock_the_second_is_refused_in_chinese(settings, personas):
    settings.TASKS = DATABASE
    first = services.enqueue("probe", "probe", "第一批", {}, user=personas["bureau"])
    with pytest.raises(services.JobBusy) as refused:
        services.enqueue("probe", "probe", "第二批", {}, user=personas["reporter"])
    assert f"任务 #{first.pk}「第一批」" in str(refused.value) and "请等它完成后再提交" in str(refused.value)
    other = services.enqueue("probe", "another-lock", "别的数据", {}, user=personas["reporter"])
    assert other.status == Status.QUEUED
    services.cancel(first)
    assert services.enqueue("probe", "probe", "第二批", {}, user=personas["reporter"]).status == Status.QUEUED


def _running(lock: str, worker: str) -> Job:
    return Job.objects.create(kind="probe", lock=lock, status=Status.RUNNING, worker=worker)


def test_running_jobs_of_dead_processes_are_failed_and_free_their_lock(settings, personas):
    _running("a", f"{progress.this_process().rsplit(':', 1)[0]}:999999999")  # no such pid
    alive = _running("b", progress.this_process())
    progress.Live(alive.pk).write()
    silent = _running("c", "another-host:12")  # elsewhere: judged by its heartbeat
    progress.Live(silent.pk).write()
    old = time.time() - settings.JOBS_STALE_SECONDS - 5
    os.utime(progress.state_file(silent.pk), (old, old))
    assert services.recover_stale() == 2
    statuses = dict(Job.objects.values_list("lock", "status"))
    assert statuses == {"a": Status.FAILED, "b": Status.RUNNING, "c": Status.FAILED}
    assert "被强制结束" in Job.objects.get(lock="a").message
    # The lock of a dead job does not block the next one.
    settings.TASKS = DATABASE
    assert services.enqueue("probe", "a", "再来", {}).status == Status.QUEUED


def test_the_job_page_polls_then_shows_the_result(settings, client_for, personas):
    settings.TASKS = DATABASE
    job = services.enqueue("probe", "probe", "测试", {}, user=personas["reporter"])
    owner = client_for("reporter")
    html = owner.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html and 'data-testid="cancel-job"' in html
    assert client_for("humen").get(f"/jobs/{job.pk}/").status_code == 404  # someone else's job
    assert client_for("bureau").get(f"/jobs/{job.pk}/").status_code == 200
    assert client_for("humen").post(f"/jobs/{job.pk}/cancel/").status_code == 404

    services.run(job.pk)  # the worker runs it
    fragment = owner.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and "已完成" in fragment.content.decode()
    html = owner.get(f"/jobs/{job.pk}/").content.decode()
    assert "hx-get" not in html and 'data-testid="cancel-job"' not in html
    listing = owner.get("/jobs/").content.decode()
    assert f'href="/jobs/{job.pk}/"' in listing and "测试任务" in listing
    assert f'href="/jobs/{job.pk}/"' not in client_for("humen").get("/jobs/").content.decode()


def test_the_owner_cancels_from_the_page(settings, client_for, personas):
    settings.TASKS = DATABASE
    job = services.enqueue("probe", "probe", "测试", {}, user=personas["reporter"])
    response = client_for("reporter").post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    html = client_for("reporter").get(response["Location"]).content.decode()
    assert "已取消" in html and "没有写入任何数据" in html


def test_a_refused_enterprise_import_keeps_the_complete_error_report(client_for, personas, tmp_path):
    from kechuang.enterprises.models import Enterprise, Upload
    from kechuang.enterprises.services import start_import

    folder = tmp_path / "staged"
    folder.mkdir()
    (folder / "00.csv").write_text(
        "统一社会信用代码,企业名称,所属镇街\n91441900MA4UJ3XE3X,甲公司,441900401\n123,乙公司,441900401\n",
        encoding="utf-8",
    )
    job = start_import(folder, [folder / "00.csv"], ["名录.csv"], personas["bureau"])
    assert job.status == Status.FAILED and "整批未导入" in job.message
    assert job.errors[0]["file"] == "名录.csv" and any(r["row"] == 3 for r in job.errors[0]["rows"])
    assert Enterprise.objects.count() == 0 and Upload.objects.count() == 0 and not folder.exists()
    html = client_for("bureau").get(f"/jobs/{job.pk}/").content.decode()
    table = html.split('data-testid="error-table"')[1].split("</table>")[0]
    assert re.search(r"<td>名录.csv</td><td class=\"num\">3</td><td>统一社会信用代码</td>", table)


def test_the_job_pages_show_a_job_title_in_the_readers_language(client_for, personas):
    """A title is stored in Chinese; the pages build it from the job's kind and parameters in the
    reader's language, and an uploaded file's name is shown as written (translate="no")."""
    from kechuang.finance.services.validation_job import title_for
    from kechuang.points.services import ensure_active_version, run_title

    version = ensure_active_version("test")
    version.model.name, version.model.name_en = "示例积分模型", ""
    version.model.save()
    jobs = [
        Job.objects.create(
            kind="finance_validation",
            lock="f",
            title=title_for(2024, None),
            params={"year": 2024, "version": None},
            status=Status.SUCCEEDED,
        ),
        Job.objects.create(
            kind="points_run",
            lock="p",
            title=run_title(2024, version),
            params={"year": 2024, "version": version.pk},
            status=Status.SUCCEEDED,
        ),
        Job.objects.create(
            kind="enterprise_tiers",
            lock="t",
            title="全库资格计算与梯队：2023、2024 年度",
            params={"years": [2023, 2024]},
            status=Status.SUCCEEDED,
        ),
        Job.objects.create(
            kind="enterprise_import",
            lock="i",
            title="企业数据导入：企业名录.xlsx",
            params={},
            status=Status.SUCCEEDED,
        ),
    ]
    assert jobs[0].title == "产业验证报告：2024 年积分（当前模型）"
    assert jobs[1].title == f"2024 年度创新积分计算（示例积分模型 第 {version.number} 版）"
    chinese = client_for("bureau").get("/jobs/").content.decode()
    for job in jobs:
        assert job.title in chinese
    personas["bureau"].language = "en"
    personas["bureau"].save()
    english = client_for("bureau").get("/jobs/").content.decode()
    assert "Validation report: 2024 points (Active model)" in english
    assert (
        f'Innovation points run 2024 (<span translate="no">示例积分模型</span>, version {version.number})'
        in english
    )
    assert "Whole-registry qualification and tiers: 2023, 2024" in english
    assert 'Enterprise data import: <span translate="no">企业名录.xlsx</span>' in english
    assert "产业验证报告" not in english and "年度" not in english
    page = client_for("bureau").get(f"/jobs/{jobs[0].pk}/").content.decode()
    assert "Validation report: 2024 points (Active model)" in page and "当前模型" not in page
