"""The one upload flow on the indicator upload (issue 9 §1): file → preview with every error (the
invisible character named, a header error beside the rows' errors) → confirm → a background job →
its page with the counts; an empty file or an empty template imports nothing and says so."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.jobs.models import Job
from kechuang.plans.models import Observation, ObservationBatch


def choose(client, name: str, data: bytes):
    return client.post("/plans/entry/upload/", {"file": SimpleUploadedFile(name, data)})


def counts():
    return Observation.objects.count(), ObservationBatch.objects.count(), Job.objects.count()


def empty_template(client) -> bytes:
    return client.get("/plans/entry/template.xlsx").content


@pytest.mark.parametrize("kind", ["zero bytes", "header only", "the Excel template"])
def test_an_empty_file_or_template_imports_nothing_and_says_so(plan, client_for, kind):
    client = client_for("reporter")
    data = {
        "zero bytes": (b"", "obs.csv"),
        "header only": ("指标,地区,年份,数值,来源\n".encode(), "obs.csv"),
        "the Excel template": (empty_template(client), "模板.xlsx"),
    }[kind]
    before = counts()
    html = choose(client, data[1], data[0]).content.decode()
    assert ("是空文件" in html) if kind == "zero bytes" else ("只有表头、没有数据行" in html)
    assert "没有写入任何数据" in html and 'data-testid="confirm-import"' not in html
    assert counts() == before


def test_every_error_at_once_with_the_bad_character_named(plan, client_for):
    before = counts()
    text = (
        "指标,地区,年份,数值,来源,多余的列\n"
        "rd_intensity,东莞市,2025,4.1\x07,快报,\n"
        "rd_intensity,火星镇,2025,3.0,快报,\n"
        "rd_intensity,东莞市,2024,3\u30009,快报,\n"
    )
    response = choose(client_for("bureau"), "obs.csv", text.encode())
    errors = response.context["checked"].errors
    assert [(e.row, e.column) for e in errors] == [(1, "多余的列"), (2, "数值"), (3, "地区"), (4, "数值")]
    html = response.content.decode()
    assert "含非法字符 “\\x07”（控制字符）" in html and "“\\u3000”（全角空格）" in html
    assert counts() == before


def test_a_good_file_is_previewed_then_imported_by_a_job(plan, client_for, personas):
    client = client_for("reporter")
    text = (
        "指标,地区,年份,数值,来源\n全社会研发投入强度,东莞市,2025,4.15,快报\n\n,,,,\n"  # blank rows skipped
    )
    preview = choose(client, "统计局.csv", text.encode())
    html = preview.content.decode()
    assert 'data-testid="upload-ok"' in html and "1 行数据" in html and "全社会研发投入强度" in html
    assert not Observation.objects.filter(year=2025).exists()  # nothing before the confirmation
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    response = client.post("/plans/entry/upload/confirm/", {"token": token, "action": "import"})
    assert re.fullmatch(r"/jobs/\d+/", response["Location"])
    job = Job.objects.get()
    assert (job.kind, job.status, job.started_by) == ("observation_import", "succeeded", personas["reporter"])
    assert job.result["created"] == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-result"' in page and "统计局.csv" in page
    assert (
        Observation.objects.get(year=2025, region_code="441900", indicator__code="rd_intensity").value == 4.15
    )
    # the token is spent: a second confirmation writes nothing more
    again = client.post("/plans/entry/upload/confirm/", {"token": token, "action": "import"}, follow=True)
    assert "待确认的上传已失效" in again.content.decode() and Job.objects.count() == 1


def test_giving_up_deletes_the_staged_file(plan, client_for, settings):
    client = client_for("bureau")
    preview = choose(
        client, "obs.csv", "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\n".encode()
    )
    token = preview.context["token"]
    staged = list((settings.VAR_DIR / "uploads").glob("user-*/*"))
    assert len(staged) == 1
    client.post("/plans/entry/upload/confirm/", {"token": token, "action": "cancel"})
    assert not staged[0].exists() and not Observation.objects.filter(year=2025).exists()


def test_a_second_import_of_the_same_plan_waits_for_the_first(plan, client_for, settings):
    from kechuang.jobs.models import Status

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run here
    Job.objects.create(
        kind="observation_import", lock=f"observation_import:{plan.code}", status=Status.QUEUED
    )
    client = client_for("bureau")
    preview = choose(
        client, "obs.csv", "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\n".encode()
    )
    page = client.post(
        "/plans/entry/upload/confirm/", {"token": preview.context["token"], "action": "import"}
    )
    assert 'data-testid="import-busy"' in page.content.decode() and Job.objects.count() == 1
