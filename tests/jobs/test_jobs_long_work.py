"""More long work as jobs (issue 8 §2): the qualification of the whole registry and the annual report,
started from their pages, run as background jobs with progress, the result (tiers, a file) kept."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kechuang.jobs.models import Job, Status
from tests.enterprises import conftest as enterprise_fixtures
from tests.plans import conftest as plan_fixtures

pytestmark = pytest.mark.django_db

population = enterprise_fixtures.population
plan = plan_fixtures.plan
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _jobs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.JOBS_AUTOSTART_WORKER = False
    settings.TASKS = IMMEDIATE


def test_the_bureau_requalifies_the_whole_registry_as_a_job(client_for, population):
    from kechuang.enterprises.models import TierRecord

    TierRecord.objects.filter(year=2024).delete()
    home = client_for("bureau").get("/enterprises/").content.decode()
    assert 'data-testid="tiers-recompute"' in home
    response = client_for("bureau").post("/enterprises/tiers/recompute/")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job = Job.objects.get(kind="enterprise_tiers")
    assert job.status == Status.SUCCEEDED, job.message
    assert 2024 in job.result["years"] and TierRecord.objects.filter(year=2024).exists()
    assert sum(job.result["tiers"]["2024"].values()) == TierRecord.objects.filter(year=2024).count()
    page = client_for("bureau").get(response["Location"]).content.decode()
    assert "全库资格计算" in page and 'data-testid="tiers-result"' in page and "已完成" in page


def test_a_town_officer_may_not_requalify(client_for, population):
    assert (
        'data-testid="tiers-recompute"' not in client_for("songshanhu").get("/enterprises/").content.decode()
    )
    assert client_for("songshanhu").post("/enterprises/tiers/recompute/").status_code == 403
    assert not Job.objects.exists()


def test_requalifying_is_refused_while_an_import_holds_the_lock(client_for, population, personas):
    from kechuang.enterprises.models import TierRecord
    from kechuang.enterprises.services import IMPORT_LOCK

    Job.objects.create(kind="enterprise_import", lock=IMPORT_LOCK, status=Status.QUEUED, title="导入中")
    before = TierRecord.objects.count()
    response = client_for("bureau").post("/enterprises/tiers/recompute/", follow=True)
    assert "另一批数据正在处理" in response.content.decode()
    assert not Job.objects.filter(kind="enterprise_tiers").exists() and TierRecord.objects.count() == before


def test_the_annual_report_is_generated_as_a_job_and_downloaded_from_its_page(client_for, plan):
    page = client_for("bureau").get("/plans/report/").content.decode()
    assert 'data-testid="report-job-form"' in page
    response = client_for("bureau").post("/plans/report/job/", {"year": "2025", "format": "xlsx"})
    assert response.status_code == 302
    job = Job.objects.get(kind="plan_report")
    assert job.status == Status.SUCCEEDED, job.message
    assert job.result["file"].endswith("2025.xlsx") and (job.stage, job.done, job.total)[1:] == (2, 2)
    html = client_for("bureau").get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/file/"' in html
    download = client_for("bureau").get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert len(book.sheetnames) == 4
    assert client_for("humen").get(f"/jobs/{job.pk}/file/").status_code == 404  # someone else's job
    bureau = client_for("bureau")
    bad = bureau.post("/plans/report/job/", {"year": "2025", "format": "pdf"})
    assert bad.status_code == 302 and bad["Location"] == "/plans/report/" and Job.objects.count() == 1
    assert "未知格式" in bureau.get("/plans/report/").content.decode()


def test_the_report_job_services_work_from_a_command_too(plan, personas):
    """start_report is what a command would call: the same job, lock and file."""
    from kechuang.jobs import services
    from kechuang.plans.report.jobs import start_report

    job = start_report(plan, 2025, "html", None)
    assert job.status == Status.SUCCEEDED and job.started_by_name == "system"
    path = services.job_file(job)
    assert path is not None and "<html" in path.read_text(encoding="utf-8")[:2000].lower()
