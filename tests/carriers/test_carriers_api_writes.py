"""The API as the users of the pages use it: an enterprise books an instrument (待审批, for the owner
to approve) and an applicant applies for a talent evaluation; bad input is refused with the Chinese
reason naming the field, nothing written; a role that may not is refused."""

from __future__ import annotations

import json

import pytest

from kechuang.carriers.models import Booking, TalentApplication

pytestmark = pytest.mark.django_db


def _post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


def test_an_enterprise_books_an_instrument_through_the_api(world, login):
    c = login("enterprise")
    r = _post(c, "/api/carriers/bookings", {"instrument": "Q1", "date": "2025-07-01", "hours_requested": 3})
    assert r.status_code == 201, r.content
    made = Booking.objects.get(pk=r.json()["id"])
    assert made.status == "requested" and made.applicant == world.users["enterprise"] and made.external
    assert r.json()["instrument"] == "Q1" and made.year == 2025
    # the owner sees it to approve; the enterprise lists it among its own
    assert made.pk in {b["id"] for b in c.get("/api/carriers/bookings").json()}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"instrument": "NOPE", "date": "2025-07-01", "hours_requested": 3}, "找不到仪器「NOPE」"),
        ({"instrument": "Q1", "hours_requested": 3}, "请填写使用日期"),
        ({"instrument": "Q1", "date": "2025-07-01", "hours_requested": 0.2}, "预约机时须不少于 0.5 小时"),
    ],
)
def test_a_bad_booking_is_refused_in_chinese_and_nothing_is_written(world, login, body, message):
    before = Booking.objects.count()
    r = _post(login("enterprise"), "/api/carriers/bookings", body)
    assert r.status_code == 400 and message in r.json()["detail"]
    assert Booking.objects.count() == before


def test_an_applicant_applies_through_the_api_and_bad_input_names_the_field(world, login):
    c = login("app_1")
    body = {
        "person_name": "王五",
        "id_number": "110101199001011234",
        "employer_name": "丙研究院",
        "region_code": "441900401",
        "route": "expert",
        "claimed_class": "B",
        "criterion": "B02",
        "evidence": "业绩",
    }
    r = _post(c, "/api/carriers/talent", body | {"claimed_class": "C"})
    assert r.status_code == 400 and "目录条目 B02 属于 B类，与申报类别 C类不符" in r.json()["detail"]
    r = _post(c, "/api/carriers/talent", body | {"person_name": ""})
    assert r.status_code == 400 and r.json()["detail"].startswith("姓名：")
    assert not TalentApplication.objects.exists()
    r = _post(c, "/api/carriers/talent", body)
    assert r.status_code == 201, r.content
    app = TalentApplication.objects.get(pk=r.json()["id"])
    assert app.applicant == world.users["app_1"] and app.status == "submitted" and app.id_number_hash
    assert r.json()["status"] == "submitted" and "110101" not in r.content.decode()


def test_only_an_individual_applies_and_an_expert_does_not_book(world, login):
    r = _post(login("enterprise"), "/api/carriers/talent", {"person_name": "甲"})
    assert r.status_code == 403
    r = _post(login("expert_1"), "/api/carriers/bookings", {"instrument": "Q1"})
    assert r.status_code == 403
    assert not TalentApplication.objects.exists()
