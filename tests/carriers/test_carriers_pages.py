"""Pages and API as the users see them: an operator sees its own carrier only, a town its own
region, an applicant its own application; the annual report form (the upload is in
test_carriers_report_job.py); booking, approval and machine hours; the talent workflow through the pages."""

from __future__ import annotations

import io
import re

import pytest

from kechuang.carriers.models import Booking, CarrierReport, EvaluationResult, TalentApplication

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_an_operator_sees_its_own_carrier_only(world, login):
    c = login("op_a")
    page = c.get("/carriers/list/").content.decode()
    assert "甲孵化器" in page and "乙众创空间" not in page
    assert c.get("/carriers/c/A1/").status_code == 200
    assert c.get("/carriers/c/B1/").status_code == 404
    assert [r["code"] for r in c.get("/api/carriers/").json()] == ["A1"]


def test_a_town_sees_its_own_region(world, login):
    c = login("humen")
    page = c.get("/carriers/list/").content.decode()
    assert "乙众创空间" in page and "甲孵化器" not in page
    assert c.get("/carriers/c/A1/").status_code == 404
    assert login("bureau").get("/carriers/c/A1/").status_code == 200


def test_roles_without_carriers_are_refused(world, login):
    assert login("bank").get("/carriers/list/").status_code == 403
    assert login("app_1").get("/carriers/list/").status_code == 403
    assert login("app_1").get("/api/carriers/").status_code == 403


def test_the_carrier_page_shows_computed_figures_and_the_check(world, login):
    page = login("op_a").get(f"/carriers/c/A1/?year={YEAR}").content.decode()
    assert 'data-testid="figures"' in page and "符合" in page
    assert "科技型企业孵化器（标准级）量化条件" in page


def test_the_operator_files_its_report_and_cannot_file_for_another(world, login):
    c = login("op_b")
    r = c.post(
        "/carriers/c/B1/report/?year=2026",
        {"year": 2026, "occupancy_rate": "85", "mentors": "3", "listed_graduates": "0"},
    )
    assert r.status_code == 302
    assert CarrierReport.objects.get(carrier=world.b, year=2026).occupancy_rate == 85
    r = c.post(
        "/carriers/c/B1/report/?year=2026", {"year": 2026, "occupancy_rate": "120", "listed_graduates": "0"}
    )
    assert r.status_code == 200 and "100" in r.content.decode()  # refused: at most 100
    assert CarrierReport.objects.get(carrier=world.b, year=2026).occupancy_rate == 85
    assert c.post("/carriers/c/A1/report/?year=2026", {"year": 2026}).status_code == 404
    assert login("humen").get("/carriers/c/B1/report/").status_code == 403


def test_an_applicant_sees_its_own_application_only(world, login):
    from kechuang.carriers import services

    mine = services.submit_application(
        world.users["app_1"],
        "X1",
        person_name="甲",
        employer_name="丙研究院",
        employer_org=world.institution.operator,
        region_code="441900401",
        route="recognition",
        claimed_class="C",
        criterion="C01",
    )
    other = services.submit_application(
        world.users["app_2"],
        "X2",
        person_name="乙",
        employer_name="某企业",
        region_code="441900121",
        route="nomination",
        claimed_class="D",
    )
    c = login("app_1")
    assert c.get(f"/carriers/talent/{mine.pk}/").status_code == 200
    assert c.get(f"/carriers/talent/{other.pk}/").status_code == 404
    assert [a["id"] for a in c.get("/api/carriers/talent").json()] == [mine.pk]
    # the employer sees and recommends its own people; a town its region
    e = login("op_inst")
    assert e.get(f"/carriers/talent/{other.pk}/").status_code == 404
    e.post(f"/carriers/talent/{mine.pk}/action/", {"decision": "recommend", "text": "同意推荐"})
    mine.refresh_from_db()
    assert mine.status == "recommended"
    assert login("humen").get(f"/carriers/talent/{mine.pk}/").status_code == 404
    assert login("humen").get(f"/carriers/talent/{other.pk}/").status_code == 200
    # the applicant cannot decide its own case
    c.post(f"/carriers/talent/{mine.pk}/action/", {"decision": "approve", "talent_class": "A"})
    mine.refresh_from_db()
    assert mine.status == "recommended"
    login("bureau").post(f"/carriers/talent/{mine.pk}/action/", {"decision": "approve", "talent_class": "C"})
    mine.refresh_from_db()
    assert mine.status == "approved" and mine.decided_class == "C"


def test_applying_through_the_page(world, login):
    c = login("app_1")
    r = c.post(
        "/carriers/talent/apply/",
        {
            "person_name": "王五",
            "employer_name": "丙研究院",
            "region_code": "441900401",
            "route": "expert",
            "claimed_class": "B",
            "criterion": "B02",
            "id_number": "X9",
        },
    )
    assert r.status_code == 302
    assert TalentApplication.objects.get(person_name="王五").applicant == world.users["app_1"]


def test_booking_approval_and_hours_through_the_pages(world, login):
    ent = login("enterprise")
    r = ent.post("/carriers/instruments/Q1/book/", {"date": "2025-05-01", "hours_requested": "4"})
    assert r.status_code == 302
    mine = Booking.objects.filter(applicant=world.users["enterprise"]).order_by("-pk").first()
    assert mine.status == "requested" and mine.external
    # the enterprise sees only its own bookings; it cannot approve them
    assert {b["id"] for b in ent.get("/api/carriers/bookings").json()} == set(
        Booking.objects.filter(applicant=world.users["enterprise"]).values_list("pk", flat=True)
    )
    ent.post(f"/carriers/bookings/{mine.pk}/", {"action": "approve"})
    mine.refresh_from_db()
    assert mine.status == "requested"
    # the owner (the institution's operator) approves and records the hours; another operator cannot
    assert login("op_a").post(f"/carriers/bookings/{mine.pk}/", {"action": "approve"}).status_code == 404
    owner = login("op_inst")
    owner.post(f"/carriers/bookings/{mine.pk}/", {"action": "approve"})
    owner.post(f"/carriers/bookings/{mine.pk}/", {"action": "use", "hours": "3.5", "rating": "4"})
    mine.refresh_from_db()
    assert (mine.status, mine.hours_used, mine.fee) == ("done", 3.5, 3500)


def test_the_bureau_runs_an_evaluation_and_the_operator_sees_its_result(world, login):
    r = login("bureau").post(
        "/carriers/evaluations/run/", {"template": "incubator_operation", "period": "2025"}
    )
    assert r.status_code == 302
    assert EvaluationResult.objects.filter(period="2025").count() == 2
    c = login("op_a")
    assert [e["carrier"] for e in c.get("/api/carriers/evaluations").json()] == ["A1"]
    own = EvaluationResult.objects.get(carrier=world.a)
    other = EvaluationResult.objects.get(carrier=world.b)
    assert c.get(f"/carriers/evaluations/{own.pk}/").status_code == 200
    assert c.get(f"/carriers/evaluations/{other.pk}/").status_code == 404
    assert (
        c.post(
            "/carriers/evaluations/run/", {"template": "incubator_operation", "period": "2025"}
        ).status_code
        == 403
    )


def test_an_english_reader_sees_the_evaluation_in_english(world, login):
    from kechuang.carriers import services

    services.run_evaluation("incubator_operation", "2025")
    world.users["bureau"].language = "en"
    world.users["bureau"].save(update_fields=["language"])
    c = login("bureau")
    page = c.get("/carriers/evaluations/?template=incubator_operation&period=2025").content.decode()
    assert "Annual operation evaluation of incubators" in page and "孵化载体年度运营评价（" not in page
    result = EvaluationResult.objects.filter(period="2025").first()
    assert result.lift.startswith("距") and result.lift_en and "分" not in result.lift_en
    detail = c.get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert result.lift_en.replace("'", "&#x27;") in detail and result.lift not in detail
    api = {e["carrier"]: e for e in c.get("/api/carriers/evaluations?period=2025").json()}
    assert api[result.carrier.code]["lift"] == result.lift  # the Chinese advice and its English beside it
    assert api[result.carrier.code]["lift_en"] == result.lift_en
    assert "Space occupancy" in detail and "场地使用率" not in detail
    assert "Incubation results reward" in detail and "孵化成效奖励" not in detail  # the rewards too
    carrier = c.get(f"/carriers/c/{result.carrier.code}/").content.decode()  # its row on the carrier page
    assert result.lift_en.replace("'", "&#x27;") in carrier and result.lift not in carrier
    assert f">{result.grade_label}<" not in carrier


def test_the_instrument_catalogue_is_open_to_enterprises_with_the_reference_lines(world, login):
    c = login("enterprise")
    page = c.get("/carriers/instruments/Q1/").content.decode()
    assert 'data-testid="work-meter"' in page and "全国平均 1599 小时" in page
    assert "电镜" in c.get("/carriers/instruments/").content.decode()
    assert login("bank").get("/carriers/instruments/").status_code == 403


def test_evaluation_results_export_to_excel_within_the_scope(world, login):
    import openpyxl

    from kechuang.carriers import services

    services.run_evaluation("incubator_operation", "2025")
    r = login("op_a").get("/carriers/evaluations/export/?template=incubator_operation&period=2025")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("载体编号", "载体", "评价模板")
    assert [row[0] for row in rows[1:]] == ["A1"]  # the operator's own carrier only
    advice = dict(zip(rows[0], rows[1], strict=True))
    assert advice["提升建议"].startswith("距") and advice["英文提升建议"]
    assert not re.search(r"[\u4e00-\u9fff]", advice["英文提升建议"])


def test_the_operator_and_the_applicant_land_on_their_own_things(world, login):
    from kechuang.carriers import services

    page = login("op_a").get("/carriers/").content.decode()
    assert 'data-testid="my-carriers"' in page and "/carriers/c/A1/" in page and "乙众创空间" not in page
    assert "/carriers/reports/upload/" in page and "/carriers/talent/apply/" not in page
    mine = services.submit_application(
        world.users["app_1"], "X1", person_name="甲", employer_name="某单位", region_code="441900401",
        route="recognition", claimed_class="C",
    )  # fmt: skip
    page = login("app_1").get("/carriers/").content.decode()
    assert 'data-testid="my-applications"' in page and f"/carriers/talent/{mine.pk}/" in page
    assert "/carriers/talent/apply/" in page and 'data-testid="my-carriers"' not in page


def test_an_institutions_page_reads_in_english_outside_its_proper_names(world, login):
    """The recognition conditions, the figures and the 「一院一策」 targets of a new R&D institution in
    English (issue 9 §5); its own names (carrier, operator, targets, instruments) stay marked."""
    from tests.foundation.test_english_pages import CJK, english_text

    world.users["bureau"].language = "en"
    world.users["bureau"].save(update_fields=["language"])
    page = login("bureau").get("/carriers/c/I1/?year=2025").content.decode()
    assert "New R&amp;D institution: basic recognition conditions" in page
    assert "Resident R&amp;D staff 20 persons, needs ≥ 20 persons: met" in page
    assert "(CNY 10k)" in page  # the target's unit
    assert CJK.findall(english_text(page)) == []


def test_english_counts_of_one_are_singular(world, login):
    """English counts of one are singular: 1 carrier, not 1 carriers; the evaluation message too."""
    world.users["bureau"].language = "en"
    world.users["bureau"].save(update_fields=["language"])
    c = login("bureau")
    one = c.get("/carriers/list/?kind=institution").content.decode()
    assert ">1 carrier</p>" in one and "1 carriers" not in one
    assert "carriers</p>" in c.get("/carriers/list/").content.decode()  # more than one: plural
    done = c.post(
        "/carriers/evaluations/run/", {"template": "institution_dynamic", "period": "2025"}, follow=True
    ).content.decode()
    assert "Evaluated 1 carrier" in done and "1 carriers" not in done
