"""What the platform exports, it accepts back (issue 9 §1): the registry export, uploaded unchanged,
is previewed without an error, its computed columns are named as ignored, and importing it changes
nothing (every enterprise is already there with the same values)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _immediate_jobs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_AUTOSTART_WORKER = False


def _export(client) -> bytes:
    response = client.get("/enterprises/registry/export/")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_registry_export_dates_are_dates_not_timestamps(population, client_for):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(client_for("bureau")))).active
    header = [c.value for c in sheet[1]]
    column = header.index("成立日期") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    dated = [c for c in cells if c.value is not None]
    assert dated, "the export has establishment dates"
    # Excel shows what the number format says: a date, without 00:00:00
    assert all(c.is_date and not re.search(r"[hs]", c.number_format) for c in dated), dated[0].number_format


def test_registry_export_uploads_back_unchanged(population, client_for, snapshot):
    from kechuang.enterprises.models import Enterprise

    client = client_for("bureau")
    body = _export(client)
    before = snapshot()
    count = Enterprise.objects.count()
    response = client.post(
        "/enterprises/upload/", {"files": [SimpleUploadedFile("企业名录导出.xlsx", body, content_type=XLSX)]}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="upload-ok"' in html, html[:3000]
    assert "计算列" in html and "已忽略" in html  # the tier column is named as ignored, not refused
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = client.post("/enterprises/upload/confirm/", {"token": token}, follow=True)
    assert done.status_code == 200 and "已完成" in done.content.decode()
    assert Enterprise.objects.count() == count
    assert "0 <small>新增" in done.content.decode()
    after = snapshot()
    assert after["Enterprise"] == before["Enterprise"] and after["FactRevision"] == before["FactRevision"]


def test_the_reader_ignores_computed_columns_in_both_languages_and_refuses_other_unknown_ones():
    import polars as pl

    from kechuang.engine.enterprise_import import map_headers

    frame = pl.DataFrame(
        {
            "统一社会信用代码": ["91441900MA4UJ4XB3W"],
            "梯队（2025 年，计算列）": ["高新技术企业"],
            "Tier (2025, computed)": ["x"],
        }
    )
    mapped, errors = map_headers(frame, "registry")
    assert not errors and mapped.columns == ["credit_code"]
    _mapped, errors = map_headers(frame.rename({"梯队（2025 年，计算列）": "梯队（2025 年）"}), "registry")
    assert [e.message for e in errors] == [
        "列“梯队（2025 年）”不是本系统认识的表头（请使用模板中的中文或英文表头）"
    ]
