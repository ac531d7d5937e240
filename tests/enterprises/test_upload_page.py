"""The upload page: preview, the complete error report, all or nothing, confirm, the uploads list."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.enterprises.conftest import YEARS

pytestmark = pytest.mark.django_db

UPLOADERS = ("admin", "bureau", "reporter")
OTHERS = ("songshanhu", "humen", "enterprise", "bank", "university", "leader")


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    # The confirmed import is a background job; here it runs at once, in-process (docs/decisions/0008).
    settings.TASKS = IMMEDIATE
    settings.JOBS_AUTOSTART_WORKER = False
    return settings.VAR_DIR


def csv_file(name: str, frame: pl.DataFrame) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, frame.write_csv().encode("utf-8"), content_type="text/csv")


def new_enterprises(count: int = 25) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Enterprises not in the population (another seed), as a department would send them."""
    from kechuang.engine.synth import synthesize
    from kechuang.regions import town_rows

    return synthesize(count, YEARS, 99, towns=pl.DataFrame(list(town_rows())))


def staged_folders(var_dir: Path) -> list[Path]:
    return [p for p in (var_dir / "uploads").glob("user-*/*") if p.is_dir()]


@pytest.mark.parametrize("persona", UPLOADERS)
def test_bureau_departments_and_admin_may_upload(persona, population, client_for):
    assert client_for(persona).get("/enterprises/upload/").status_code == 200
    assert client_for(persona).get("/enterprises/uploads/").status_code == 200


@pytest.mark.parametrize("persona", OTHERS)
def test_others_may_not_upload(persona, population, client_for, snapshot):
    client = client_for(persona)
    before = snapshot()
    registry, facts = new_enterprises(3)
    assert client.get("/enterprises/upload/").status_code == 403
    assert client.post("/enterprises/upload/", {"files": [csv_file("r.csv", registry)]}).status_code == 403
    assert client.post("/enterprises/upload/confirm/", {"token": "x"}).status_code == 403
    assert client.get("/enterprises/uploads/").status_code == 403
    assert snapshot() == before


def test_a_good_upload_is_previewed_then_imported_on_confirmation(population, client_for, _var_dir, personas):
    from kechuang.enterprises.models import Enterprise, Fact, Upload

    registry, facts = new_enterprises(25)
    client = client_for("bureau")
    files = [csv_file("新企业名录.csv", registry), csv_file("新企业年度数据.csv", facts)]
    response = client.post("/enterprises/upload/", {"files": files})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="upload-ok"' in html
    previews = html.split('data-testid="file-preview"')[1:]
    assert (
        "新企业名录.csv" in previews[0]
        and "企业名录" in previews[0]
        and f"{registry.height} 行数据" in previews[0]
    )
    assert "企业年度数据" in previews[1] and f"{facts.height} 行数据" in previews[1]
    assert "统一社会信用代码" in previews[0] and "所属镇街" in previews[0]  # English headers shown in Chinese
    assert "营业收入" in previews[1] and "研究开发费用" in previews[1]
    assert previews[1].count("<tr>") == 1 + 20  # the header row and the first 20 rows
    assert Enterprise.objects.count() == 40 and len(staged_folders(_var_dir)) == 1  # nothing written yet

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    response = client.post("/enterprises/upload/confirm/", {"token": token, "action": "import"})
    assert response.status_code == 302 and re.fullmatch(r"/jobs/\d+/", response["Location"])
    response = client.get(response["Location"])  # the job's page: the result once it has run
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-result"' in html
    assert "已完成" in html and 'data-testid="cancel-job"' not in html and "hx-get" not in html
    assert f"{registry.height} <small>新增" in html and f"{facts.height} <small>新增" in html
    assert 'href="/enterprises/uploads/"' in html
    assert Enterprise.objects.count() == 40 + registry.height
    assert (
        Fact.objects.filter(enterprise__credit_code__in=registry["credit_code"].to_list()).count()
        == facts.height
    )
    uploads = Upload.objects.filter(file_name__in=["新企业名录.csv", "新企业年度数据.csv"])
    assert {(u.department, u.uploaded_by_id) for u in uploads} == {("kjj", personas["bureau"].pk)}
    assert staged_folders(_var_dir) == []  # the kept files are deleted after the import

    # The same token cannot import twice.
    again = client.post("/enterprises/upload/confirm/", {"token": token, "action": "import"})
    assert again.status_code == 302 and again["Location"] == "/enterprises/upload/"
    assert Enterprise.objects.count() == 40 + registry.height


def test_a_bad_file_writes_nothing_and_lists_every_bad_row(population, client_for, snapshot, _var_dir):
    registry, facts = new_enterprises(5)
    bad_facts = facts.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(-5.0).otherwise(pl.col("revenue")).alias("revenue"),
        pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit("914419000000000000"))
        .otherwise(pl.col("credit_code"))
        .alias("credit_code"),
    )
    before = snapshot()
    client = client_for("reporter")
    response = client.post(
        "/enterprises/upload/",
        {"files": [csv_file("good-registry.csv", registry), csv_file("bad-facts.csv", bad_facts)]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "整批未导入，没有写入任何数据" in html and 'data-testid="confirm-import"' not in html
    table = html.split('data-testid="error-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(\d+)</td><td>(.*?)</td>", table)
    assert ("bad-facts.csv", "2", "营业收入") in rows  # data row 1 = spreadsheet row 2
    assert any(r[1] == "4" and r[2] == "统一社会信用代码" for r in rows)
    for heading in ("文件", "行", "列", "值", "问题"):
        assert f"<th>{heading}</th>" in table or f'<th class="num">{heading}</th>' in table
    assert snapshot() == before
    assert staged_folders(_var_dir) == []


def test_a_confirmation_needs_this_sessions_token(population, client_for, snapshot, _var_dir):
    registry, _facts = new_enterprises(3)
    html = (
        client_for("bureau")
        .post("/enterprises/upload/", {"files": [csv_file("r.csv", registry)]})
        .content.decode()
    )
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    before = snapshot()
    other = client_for("admin").post("/enterprises/upload/confirm/", {"token": token, "action": "import"})
    assert other.status_code == 302
    assert snapshot() == before


def test_cancelling_discards_the_files(population, client_for, snapshot, _var_dir):
    registry, _facts = new_enterprises(3)
    client = client_for("bureau")
    html = client.post("/enterprises/upload/", {"files": [csv_file("r.csv", registry)]}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    before = snapshot()
    assert (
        client.post("/enterprises/upload/confirm/", {"token": token, "action": "cancel"}).status_code == 302
    )
    assert snapshot() == before and staged_folders(_var_dir) == []


def test_wrong_file_type_is_refused(population, client_for):
    response = client_for("bureau").post(
        "/enterprises/upload/", {"files": [SimpleUploadedFile("data.txt", b"x", content_type="text/plain")]}
    )
    assert "不支持的文件类型" in response.content.decode()


def test_too_large_upload_is_refused_in_chinese(population, client_for, settings, snapshot):
    settings.MAX_UPLOAD_MB = 0
    registry, _facts = new_enterprises(3)
    before = snapshot()
    response = client_for("bureau").post("/enterprises/upload/", {"files": [csv_file("r.csv", registry)]})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="refused"' in html and "上限" in html
    assert snapshot() == before


def test_xlsx_files_are_accepted(population, client_for):
    import io

    registry, _facts = new_enterprises(3)
    buffer = io.BytesIO()
    registry.write_excel(buffer)
    upload = SimpleUploadedFile("名录.xlsx", buffer.getvalue())
    html = client_for("bureau").post("/enterprises/upload/", {"files": [upload]}).content.decode()
    assert 'data-testid="upload-ok"' in html and f"{registry.height} 行数据" in html


def test_the_uploads_list_follows_the_department_scope(population, client_for, tmp_path):
    from tests.enterprises.conftest import import_facts

    own = population.facts.filter(pl.col("credit_code") == population.own, pl.col("year") == YEARS[-1])
    import_facts(own.with_columns(pl.lit(20).alias("conversions")), tmp_path / "x", "统计局报送.csv", "tjj")
    bureau = client_for("bureau").get("/enterprises/uploads/").content.decode()
    reporter = client_for("reporter").get("/enterprises/uploads/").content.decode()
    assert "企业名录.csv" in bureau and "统计局报送.csv" in bureau
    assert "统计局报送.csv" in reporter and "企业名录.csv" not in reporter


def test_a_second_import_while_one_is_running_is_refused_and_the_files_are_kept(
    population, client_for, snapshot, _var_dir, personas
):
    from kechuang.enterprises.services import IMPORT_LOCK
    from kechuang.jobs import progress
    from kechuang.jobs.models import Job, Status

    running = Job.objects.create(
        kind="enterprise_import",
        lock=IMPORT_LOCK,
        status=Status.RUNNING,
        title="企业数据导入：统计局.csv",
        started_by=personas["reporter"],
        started_by_name="reporter",
        worker=progress.this_process(),  # this process: alive
    )
    progress.Live(running.pk).write()  # a fresh heartbeat
    registry, _facts = new_enterprises(3)
    client = client_for("bureau")
    html = client.post("/enterprises/upload/", {"files": [csv_file("r.csv", registry)]}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    before = snapshot()
    response = client.post("/enterprises/upload/confirm/", {"token": token, "action": "import"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-busy"' in html
    assert f"任务 #{running.pk}" in html and "请等它完成后再提交" in html and "没有写入任何数据" in html
    assert snapshot() == before and len(staged_folders(_var_dir)) == 1
    assert Job.objects.filter(status=Status.QUEUED).count() == 0

    # Once that job is over, the same confirmation goes through.
    Job.objects.filter(pk=running.pk).update(status=Status.SUCCEEDED)
    response = client.post("/enterprises/upload/confirm/", {"token": token, "action": "import"})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert staged_folders(_var_dir) == []
