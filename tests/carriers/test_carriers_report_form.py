"""The annual report asks each kind of carrier for its own figures (an incubator is not asked for
an institution's R&D staff, nor the other way round), and a part cannot be more than its whole —
on the page and in the Excel upload alike, naming the row and the field, nothing written."""

from __future__ import annotations

import pytest

from kechuang.carriers.models import CarrierReport
from tests.carriers.test_carriers_report_job import _jobs, _xlsx  # noqa: F401  (fixture, helper)

pytestmark = pytest.mark.django_db


def test_each_kind_of_carrier_is_asked_for_its_own_figures(world, login):
    incubator = login("op_b").get("/carriers/c/B1/report/?year=2026").content.decode()
    assert "除房租及物业之外的收入" in incubator and "常驻研发人员数" not in incubator
    institution = login("op_inst").get("/carriers/c/I1/report/?year=2026").content.decode()
    assert "常驻研发人员数" in institution and "场地使用率" not in institution


def test_a_part_larger_than_its_whole_is_refused_on_the_page(world, login):
    c = login("op_b")
    r = c.post(
        "/carriers/c/B1/report/?year=2026",
        {"year": 2026, "total_income": "100", "non_rent_income": "130", "listed_graduates": "0"},
    )
    assert r.status_code == 200
    assert "不能大于「总收入（万元）」（100）" in r.content.decode()
    assert not CarrierReport.objects.filter(carrier=world.b, year=2026).exists()
    r = c.post(
        "/carriers/c/B1/report/?year=2026",
        {"year": 2026, "total_income": "100", "non_rent_income": "30", "listed_graduates": "0"},
    )
    assert r.status_code == 302
    assert CarrierReport.objects.get(carrier=world.b, year=2026).non_rent_income == 30


def test_the_upload_names_the_row_and_field_of_a_part_larger_than_its_whole(world, login):
    before = CarrierReport.objects.count()
    f = _xlsx(
        [
            ["载体编号", "年度", "总收入（万元）", "除房租及物业之外的收入（万元）"],
            ["A1", 2026, 100, 40],
            ["A1", 2027, 100, 120],
        ]
    )
    page = login("op_a").post("/carriers/reports/upload/", {"file": f}).content.decode()
    assert "第 3 行「除房租及物业之外的收入（万元）」" in page and "不能大于「总收入（万元）」（100）" in page
    assert "整批未导入" in page
    assert CarrierReport.objects.count() == before
