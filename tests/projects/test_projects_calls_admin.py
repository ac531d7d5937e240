"""The bureau writes, edits and closes calls (申报指南) on the web, with checks a programme officer
would expect; applicants cannot."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kechuang.projects.models import Call

pytestmark = pytest.mark.django_db

FORM = {
    "code": "ZD2027-01", "title": "新型显示材料攻关", "mode": "open_competition", "project_class": "applied",
    "field": "新材料", "problem": "柔性显示基板耐折性不足",
    "goals": json.dumps([{"indicator": "耐弯折次数", "target": 200000, "unit": "次", "higher_is_better": True, "key": True}]),
    "reward": "500", "eligibility": "", "funding_mode": "during", "budget": "1000", "max_per_project": "500",
    "pass_mark": "60", "opens_on": "2027-01-01", "closes_on": "2027-03-31",
}  # fmt: skip


def test_the_bureau_writes_a_call_and_bad_input_is_named_field_by_field(client_for, personas):
    bureau = client_for("bureau")
    bad = {**FORM, "mode": "competitive", "max_per_project": "2000", "closes_on": "2026-12-01"}
    page = bureau.post("/projects/calls/new/", bad).content.decode()
    assert "单项资助上限须大于 0 且不超过总预算" in page
    assert "揭榜奖励只适用于「揭榜挂帅」" in page and "截止申报日期早于开始申报日期" in page
    no_target = {**FORM, "goals": json.dumps([{"indicator": "耐弯折次数"}])}
    assert (
        "须列出至少一项有目标值的技术指标" in bureau.post("/projects/calls/new/", no_target).content.decode()
    )
    assert not Call.objects.exists()
    assert bureau.post("/projects/calls/new/", FORM).status_code == 302
    call = Call.objects.get()
    assert call.status == "open" and float(call.reward) == 500
    assert client_for("enterprise").post("/projects/calls/new/", {**FORM, "code": "X"}).status_code == 403


def test_the_bureau_closes_and_reopens_a_call_and_a_closed_call_takes_no_application(client_for, world):
    call = world.call
    call.opens_on, call.closes_on = dt.date(2020, 1, 1), dt.date(2099, 12, 31)
    call.save()
    bureau = client_for("bureau")
    assert (
        client_for("enterprise").post(f"/projects/calls/{call.pk}/decide/", {"action": "close"}).status_code
        == 403
    )
    page = bureau.post(
        f"/projects/calls/{call.pk}/decide/", {"action": "close"}, follow=True
    ).content.decode()
    call.refresh_from_db()
    assert call.status == "review" and "指南已停止征集，进入评审" in page
    assert client_for("enterprise").get(f"/projects/calls/{call.pk}/apply/").status_code == 403
    bureau.post(f"/projects/calls/{call.pk}/decide/", {"action": "reopen"})
    call.refresh_from_db()
    assert call.status == "open"
    call.status, call.closes_on = "review", dt.date(2020, 6, 30)
    call.save()
    page = bureau.post(
        f"/projects/calls/{call.pk}/decide/", {"action": "reopen"}, follow=True
    ).content.decode()
    call.refresh_from_db()
    assert call.status == "review" and "已过截止日期 2020-06-30" in page


def test_a_decided_call_cannot_be_edited(client_for, world):
    call = world.call
    call.status = "decided"
    call.save()
    bureau = client_for("bureau")
    assert "修改指南" not in bureau.get(f"/projects/calls/{call.pk}/").content.decode()
    form = {**FORM, "code": call.code, "mode": "competitive", "reward": "", "goals": "[]"}
    page = bureau.post(f"/projects/calls/{call.pk}/edit/", form).content.decode()
    assert "该指南已立项，不能再修改" in page
    call.refresh_from_db()
    assert call.title == "测试指南"
