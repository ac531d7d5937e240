"""The annual-report upload: preview with every row error → confirm → a background job
(kechuang.jobs) whose page shows the progress and then the reports written or the complete error
report; all or nothing, also when the job is cancelled half-way or the file went stale."""

from __future__ import annotations

import io
import re

import pytest
import xlsxwriter

from kechuang.carriers.models import CarrierReport
from kechuang.jobs.models import Job, Status

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _jobs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.JOBS_AUTOSTART_WORKER = False
    settings.TASKS = IMMEDIATE


def _xlsx(rows) -> io.BytesIO:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    book.close()
    buf.seek(0)
    buf.name = "reports.xlsx"
    return buf


def _token(page) -> str:
    """The staged file's token from the preview's confirm form."""
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_an_upload_with_bad_rows_names_every_error_and_writes_nothing(world, login):
    c = login("op_a")
    before = CarrierReport.objects.count()
    f = _xlsx(
        [
            ["载体编号", "年度", "场地使用率（%）", "创业导师数"],
            ["A1", 2026, 80, 5],
            ["B1", 2026, 70, 2],  # not the operator's carrier
            ["A1", 2027, "很高", 1],  # not a number
            ["A1", 2025, 80, 1],  # already filed
        ]
    )
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    assert "第 3 行「载体编号」" in page and "不是您可报送的载体" in page
    assert "第 4 行「场地使用率（%）」" in page
    assert "第 5 行「年度」" in page and "该年度报告已报送" in page
    assert "整批未导入" in page and 'data-testid="upload-confirm"' not in page
    r = c.post("/carriers/reports/upload/", {"action": "import"}, follow=True)  # nothing to confirm
    assert "待确认的上传已失效" in r.content.decode()
    assert CarrierReport.objects.count() == before and not Job.objects.exists()


def test_every_unknown_column_is_named_and_the_rows_are_still_checked(world, login):
    c = login("op_a")
    f = _xlsx(
        [
            ["载体编号", "年度", "备注一", "场地使用率（%）", "备注二"],
            ["A1", 2027, "x", "很高", "y"],  # the row's own error is shown beside the header errors
        ]
    )
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    assert "「备注一」" in page and "「备注二」" in page and page.count("不认识的列") >= 2
    assert "第 2 行「场地使用率（%）」" in page
    assert 'data-testid="upload-confirm"' not in page and not CarrierReport.objects.filter(year=2027).exists()


def test_a_good_upload_is_previewed_then_imported_by_a_job(world, login):
    c = login("op_a")
    f = _xlsx([["载体编号", "年度", "场地使用率（%）", "当年新获国家级称号"], ["A1", 2026, 88, "是"]])
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    assert "检查通过" in page and 'data-testid="upload-preview"' in page and "甲孵化器" in page
    assert not CarrierReport.objects.filter(year=2026).exists() and not Job.objects.exists()
    token = _token(page)
    r = c.post("/carriers/reports/upload/", {"action": "import", "token": token})
    job = Job.objects.get(kind="carrier_reports")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Status.SUCCEEDED, job.message
    assert job.started_by == world.users["op_a"] and job.result["imported"] == 1
    rep = CarrierReport.objects.get(carrier=world.a, year=2026)
    assert rep.occupancy_rate == 88 and rep.new_national_title and rep.submitted_by == world.users["op_a"]
    page = c.get(r["Location"]).content.decode()
    assert 'data-testid="carrier-reports-result"' in page and "/carriers/c/A1/?year=2026" in page
    # the staged file is gone with the job; a second confirmation has nothing to import
    again = c.post("/carriers/reports/upload/", {"action": "import", "token": token}, follow=True)
    assert "待确认的上传已失效" in again.content.decode()
    assert Job.objects.count() == 1


def test_the_upload_preview_and_the_result_read_in_english(world, login):
    """In English the preview and the job's result name the carriers as written (translate="no")
    and have no other Chinese (issue 9 §5)."""
    from tests.foundation.test_english_pages import CJK, english_text

    world.users["op_a"].language = "en"
    world.users["op_a"].save(update_fields=["language"])
    c = login("op_a")
    f = _xlsx([["载体编号", "年度", "场地使用率（%）"], ["A1", 2026, 88]])
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    assert '<td translate="no">甲孵化器</td>' in page and CJK.findall(english_text(page)) == []
    r = c.post("/carriers/reports/upload/", {"action": "import", "token": _token(page)})
    result = c.get(r["Location"]).content.decode()
    assert '<td translate="no">甲孵化器</td>' in result and CJK.findall(english_text(result)) == []


def test_a_file_gone_stale_before_the_job_runs_fails_with_the_error_report(world, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run
    c = login("op_a")
    f = _xlsx([["载体编号", "年度", "创业导师数"], ["A1", 2027, 4]])
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    c.post("/carriers/reports/upload/", {"action": "import", "token": _token(page)})
    job = Job.objects.get(kind="carrier_reports")
    CarrierReport.objects.create(carrier=world.a, year=2027, mentors=9)  # filed on the form meanwhile
    from kechuang.jobs.services import run

    run(job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "整批未导入" in job.message
    assert job.errors[0]["rows"][0]["row"] == 2 and "已报送" in job.errors[0]["rows"][0]["message"]
    assert CarrierReport.objects.get(carrier=world.a, year=2027).mentors == 9
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="error-table"' in page and "/carriers/reports/upload/" in page


def test_a_job_cancelled_half_way_writes_nothing(world, login, monkeypatch):
    from kechuang.carriers import report_job
    from kechuang.jobs import progress
    from kechuang.jobs.services import Reporter

    original = Reporter.__call__

    def cancel_after_the_first_report(self, stage, done, total):
        if stage == report_job.STAGE_WRITE and done == 1:
            progress.request_cancel(self.job.pk)
        original(self, stage, done, total)

    monkeypatch.setattr(Reporter, "__call__", cancel_after_the_first_report)
    c = login("op_a")
    f = _xlsx([["载体编号", "年度", "创业导师数"], ["A1", 2026, 4], ["A1", 2027, 5]])
    page = c.post("/carriers/reports/upload/", {"file": f}).content.decode()
    c.post("/carriers/reports/upload/", {"action": "import", "token": _token(page)})
    job = Job.objects.get(kind="carrier_reports")
    assert job.status == Status.CANCELLED
    assert not CarrierReport.objects.filter(year__in=[2026, 2027]).exists()


def test_another_import_running_keeps_the_file_for_later(world, login):
    from kechuang.jobs.services import enqueue

    enqueue("carrier_reports", "carrier_reports", "another", {"path": "/nonexistent", "name": "x"})
    Job.objects.update(status=Status.RUNNING)  # as if a worker held it
    c = login("op_a")
    page = c.post(
        "/carriers/reports/upload/", {"file": _xlsx([["载体编号", "年度"], ["A1", 2026]])}
    ).content.decode()
    page = c.post("/carriers/reports/upload/", {"action": "import", "token": _token(page)}).content.decode()
    assert "另一批数据正在处理" in page and 'data-testid="upload-confirm"' in page
    assert not CarrierReport.objects.filter(year=2026).exists()


def test_a_confirmation_with_a_stale_token_imports_nothing(world, login):
    c = login("op_a")
    first = c.post("/carriers/reports/upload/", {"file": _xlsx([["载体编号", "年度"], ["A1", 2026]])})
    stale = _token(first.content.decode())
    second = c.post("/carriers/reports/upload/", {"file": _xlsx([["载体编号", "年度"], ["A1", 2027]])})
    assert _token(second.content.decode()) != stale  # the second file replaced the first
    r = c.post("/carriers/reports/upload/", {"action": "import", "token": stale}, follow=True)
    assert "待确认的上传已失效" in r.content.decode() and not Job.objects.exists()
    r = c.post("/carriers/reports/upload/", {"action": "cancel", "token": stale}, follow=True)
    assert "待确认的上传已失效" in r.content.decode()
    r = c.post("/carriers/reports/upload/", {"action": "import", "token": _token(second.content.decode())})
    assert r.status_code == 302 and Job.objects.get().result["reports"][0]["year"] == 2027


def test_an_english_operator_reads_one_annual_report_and_two_annual_reports(world, login):
    """The preview and the job page count reports as English does (issue 9 §5)."""
    world.users["op_a"].language = "en"
    world.users["op_a"].save(update_fields=["language"])
    c = login("op_a")
    header = ["载体编号", "年度", "场地使用率（%）"]
    for rows, checked, imported in (
        (
            [["A1", 2026, 88]],
            "Check passed: 1 annual report; confirm to import it.",
            "1 annual report imported.",
        ),
        (
            [["A1", 2027, 80], ["A1", 2028, 82]],
            "Check passed: 2 annual reports;",
            "2 annual reports imported.",
        ),
    ):
        page = c.post("/carriers/reports/upload/", {"file": _xlsx([header, *rows])}).content.decode()
        assert checked in page, page
        r = c.post("/carriers/reports/upload/", {"action": "import", "token": _token(page)})
        assert imported in c.get(r["Location"]).content.decode()
    assert CarrierReport.objects.filter(carrier=world.a, year__in=[2026, 2027, 2028]).count() == 3


def test_giving_up_a_checked_upload_writes_nothing_and_bad_files_get_the_shared_messages(
    world, login, settings
):
    """The report upload's confirm-or-give-up step is web.uploads.confirmation, as every upload's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login("op_a")
    page = c.post("/carriers/reports/upload/", {"file": _xlsx([["载体编号", "年度"], ["A1", 2026]])})
    token = _token(page.content.decode())
    r = c.post("/carriers/reports/upload/", {"action": "cancel", "token": token}, follow=True)
    assert r.redirect_chain[-1][0] == "/carriers/reports/upload/"
    assert "已放弃本次上传，没有写入任何数据。" in r.content.decode()
    assert not Job.objects.exists() and not CarrierReport.objects.filter(year=2026).exists()
    r = c.post("/carriers/reports/upload/", {"action": "import", "token": token}, follow=True)
    assert "待确认的上传已失效" in r.content.decode() and not Job.objects.exists()  # the file is gone
    page = c.post("/carriers/reports/upload/", {"file": SimpleUploadedFile("r.pdf", b"%PDF")}).content
    assert "不支持的文件类型：请上传 .csv 或 .xlsx 文件" in page.decode()
    settings.MAX_UPLOAD_MB = 0
    page = c.post("/carriers/reports/upload/", {"file": _xlsx([["载体编号", "年度"], ["A1", 2026]])}).content
    assert "文件超过 0 MB 的上限，未接收，没有写入任何数据" in page.decode()
    assert not Job.objects.exists() and not CarrierReport.objects.filter(year=2026).exists()
