"""An exit recorded by mistake, or an enterprise moving back in, is undone by its operator (撤销退出, on
the page's 已退出的企业 table and the API, audited): the date and reason are cleared, and the graduation
year only when the graduation exit set it. Adding a left enterprise again is refused naming the exit
and pointing to 撤销退出; a left enterprise cannot be edited against its exit (entered after it left,
a graduation exit without a graduation year); a bad exit request is told its own fault first."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.carriers import upkeep
from kechuang.carriers.models import IncubatedEnterprise

pytestmark = pytest.mark.django_db

INCUBATED = "/carriers/c/A1/incubated/"


def _send(c, method, url, body=None):
    return c.generic(method, url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def newcomer(world):
    from kechuang.enterprises.models import Enterprise

    return Enterprise.objects.create(
        credit_code="91441900NEWCOMER01", name="新入驻企业", region_code="441900401"
    )


@pytest.fixture
def left(world, newcomer):
    """The newcomer, entered 2023, left by graduating on 2025-06-30 (the exit set its graduation year)."""
    link = upkeep.add_incubated(world.a, newcomer.credit_code, 2023)
    return upkeep.leave_incubated(link, "graduated", dt.date(2025, 6, 30))


def test_the_operator_undoes_an_exit_on_the_page_and_it_is_audited(world, login, left):
    assert left.graduated_year == 2025
    c = login("op_a")
    page = c.get(INCUBATED).content.decode()
    former = page[page.index('data-testid="incubated-former"') :]
    assert 'value="undo_exit"' in former and "撤销退出" in former
    r = c.post(INCUBATED, {"action": "undo_exit", "credit_code": left.enterprise.credit_code}, follow=True)
    page = r.content.decode()
    assert "已撤销退出：新入驻企业" in page
    left.refresh_from_db()
    # the exit's graduation year goes with the exit: back among the incubated, not graduated
    assert (left.left_on, left.exit_reason, left.graduated_year) == (None, "", None)
    current = page[page.index('data-testid="incubated-rows"') :]
    assert "新入驻企业" in current and 'data-testid="incubated-former"' not in page
    change = ObjectChange.objects.filter(
        object_type="carriers.incubatedenterprise", object_id=str(left.pk)
    ).latest("pk")
    assert change.action == "update" and change.user == world.users["op_a"]
    assert change.before["left_on"] == "2025-06-30" and change.after["left_on"] is None
    # nothing left to undo
    r = c.post(INCUBATED, {"action": "undo_exit", "credit_code": left.enterprise.credit_code}, follow=True)
    assert "新入驻企业 没有退出登记，无需撤销" in r.content.decode()


def test_undoing_keeps_a_graduation_year_the_operator_recorded(world, newcomer):
    link = upkeep.add_incubated(world.a, newcomer.credit_code, 2023, graduated_year=2024)
    upkeep.leave_incubated(link, "graduated", dt.date(2025, 6, 30))
    upkeep.undo_exit(link)
    link.refresh_from_db()
    assert (link.left_on, link.graduated_year) == (None, 2024)


def test_the_api_undoes_an_exit_for_the_operator_only(world, login, left):
    url = f"/api/carriers/A1/incubated/{left.enterprise.credit_code}/exit/revoke"
    assert _send(login("op_b"), "POST", url).status_code == 404
    assert _send(login("songshanhu"), "POST", url).status_code == 403
    left.refresh_from_db()
    assert left.left_on == dt.date(2025, 6, 30)
    c = login("op_a")
    r = _send(c, "POST", url)
    assert r.status_code == 200, r.content
    assert (r.json()["left_on"], r.json()["exit_reason"], r.json()["graduated_year"]) == (None, "", None)
    again = _send(c, "POST", url)
    assert again.status_code == 400 and again.json()["detail"] == "新入驻企业 没有退出登记，无需撤销"


def test_adding_a_left_enterprise_again_names_the_exit_and_points_to_undoing_it(world, login, left):
    code = left.enterprise.credit_code
    r = _send(
        login("op_a"), "POST", "/api/carriers/A1/incubated", {"credit_code": code, "entered_year": 2026}
    )
    detail = r.json()["detail"]
    assert r.status_code == 400 and "已于 2025-06-30 退出本载体（毕业）" in detail and "撤销退出" in detail
    assert "已是本载体的在孵" not in detail
    page = login("op_a").post(INCUBATED, {"action": "add", "credit_code": code, "entered_year": "2026"})
    assert "统一社会信用代码：新入驻企业 已于 2025-06-30 退出本载体（毕业）" in page.content.decode()
    assert IncubatedEnterprise.objects.filter(enterprise=left.enterprise).count() == 1


def test_a_left_enterprise_is_not_edited_against_its_exit(world, login, left):
    url = f"/api/carriers/A1/incubated/{left.enterprise.credit_code}"
    c = login("op_a")
    r = _send(c, "PATCH", url, {"entered_year": 2026})
    assert r.status_code == 400 and "入驻年度：不能晚于退出日期（2025-06-30）所在年度" in r.json()["detail"]
    r = _send(c, "PATCH", url, {"graduated_year": None})
    assert r.status_code == 400 and r.json()["detail"].startswith(
        "毕业年度：该企业已以毕业退出，毕业年度不能清空"
    )
    page = c.post(
        INCUBATED,
        {
            "action": "edit",
            "credit_code": left.enterprise.credit_code,
            "entered_year": "2023",
            "graduated_year": "",
        },
        follow=True,
    ).content.decode()
    assert "毕业年度：该企业已以毕业退出" in page
    left.refresh_from_db()
    assert (left.entered_year, left.graduated_year) == (2023, 2025)
    r = _send(c, "PATCH", url, {"entered_year": 2025})  # the year it left is allowed
    assert r.status_code == 200 and r.json()["entered_year"] == 2025


def test_a_bad_exit_request_is_told_its_own_fault_before_the_exit_on_record(world, login, left):
    url = f"/api/carriers/A1/incubated/{left.enterprise.credit_code}"
    c = login("op_a")
    r = _send(c, "DELETE", url + "?reason=gone")
    assert r.status_code == 400 and "退出原因：请选择" in r.json()["detail"]
    r = _send(c, "DELETE", url + "?reason=moved&left_on=去年")
    assert r.status_code == 400 and "退出日期：应为日期" in r.json()["detail"]
    r = _send(c, "DELETE", url + "?reason=moved")
    assert r.status_code == 400 and r.json()["detail"].startswith("新入驻企业 已于 2025-06-30 退出")


def test_the_refusal_on_an_english_page_marks_the_enterprise_name(world, login, left):
    world.users["op_a"].language = "en"
    world.users["op_a"].save(update_fields=["language"])
    c = login("op_a")
    page = c.post(
        INCUBATED, {"action": "add", "credit_code": left.enterprise.credit_code, "entered_year": "2026"}
    ).content.decode()
    assert '<span translate="no">新入驻企业</span> left this carrier on 2025-06-30 (Graduated)' in page
    page = c.get(INCUBATED).content.decode()
    assert ">Undo exit</button>" in page
