"""Data entry pages as the personas use them: the web form, the Excel template, uploads, batches."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.plans.models import Indicator, Observation, ObservationBatch
from tests.personas import PERSONAS

WRITERS = {"admin", "bureau", "reporter", "songshanhu", "humen"}
BATCH_READERS = WRITERS | {"leader"}
PAGES = [
    ("/plans/entry/", WRITERS),
    ("/plans/entry/upload/", WRITERS),
    ("/plans/entry/template.xlsx", WRITERS),
    ("/plans/entry/batches/", BATCH_READERS),
]
TJJ_INDICATORS = ["全社会研发投入强度", "高技术制造业增加值占规上工业增加值比重"]


def upload(client, text: str, name: str = "obs.csv", encoding: str = "utf-8", confirm: bool = True):
    """Choose the file (the preview); a file that passes is confirmed (the job's page, with its batch)."""
    f = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    preview = client.post("/plans/entry/upload/", {"file": f})
    token = preview.context.get("token") if preview.context else ""
    if not confirm or not token:
        return preview
    return client.post("/plans/entry/upload/confirm/", {"token": token, "action": "import"})


def batch_of(response) -> ObservationBatch:
    """The batch a confirmed upload wrote (from its job's page)."""
    from kechuang.jobs.models import Job

    assert response.status_code == 302 and "/jobs/" in response["Location"], response
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == "succeeded", (job.message, job.errors)
    return ObservationBatch.objects.get(pk=job.result["batch"])


def template_book(client):
    response = client.get("/plans/entry/template.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def validation_for(ws, column: str):
    for dv in ws.data_validations.dataValidation:
        if any(str(rng).startswith(f"{column}2:") for rng in dv.sqref.ranges):
            return dv
    raise AssertionError(f"no validation on column {column}")


def list_values(wb, formula: str) -> list[str]:
    """The values behind a list validation that points at a range ('选项'!$A$2:$A$3)."""
    sheet, cells = formula.lstrip("=").split("!")
    ws = wb[sheet.strip("'")]
    return [c[0].value for c in ws[cells.replace("$", "")]]


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize(("url", "allowed"), PAGES)
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_page_access(plan, client_for, persona, url, allowed):
    status = client_for(persona).get(url).status_code
    assert status == (200 if persona in allowed else 403), f"{persona} → {url}"


@pytest.mark.parametrize(("url", "_allowed"), PAGES)
def test_outsider_is_sent_to_login(plan, client_for, url, _allowed):
    response = client_for("outsider").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_leader_cannot_post_a_value(plan, client_for):
    before = Observation.objects.count()
    response = client_for("leader").post(
        "/plans/entry/",
        {"indicator": "rd_intensity", "region": "441900", "year": 2025, "value": 4.2, "source": "x"},
    )
    assert response.status_code == 403 and Observation.objects.count() == before


# ---------------------------------------------------------------- the web form


def test_reporter_form_offers_only_own_indicators(plan, client_for):
    html = client_for("reporter").get("/plans/entry/").content.decode()
    for name in TJJ_INDICATORS:
        assert name in html
    assert "技术合同成交额" not in html and "公民具备科学素质比例" not in html


def test_town_officer_form_offers_only_own_town(plan, client_for):
    html = client_for("humen").get("/plans/entry/").content.decode()
    assert 'value="441900121"' in html and 'value="441900401"' not in html and 'value="441900"' not in html


def test_reporter_enters_a_value(plan, client_for, personas):
    client = client_for("reporter")
    response = client.post(
        "/plans/entry/",
        {
            "indicator": "rd_intensity",
            "region": "441900",
            "year": 2025,
            "value": "4.12",
            "source": "统计快报",
        },
    )
    assert response.status_code == 302
    row = Observation.objects.get(
        indicator__code="rd_intensity", region_code="441900", year=2025, is_latest=True
    )
    assert row.value == 4.12 and row.source == "统计快报" and row.entered_by == personas["reporter"]
    assert row.batch.file_name == "网页填报"
    page = client.get("/plans/entry/").content.decode()
    assert "已保存" in page and "4.12" in page


def test_reporter_cannot_enter_another_departments_indicator(plan, client_for):
    before = Observation.objects.count()
    response = client_for("reporter").post(
        "/plans/entry/",
        {
            "indicator": "tech_contract_turnover",
            "region": "441900",
            "year": 2025,
            "value": "1",
            "source": "x",
        },
    )
    assert response.status_code == 200 and Observation.objects.count() == before
    assert "有效的选项" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": ""}, "请填写数据来源"),
        ({"value": "abc"}, "请输入数字"),
        ({"year": "1999"}, "2000–2100"),
        ({"indicator": "industrial_hightech_enterprises", "value": "-3"}, "不能为负"),
    ],
)
def test_form_errors_are_chinese_and_nothing_is_written(plan, client_for, data, message):
    before = Observation.objects.count()
    post = {"indicator": "rd_intensity", "region": "441900", "year": 2025, "value": "4.1", "source": "快报"}
    post.update(data)
    response = client_for("bureau").post("/plans/entry/", post)
    assert response.status_code == 200 and message in response.content.decode()
    assert Observation.objects.count() == before


def test_a_correction_shows_the_previous_value_and_becomes_a_revision(plan, client_for):
    client = client_for("reporter")
    old = Observation.objects.get(
        indicator__code="rd_intensity", region_code="441900", year=2019, is_latest=True
    )
    post = {"indicator": "rd_intensity", "region": "441900", "year": 2019, "value": "9.99", "source": "更正"}
    first = client.post("/plans/entry/", post)
    html = first.content.decode()
    assert first.status_code == 200 and 'data-testid="revision-confirm"' in html
    assert f"{old.value}" in html and f"第 {old.revision + 1} 版" in html
    assert Observation.objects.get(pk=old.pk).is_latest  # nothing written yet
    second = client.post("/plans/entry/", {**post, "replaces": str(old.pk)})
    assert second.status_code == 302
    rows = Observation.objects.filter(indicator__code="rd_intensity", region_code="441900", year=2019)
    assert [(r.revision, r.value, r.is_latest) for r in rows.order_by("revision")] == [
        (old.revision, old.value, False),
        (old.revision + 1, 9.99, True),
    ]


def test_previous_value_fragment(plan, client_for):
    old = Observation.objects.get(
        indicator__code="rd_intensity", region_code="441900", year=2019, is_latest=True
    )
    html = (
        client_for("reporter")
        .get("/plans/entry/previous/", {"indicator": "rd_intensity", "region": "441900", "year": 2019})
        .content.decode()
    )
    assert f"{old.value}" in html and "修订" in html
    empty = client_for("reporter").get(
        "/plans/entry/previous/", {"indicator": "rd_intensity", "region": "441900", "year": 2099}
    )
    assert "已有数值" not in empty.content.decode()


# ---------------------------------------------------------------- the Excel template


def test_template_has_headers_validations_and_instructions(plan, client_for):
    wb = template_book(client_for("bureau"))
    ws = wb.worksheets[0]
    assert ws.title == "填报"
    assert [c.value for c in ws[1]] == ["指标", "地区", "年份", "数值", "来源", "备注"]
    indicator_dv, region_dv = validation_for(ws, "A"), validation_for(ws, "B")
    assert indicator_dv.type == region_dv.type == "list"
    assert list_values(wb, indicator_dv.formula1) == list(
        Indicator.objects.filter(plan=plan).order_by("seq").values_list("name", flat=True)
    )
    regions = list_values(wb, region_dv.formula1)
    assert regions[0] == "东莞市" and "虎门镇" in regions and "松山湖高新技术产业开发区" in regions
    year = validation_for(ws, "C")
    assert (year.type, year.formula1, year.formula2) == ("whole", "2000", "2100")
    assert year.operator in (None, "between")  # "between" is the default and may be left out
    assert validation_for(ws, "D").type == "decimal"
    help_sheet = wb["说明"]
    cells = [[c.value for c in row] for row in help_sheet.iter_rows()]
    units = {row[0]: row[2] for row in cells if row[0] and row[2]}
    assert units["全社会研发投入强度"] == "%" and units["技术合同成交额"] == "亿元"


def test_reporter_template_lists_only_own_indicators(plan, client_for):
    wb = template_book(client_for("reporter"))
    dv = validation_for(wb.worksheets[0], "A")
    assert list_values(wb, dv.formula1) == TJJ_INDICATORS


def test_town_template_lists_only_own_town(plan, client_for):
    wb = template_book(client_for("songshanhu"))
    dv = validation_for(wb.worksheets[0], "B")
    assert list_values(wb, dv.formula1) == ["松山湖高新技术产业开发区"]


def test_filled_template_uploads(plan, client_for, personas):
    client = client_for("reporter")
    wb = template_book(client)
    ws = wb.worksheets[0]
    ws.append(["全社会研发投入强度", "东莞市", 2025, 4.15, "统计快报", ""])
    ws.append(["高技术制造业增加值占规上工业增加值比重", "虎门镇", 2025, 30.5, "统计快报", "初步数"])
    buf = io.BytesIO()
    wb.save(buf)
    f = SimpleUploadedFile("填好的模板.xlsx", buf.getvalue())
    preview = client.post("/plans/entry/upload/", {"file": f})
    assert preview.context["token"], preview.content.decode()[:2000]
    response = client.post(
        "/plans/entry/upload/confirm/", {"token": preview.context["token"], "action": "import"}
    )
    batch = batch_of(response)
    assert batch.file_name == "填好的模板.xlsx" and batch.uploaded_by == personas["reporter"]
    assert Observation.objects.filter(batch=batch).count() == 2


# ---------------------------------------------------------------- uploads


def test_upload_with_a_bad_row_writes_nothing_and_lists_the_row(plan, client_for):
    before = (Observation.objects.count(), ObservationBatch.objects.count())
    response = upload(
        client_for("bureau"),
        "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\nrd_intensity,火星镇,2025,3.0,快报\n"
        "技术合同成交额,东莞市,2025,abc,快报\n",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "文件未导入，没有写入任何数据" in html
    assert "火星镇" in html and "abc" in html and "未知地区" in html and "不是数字" in html
    assert '<td class="num">3</td>' in html and '<td class="num">4</td>' in html
    assert (Observation.objects.count(), ObservationBatch.objects.count()) == before


def test_upload_outside_scope_is_rejected(plan, client_for):
    before = Observation.objects.count()
    response = upload(
        client_for("reporter"), "指标,地区,年份,数值,来源\n技术合同成交额,东莞市,2025,300,快报\n"
    )
    html = response.content.decode()
    assert "文件未导入，没有写入任何数据" in html and "无权填报" in html
    assert Observation.objects.count() == before


def test_successful_upload_shows_counts_and_what_was_written(plan, client_for):
    client = client_for("bureau")
    response = upload(
        client,
        "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\nrd_intensity,东莞市,2019,3.5,更正\n",
        name="年度数据.csv",
    )
    job_page = client.get(response["Location"]).content.decode()
    assert "年度数据.csv" in job_page and "已完成" in job_page
    page = client.get(f"/plans/entry/batches/{batch_of(response).pk}/")
    html = page.content.decode()
    assert "年度数据.csv" in html
    summary = page.context["summary"]
    assert (summary.created, summary.revised, summary.unchanged) == (1, 1, 0)
    assert "4.1" in html and "3.5" in html and "更正" in html


def test_unsupported_file_type_is_refused(plan, client_for):
    f = SimpleUploadedFile("data.pdf", b"%PDF-1.4")
    response = client_for("bureau").post("/plans/entry/upload/", {"file": f})
    assert "不支持的文件类型" in response.content.decode()


def test_too_large_upload_is_refused(plan, client_for, settings):
    settings.MAX_UPLOAD_MB = 0
    before = Observation.objects.count()
    response = upload(client_for("bureau"), "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\n")
    html = response.content.decode()
    assert response.status_code == 200 and "超过 0 MB 的上限" in html and "没有写入任何数据" in html
    assert Observation.objects.count() == before


# ---------------------------------------------------------------- batches


def test_batches_are_scoped_to_the_uploading_organisation(plan, client_for):
    upload(
        client_for("reporter"),
        "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\n",
        name="统计局.csv",
    )
    upload(
        client_for("bureau"),
        "指标,地区,年份,数值,来源\n技术合同成交额,东莞市,2025,300,快报\n",
        name="科技局.csv",
    )
    reporter = client_for("reporter").get("/plans/entry/batches/").content.decode()
    bureau = client_for("bureau").get("/plans/entry/batches/").content.decode()
    assert "统计局.csv" in reporter and "科技局.csv" not in reporter
    assert "统计局.csv" in bureau and "科技局.csv" in bureau
    other = ObservationBatch.objects.get(file_name="科技局.csv")
    assert client_for("reporter").get(f"/plans/entry/batches/{other.pk}/").status_code == 404
    assert client_for("leader").get(f"/plans/entry/batches/{other.pk}/").status_code == 200


def test_a_batch_the_system_wrote_reads_in_english(plan, client_for, personas):
    """The batch's name, its default source and its notes are the system's texts, shown in the
    reader's language; a file's name and a source a user typed stay as written (translate="no")."""
    import polars as pl

    from kechuang.plans.observations import store_observations
    from kechuang.plans.texts import CONTRACTS_BATCH, CONTRACTS_NOTE, CONTRACTS_SOURCE

    source = CONTRACTS_SOURCE.format("2026-03-01")
    rows = pl.DataFrame(
        {
            "row": [2],
            "indicator": ["tech_contract_turnover"],
            "region_code": ["441900"],
            "year": [2024],
            "value": [4.476],
            "source": [source],
            "note": [CONTRACTS_NOTE.format(12)],
        }
    )
    store_observations(plan, rows, file_name=CONTRACTS_BATCH.format(2020, 2024), default_source=source)
    upload(
        client_for("bureau"),
        "指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,统计快报\n",
        name="科技局.csv",
    )
    system = ObservationBatch.objects.get(file_name="技术合同登记库 2020–2024")
    chinese = client_for("bureau").get(f"/plans/entry/batches/{system.pk}/").content.decode()
    assert "技术合同登记库（kechuang 技术合同认定登记，2026-03-01）" in chinese and "12 份合同" in chinese
    personas["bureau"].language = "en"
    personas["bureau"].save()
    listing = client_for("bureau").get("/plans/entry/batches/").content.decode()
    assert "Technology contract register 2020–2024" in listing
    assert '<span translate="no">科技局.csv</span>' in listing
    page = client_for("bureau").get(f"/plans/entry/batches/{system.pk}/").content.decode()
    assert "Technology contract register (kechuang technology contract registration, 2026-03-01)" in page
    assert "12 contracts" in page and "CNY 100m" in page and "技术合同" not in page
    user_batch = ObservationBatch.objects.get(file_name="科技局.csv")
    page = client_for("bureau").get(f"/plans/entry/batches/{user_batch.pk}/").content.decode()
    assert '<span translate="no">统计快报</span>' in page


def test_the_indicator_history_shows_the_systems_texts_in_english(plan, client_for, personas):
    import polars as pl

    from kechuang.plans.observations import store_observations
    from kechuang.plans.texts import CONTRACTS_BATCH, CONTRACTS_NOTE, CONTRACTS_SOURCE

    source = CONTRACTS_SOURCE.format("2026-03-01")
    rows = pl.DataFrame(
        {
            "row": [2],
            "indicator": ["tech_contract_turnover"],
            "region_code": ["441900"],
            "year": [2024],
            "value": [4.476],
            "source": [source],
            "note": [CONTRACTS_NOTE.format(12)],
        }
    )
    store_observations(plan, rows, file_name=CONTRACTS_BATCH.format(2020, 2024), default_source=source)
    url = "/plans/indicators/tech_contract_turnover/"
    chinese = client_for("bureau").get(url).content.decode()
    assert "技术合同登记库（kechuang 技术合同认定登记，2026-03-01）" in chinese and "12 份合同" in chinese
    personas["bureau"].language = "en"
    personas["bureau"].save()
    page = client_for("bureau").get(url).content.decode()
    assert "Technology contract register (kechuang technology contract registration, 2026-03-01)" in page
    assert "Technology contract register 2020–2024" in page and "12 contracts" in page
    assert "份合同" not in page and "技术合同登记库" not in page
