"""The withdrawal (摘牌 / 恢复认定) and 回避声明 operations of /api/carriers: the same steps and refusals as
the pages — an operator lists only its own carriers' withdrawals, only the bureau withdraws and
restores, an expert declares once (a conflict with its reason), only the bureau reads the declarations;
refusals in the API's one error shape {detail, errors}, nothing written."""

from __future__ import annotations

import json

import pytest

from kechuang.carriers import services
from kechuang.carriers.models import CarrierWithdrawal, TalentConflict

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_bureau_withdraws_and_restores_through_the_api(world, login):
    c = login("bureau")
    r = post(c, "/api/carriers/B1/withdrawal", {"reason": "弄虚作假"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["carrier"] == "B1" and body["level"] == "市级" and body["revoked_at"] is None
    world.b.refresh_from_db()
    assert world.b.status == "withdrawn"
    # a second withdrawal while it stands: 400 with the Chinese reason, nothing written
    r = post(c, "/api/carriers/B1/withdrawal", {"reason": "again"})
    assert r.status_code == 400 and r.json() == {"detail": "该载体的认定已经撤销", "errors": []}
    assert CarrierWithdrawal.objects.count() == 1
    # a missing reason
    r = post(c, "/api/carriers/B1/withdrawal/revoke", {"reason": " "})
    assert r.status_code == 400 and r.json()["detail"] == "请填写恢复认定的原因"
    r = post(c, "/api/carriers/B1/withdrawal/revoke", {"reason": "复核后恢复"})
    assert r.status_code == 200, r.content
    assert r.json()["revoke_reason"] == "复核后恢复" and r.json()["revoked_at"]
    world.b.refresh_from_db()
    assert world.b.status == "active"
    r = post(c, "/api/carriers/B1/withdrawal/revoke", {"reason": "复核后恢复"})
    assert r.status_code == 400 and "没有未恢复的撤销认定" in r.json()["detail"]
    listed = c.get("/api/carriers/withdrawals").json()
    assert [(w["carrier"], w["reason"], w["revoke_reason"]) for w in listed] == [
        ("B1", "弄虚作假", "复核后恢复")
    ]


def test_an_operator_sees_only_its_own_carriers_withdrawals(world, login):
    services.withdraw(world.a, "甲的原因", world.users["bureau"])
    services.withdraw(world.b, "乙的原因", world.users["bureau"])
    assert {w["carrier"] for w in login("op_b").get("/api/carriers/withdrawals").json()} == {"B1"}
    assert login("op_b").get("/api/carriers/withdrawals", {"carrier": "A1"}).json() == []
    assert {w["carrier"] for w in login("bureau").get("/api/carriers/withdrawals").json()} == {"A1", "B1"}
    assert login("expert_1").get("/api/carriers/withdrawals").status_code == 403


def test_no_one_but_the_bureau_withdraws_or_restores(world, login):
    for who in ("op_b", "leader", "humen"):
        r = post(login(who), "/api/carriers/B1/withdrawal", {"reason": "x"})
        assert r.status_code == 403 and r.json()["errors"] == [] and r.json()["detail"]
    world.b.refresh_from_db()
    assert world.b.status == "active" and not CarrierWithdrawal.objects.exists()
    services.withdraw(world.b, "弄虚作假", world.users["bureau"])
    assert post(login("op_b"), "/api/carriers/B1/withdrawal/revoke", {"reason": "x"}).status_code == 403
    assert CarrierWithdrawal.objects.get().revoked_at is None
    assert post(login("bureau"), "/api/carriers/NOPE/withdrawal", {"reason": "x"}).status_code == 404
    r = post(login("bureau"), "/api/carriers/A1/withdrawal", {"reason": "x", "evaluation": 999999})
    assert r.status_code == 400 and "找不到评价结果" in r.json()["detail"]


@pytest.fixture
def recommended(world):
    app = services.submit_application(
        world.users["app_1"],
        "110101199001011234",
        person_name="张三",
        employer_name="丙研究院",
        region_code="441900401",
        route="expert",
        claimed_class="B",
        criterion="B02",
    )
    return services.recommend(app, "同意推荐")


def test_an_expert_declares_once_and_the_bureau_reads_the_declarations(world, recommended, login):
    url = f"/api/carriers/talent/{recommended.pk}/declaration"
    r = post(login("expert_1"), url, {"conflict": True})
    assert r.status_code == 400 and r.json()["detail"] == "请填写回避原因"
    assert not TalentConflict.objects.exists()
    r = post(login("expert_1"), url, {"conflict": True, "reason": "近三年合作发表论文"})
    assert r.status_code == 201 and r.json()["conflict"] is True
    r = post(login("expert_1"), url, {"conflict": False})
    assert r.status_code == 400 and "已对该申请作过回避声明" in r.json()["detail"]
    for who in ("bureau", "app_1", "op_inst"):  # not experts
        assert post(login(who), url, {"conflict": False}).status_code == 403
    assert TalentConflict.objects.count() == 1
    listed = login("bureau").get(f"/api/carriers/talent/{recommended.pk}/declarations").json()
    assert [(d["conflict"], d["reason"]) for d in listed] == [(True, "近三年合作发表论文")]
    for who in ("expert_1", "app_1"):
        assert login(who).get(f"/api/carriers/talent/{recommended.pk}/declarations").status_code == 403
    assert login("bureau").get("/api/carriers/talent/999999/declarations").status_code == 404
    assert post(login("expert_1"), "/api/carriers/talent/999999/declaration", {}).status_code == 404


def test_a_declaration_before_the_recommendation_is_refused(world, recommended, login):
    recommended.status = "submitted"
    recommended.save()
    r = post(login("expert_1"), f"/api/carriers/talent/{recommended.pk}/declaration", {})
    assert r.status_code == 400 and r.json()["detail"] == "单位推荐后才能作回避声明"
