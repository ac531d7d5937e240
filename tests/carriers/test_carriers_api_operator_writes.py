"""The writes of the API as operators, instrument owners and the bureau use them (carriers.api_writes):
an operator reports for its own carrier; the owner approves a booking and records its hours, the
booker rates it; the bureau issues a voucher within the year's budget; the employer recommends its
own people, the bureau decides and revokes for fraud; an operator keeps its incubated enterprises and
an institution its 「一院一策」 values. The right persona can; others get 403 or 404; bad input is
refused in Chinese naming the field, with nothing written; what is written is audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from kechuang.audit.models import ObjectChange
from kechuang.carriers import services
from kechuang.carriers.models import (
    Booking,
    CarrierReport,
    IncubatedEnterprise,
    TalentApplication,
    TargetValue,
    Voucher,
)

pytestmark = pytest.mark.django_db


def _send(c, method, url, body=None):
    return c.generic(method, url, json.dumps(body or {}), content_type="application/json")


def _post(c, url, body=None):
    return _send(c, "POST", url, body)


# ------------------------------------------------------------------------------------------------
# annual report
# ------------------------------------------------------------------------------------------------

REPORT = {"carrier": "A1", "year": 2024, "occupancy_rate": 85, "mentors": 6, "total_income": 100}


def test_an_operator_reports_for_its_own_carrier_and_it_is_audited(world, login):
    r = _post(login("op_a"), "/api/carriers/reports", REPORT | {"non_rent_income": 40})
    assert r.status_code == 201, r.content
    report = CarrierReport.objects.get(carrier=world.a, year=2024)
    assert (report.occupancy_rate, report.mentors, report.non_rent_income) == (85, 6, 40)
    assert report.submitted_by == world.users["op_a"] and r.json()["non_rent_income"] == 40
    change = ObjectChange.objects.get(object_type="carriers.carrierreport", object_id=str(report.pk))
    assert change.action == "create" and change.user == world.users["op_a"]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"non_rent_income": 120}, "除房租及物业之外的收入（万元）：不能大于「总收入（万元）」（100）"),
        ({"occupancy_rate": 130}, "场地使用率（%）："),
        ({"rd_spending": 500}, "研发费用（万元）：不是该类载体的填报项"),
        ({"year": 1990}, "年度：应为 2000–2100 之间的年份"),
        ({"carrier": "B1"}, "找不到载体「B1」"),  # another operator's carrier
    ],
)
def test_a_bad_report_is_refused_naming_the_field_and_nothing_is_written(world, login, extra, message):
    r = _post(login("op_a"), "/api/carriers/reports", REPORT | extra)
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not CarrierReport.objects.filter(year__in=(1990, 2024)).exists()


def test_a_report_on_record_is_replaced_only_when_correcting(world, login):
    c = login("op_a")
    r = _post(c, "/api/carriers/reports", REPORT | {"year": 2025})
    assert r.status_code == 400 and "2025 年度报告已报送" in r.json()["detail"]
    assert CarrierReport.objects.get(carrier=world.a, year=2025).occupancy_rate == 80
    r = _post(c, "/api/carriers/reports", REPORT | {"year": 2025, "correct": True})
    assert r.status_code == 200, r.content
    assert CarrierReport.objects.get(carrier=world.a, year=2025).occupancy_rate == 85


def test_a_correction_keeps_the_fields_it_does_not_send_and_clears_an_explicit_null(world, login):
    c = login("op_a")
    body = {"carrier": "A1", "year": 2025, "correct": True, "mentors": 7}
    r = _post(c, "/api/carriers/reports", body)
    assert r.status_code == 200, r.content
    report = CarrierReport.objects.get(carrier=world.a, year=2025)
    assert (report.mentors, report.occupancy_rate, report.total_income) == (7, 80, 100)
    assert (report.non_rent_income, report.industry_share) == (30, 60)
    assert r.json()["occupancy_rate"] == 80
    r = _post(c, "/api/carriers/reports", body | {"industry_share": None})
    assert r.status_code == 200, r.content
    report.refresh_from_db()
    assert report.industry_share is None and report.occupancy_rate == 80


def test_a_correction_is_checked_against_the_values_it_keeps(world, login):
    body = {"carrier": "A1", "year": 2025, "correct": True, "non_rent_income": 120}
    r = _post(login("op_a"), "/api/carriers/reports", body)
    assert r.status_code == 400 and "不能大于「总收入（万元）」（100）" in r.json()["detail"], r.content
    assert CarrierReport.objects.get(carrier=world.a, year=2025).non_rent_income == 30


def test_only_a_reporting_role_reports(world, login):
    assert _post(login("enterprise"), "/api/carriers/reports", REPORT).status_code == 403
    assert _post(login("songshanhu"), "/api/carriers/reports", REPORT).status_code == 403
    assert not CarrierReport.objects.filter(year=2024).exists()


# ------------------------------------------------------------------------------------------------
# bookings and vouchers
# ------------------------------------------------------------------------------------------------


def _booking(world):
    return Booking.objects.get(instrument=world.instrument)


def test_the_owner_approves_and_records_the_hours_the_booker_rates(world, login):
    booking = _booking(world)
    url = f"/api/carriers/bookings/{booking.pk}"
    owner = login("op_inst")
    r = _post(owner, f"{url}/decision", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = _post(owner, f"{url}/use", {"hours": 2})
    assert r.status_code == 200 and r.json()["hours_used"] == 2 and r.json()["fee"] == 2000
    assert _post(owner, f"{url}/rating", {"rating": 5}).json()["detail"] == "只有预约人可以评价"
    r = _post(login("enterprise"), f"{url}/rating", {"rating": 4})
    assert r.status_code == 200 and r.json()["rating"] == 4
    booking.refresh_from_db()
    assert (booking.status, booking.hours_used, booking.rating) == ("done", 2, 4)
    assert ObjectChange.objects.filter(
        object_type="carriers.booking", object_id=str(booking.pk), user=world.users["op_inst"]
    ).exists()


def test_only_the_owner_decides_a_booking(world, login):
    booking = _booking(world)
    url = f"/api/carriers/bookings/{booking.pk}/decision"
    assert _post(login("enterprise"), url, {"approve": True}).status_code == 403  # the booker
    assert _post(login("op_a"), url, {"approve": True}).status_code == 404  # another carrier's operator
    assert _post(login("op_a"), url.replace("decision", "use"), {"hours": 2}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "requested"


@pytest.mark.parametrize(
    "approved, step, body, message",
    [
        (False, "decision", {}, "请选择批准或不批准"),
        (False, "use", {"hours": 2}, "只能为已批准的预约登记机时"),
        (True, "use", {"hours": 0.2}, "实际机时："),
        (True, "use", {"hours": 2, "rating": 9}, "用户评价（1–5）："),
    ],
)
def test_a_bad_step_on_a_booking_is_refused_and_nothing_is_written(
    world, login, approved, step, body, message
):
    booking = _booking(world)
    if approved:
        services.decide_booking(booking, True)
    r = _post(login("op_inst"), f"/api/carriers/bookings/{booking.pk}/{step}", body)
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    booking.refresh_from_db()
    assert booking.hours_used is None and booking.rating is None and booking.fee == 0


def test_the_bureau_issues_a_voucher_within_the_budget(world, login):
    booking = _booking(world)
    url = f"/api/carriers/bookings/{booking.pk}/voucher"
    bureau = login("bureau")
    assert _post(bureau, url, {"amount": 0.1}).json()["detail"] == "只有已完成的预约可以使用创新券"
    services.decide_booking(booking, True)
    services.record_use(booking, 2)  # fee 2000 元 = 0.2 万元
    r = _post(bureau, url, {"amount": 0.3})
    assert r.status_code == 400 and "超过本次费用" in r.json()["detail"] and not Voucher.objects.exists()
    assert _post(login("enterprise"), url, {"amount": 0.1}).status_code == 403
    bureau = login("bureau")  # one client: logging in as another user replaced the bureau's session
    r = _post(bureau, url, {"amount": 0.15})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "booking": booking.pk,
        "year": 2025,
        "amount": 0.15,
        "budget": 2.0,
        "budget_left": 1.85,
    }
    assert bureau.get("/api/carriers/vouchers/budget?year=2025").json()["budget_left"] == 1.85
    r = _post(bureau, url, {"amount": 0.01})
    assert r.status_code == 400 and r.json()["detail"] == "这次预约已经使用过创新券"
    assert login("op_inst").get("/api/carriers/vouchers/budget").status_code == 403


# ------------------------------------------------------------------------------------------------
# talent: recommendation and decision
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def application(world):
    return TalentApplication.objects.create(
        applicant=world.users["app_1"],
        person_name="张三",
        id_number_hash=services.id_hash("110101199001011234"),
        employer_name="示例企业",
        employer_org=world.users["enterprise"].org,
        region_code="441900401",
        route="recognition",
        claimed_class="C",
    )


def test_the_employer_recommends_and_the_bureau_decides(world, login, application):
    url = f"/api/carriers/talent/{application.pk}"
    assert _post(login("university"), f"{url}/recommendation", {}).status_code == 404  # not its person
    r = _post(login("bureau"), f"{url}/decision", {"approve": True, "talent_class": "C"})
    assert r.status_code == 400 and "尚未完成推荐" in r.json()["detail"]
    r = _post(login("enterprise"), f"{url}/recommendation", {"text": "业绩突出"})
    assert r.status_code == 200 and r.json()["status"] == "recommended"
    r = _post(login("enterprise"), f"{url}/recommendation", {})
    assert r.status_code == 400 and "只能推荐已申报、尚未推荐的申请" in r.json()["detail"]
    assert _post(login("enterprise"), f"{url}/decision", {"approve": True}).status_code == 403
    assert _post(login("expert_1"), f"{url}/decision", {"approve": True}).status_code == 403
    r = _post(login("bureau"), f"{url}/decision", {"approve": True, "talent_class": "Z"})
    assert r.status_code == 400 and "认定类别" in r.json()["detail"]
    r = _post(login("bureau"), f"{url}/decision", {"approve": True})
    assert r.status_code == 400 and "认定时须选择类别" in r.json()["detail"]
    application.refresh_from_db()
    assert application.status == "recommended" and application.recommendation == "业绩突出"
    r = _post(login("bureau"), f"{url}/decision", {"approve": True, "talent_class": "C", "note": "符合"})
    assert r.status_code == 200 and r.json()["decided_class"] == "C" and r.json()["valid_until"]


def test_the_bureau_revokes_for_fraud_with_a_note(world, login, application):
    url = f"/api/carriers/talent/{application.pk}/revocation"
    assert _post(login("enterprise"), url, {"note": "伪造"}).status_code == 403
    r = _post(login("bureau"), url, {})
    assert r.status_code == 400 and r.json()["detail"] == "决定说明：请填写"
    application.refresh_from_db()
    assert application.status == "submitted" and application.barred_until is None
    r = _post(login("bureau"), url, {"note": "伪造业绩材料"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    application.refresh_from_db()
    assert application.barred_until.year == dt.date.today().year + 5
    assert _post(login("bureau"), url, {"note": "再次"}).json()["detail"] == "该申请已撤销"


# ------------------------------------------------------------------------------------------------
# incubated enterprises and 「一院一策」 values
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def newcomer(world):
    from kechuang.enterprises.models import Enterprise

    return Enterprise.objects.create(
        credit_code="91441900NEWCOMER01", name="新入驻企业", region_code="441900401"
    )


def test_an_operator_keeps_its_incubated_enterprises(world, login, newcomer):
    c = login("op_a")
    r = _post(c, "/api/carriers/A1/incubated", {"credit_code": newcomer.credit_code, "entered_year": 2025})
    assert r.status_code == 201 and r.json()["name"] == "新入驻企业", r.content
    link = IncubatedEnterprise.objects.get(carrier=world.a, enterprise=newcomer)
    url = f"/api/carriers/A1/incubated/{newcomer.credit_code}"
    r = _send(c, "PATCH", url, {"graduated_year": 2026, "invested": True})
    assert r.status_code == 200 and r.json()["entered_year"] == 2025  # kept
    link.refresh_from_db()
    assert (link.graduated_year, link.invested) == (2026, True)
    assert newcomer.credit_code in {i["credit_code"] for i in c.get("/api/carriers/A1/incubated").json()}
    # DELETE is the exit (误录 unless said otherwise): the row is kept, dated, and counts in no year
    r = _send(c, "DELETE", url)
    assert (
        r.status_code == 200
        and r.json()["exit_reason"] == "mistaken"
        and r.json()["exit_reason_label"] == "误录"
    )
    link.refresh_from_db()
    assert (link.exit_reason, link.left_on, link.graduated_year) == ("mistaken", timezone.localdate(), 2026)
    listed = {i["credit_code"]: i for i in c.get("/api/carriers/A1/incubated").json()}
    assert listed[newcomer.credit_code]["left_on"] == timezone.localdate().isoformat()
    changes = ObjectChange.objects.filter(object_type="carriers.incubatedenterprise", object_id=str(link.pk))
    assert sorted(changes.values_list("action", flat=True)) == ["create", "update", "update"]
    assert set(changes.values_list("user", flat=True)) == {world.users["op_a"].pk}
    again = _send(c, "DELETE", url)
    assert again.status_code == 400 and again.json()["detail"].startswith("新入驻企业 已于")


def test_the_api_exit_takes_a_reason_and_a_date_and_refuses_bad_ones(world, login, newcomer):
    c = login("op_a")
    _post(c, "/api/carriers/A1/incubated", {"credit_code": newcomer.credit_code, "entered_year": 2024})
    url = f"/api/carriers/A1/incubated/{newcomer.credit_code}"
    for query, message in (
        ("?reason=gone", "退出原因：请选择：毕业、迁出、注销、误录"),
        ("?reason=moved&left_on=2023-12-31", "退出日期：不能早于入驻年度（2024）"),
        ("?reason=moved&left_on=2099-01-01", "退出日期：不能晚于今天"),
        ("?reason=moved&left_on=去年", "退出日期：应为日期"),
    ):
        r = _send(c, "DELETE", url + query)
        assert r.status_code == 400 and message in r.json()["detail"], (query, r.json())
    link = IncubatedEnterprise.objects.get(carrier=world.a, enterprise=newcomer)
    assert link.left_on is None and link.exit_reason == ""
    r = _send(c, "DELETE", url + "?reason=graduated&left_on=2025-06-30")
    assert r.status_code == 200 and (r.json()["graduated_year"], r.json()["left_on"]) == (2025, "2025-06-30")


@pytest.mark.parametrize(
    "body, message",
    [
        ({"credit_code": "91441900NOTHERE001", "entered_year": 2025}, "统一社会信用代码：企业库中没有"),
        ({"credit_code": "", "entered_year": 2025}, "统一社会信用代码：请填写"),
        ({"entered_year": 2025, "graduated_year": 2023}, "毕业年度：毕业年度不能早于入驻年度（2025）"),
        ({"entered_year": 1980}, "入驻年度：应为 2000–2100 之间的年份"),
        ({}, "入驻年度：请填写"),
    ],
)
def test_a_bad_incubated_enterprise_is_refused_and_nothing_is_written(world, login, newcomer, body, message):
    r = _post(login("op_a"), "/api/carriers/A1/incubated", {"credit_code": newcomer.credit_code} | body)
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not IncubatedEnterprise.objects.filter(enterprise=newcomer).exists()


def test_an_enterprise_already_incubated_is_edited_not_added_again(world, login):
    code = world.enterprises[0].credit_code
    r = _post(login("op_a"), "/api/carriers/A1/incubated", {"credit_code": code, "entered_year": 2024})
    assert r.status_code == 400 and "已是本载体的在孵（或毕业）企业" in r.json()["detail"]
    r = _send(login("op_a"), "PATCH", f"/api/carriers/A1/incubated/{code}", {"graduated_year": 2020})
    assert r.status_code == 400 and "毕业年度不能早于入驻年度（2022）" in r.json()["detail"]
    assert (
        IncubatedEnterprise.objects.get(carrier=world.a, enterprise=world.enterprises[0]).entered_year == 2022
    )


def test_only_the_carriers_operator_keeps_its_incubated_enterprises(world, login, newcomer):
    body = {"credit_code": newcomer.credit_code, "entered_year": 2025}
    code = world.enterprises[0].credit_code
    assert _post(login("op_b"), "/api/carriers/A1/incubated", body).status_code == 404
    assert _send(login("op_b"), "DELETE", f"/api/carriers/A1/incubated/{code}").status_code == 404
    assert _post(login("songshanhu"), "/api/carriers/A1/incubated", body).status_code == 403
    assert _post(login("enterprise"), "/api/carriers/A1/incubated", body).status_code == 403
    assert _send(login("op_a"), "DELETE", "/api/carriers/A1/incubated/91441900NOTHERE001").status_code == 404
    assert IncubatedEnterprise.objects.filter(carrier=world.a).count() == 10
    assert not IncubatedEnterprise.objects.filter(enterprise=newcomer).exists()
    assert _post(login("bureau"), "/api/carriers/A1/incubated", body).status_code == 201  # the bureau may


def test_an_institution_reports_its_target_values_without_overwriting(world, login):
    c = login("op_inst")
    url = "/api/carriers/I1/targets/values"
    r = _post(c, url, {"year": 2025, "values": [{"target": "T1", "value": 180}]})
    assert r.status_code == 400 and "「研发投入」2025 年已报送 175；如需更正" in r.json()["detail"]
    value = TargetValue.objects.get(target__carrier=world.institution, year=2025)
    assert value.value == 175
    assert _post(c, url, {"year": 2025, "values": [{"target": "T1", "value": 175}]}).status_code == 200
    r = _post(c, url, {"year": 2025, "values": [{"target": "T1", "value": 180}], "correct": True})
    assert r.status_code == 200 and r.json()[0]["value"] == 180
    value.refresh_from_db()
    assert value.value == 180
    change = ObjectChange.objects.get(object_type="carriers.targetvalue", object_id=str(value.pk))
    assert (
        change.before["value"] == 175
        and change.after["value"] == 180
        and change.user == world.users["op_inst"]
    )
    r = _post(c, url, {"year": 2026, "values": [{"target": "T1", "value": 190}]})
    assert r.status_code == 200 and c.get("/api/carriers/I1/targets?year=2026").json()[0]["value"] == 190


@pytest.mark.parametrize(
    "body, message",
    [
        ({"year": 2026, "values": [{"target": "T9", "value": 1}]}, "目标：该载体没有编号为 T9 的目标"),
        ({"year": 2026, "values": [{"target": "T1", "value": None}]}, "实际值：请至少填写一个目标的实际值"),
        ({"values": [{"target": "T1", "value": 1}]}, "年度：请填写"),
        ({"year": 2100, "values": [{"target": "T1", "value": 1}]}, "年度：不能报送未来年度的实际值"),
        (
            {"year": 2026, "values": [{"target": "T1", "value": 1}, {"target": " T1", "value": 2}]},
            "目标：「T1」在本次报送中出现了不止一次，每个目标只填一个值",
        ),
    ],
)
def test_bad_target_values_are_refused_and_nothing_is_written(world, login, body, message):
    r = _post(login("op_inst"), "/api/carriers/I1/targets/values", body)
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not TargetValue.objects.filter(year__in=(2026, 2100)).exists()


def test_only_the_institution_reports_its_targets(world, login):
    body = {"year": 2026, "values": [{"target": "T1", "value": 1}]}
    assert _post(login("op_a"), "/api/carriers/I1/targets/values", body).status_code == 404
    assert _post(login("songshanhu"), "/api/carriers/I1/targets/values", body).status_code == 403
    assert _post(login("individual"), "/api/carriers/I1/targets/values", body).status_code == 403
    assert not TargetValue.objects.filter(year=2026).exists()
    r = _post(login("op_a"), "/api/carriers/A1/targets/values", body)
    assert r.status_code == 400 and r.json()["detail"] == "该载体没有「一院一策」目标"


def test_the_investment_has_its_year_and_a_bad_one_is_refused(world, login, newcomer):
    c = login("op_a")
    body = {"credit_code": newcomer.credit_code, "entered_year": 2024, "invested": True}
    r = _post(c, "/api/carriers/A1/incubated", body | {"invested_year": 2023})
    assert r.status_code == 400 and "股权投资年度：股权投资年度不能早于入驻年度（2024）" in r.json()["detail"]
    r = _post(c, "/api/carriers/A1/incubated", body | {"invested": False, "invested_year": 2025})
    assert (
        r.status_code == 400
        and "股权投资年度：填写股权投资年度须同时勾选「载体股权投资」" in r.json()["detail"]
    )
    assert not IncubatedEnterprise.objects.filter(enterprise=newcomer).exists()
    r = _post(c, "/api/carriers/A1/incubated", body | {"invested_year": 2025})
    assert r.status_code == 201 and r.json()["invested_year"] == 2025
    url = f"/api/carriers/A1/incubated/{newcomer.credit_code}"
    r = _send(c, "PATCH", url, {"invested": False})  # no longer invested: its year goes too
    assert r.status_code == 200 and (r.json()["invested"], r.json()["invested_year"]) == (False, None)


def test_a_field_refusal_reads_in_the_readers_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from kechuang.carriers.api import _refused

    with translation.override("en"):
        refused = _refused(ValidationError({"hours_requested": ["too many"]}), Booking)
        assert refused.message == f"{Booking._meta.get_field('hours_requested').verbose_name}: too many"
        assert "：" not in refused.message
    assert _refused(ValidationError({"hours_requested": ["太多"]}), Booking).message.endswith("：太多")
