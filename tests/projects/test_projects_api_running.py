"""The API for reviewing and running projects, as the review and project pages: an expert declares a
conflict and scores its own assignment; the holder reports spending (包干制: negative-list flags
returned) and registers an ethics approval; the programme officer releases tranches (refused by
funding mode, ethics and failed acceptance as the page refuses) and records acceptance; the
exemption dossier (.docx) is downloaded. A refusal is a 400 naming the field and writes nothing; a
role without the right gets 403; what is out of one's scope is not found."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from docx import Document

from kechuang.projects import services
from kechuang.projects.models import (
    Acceptance,
    Assignment,
    Conflict,
    EthicsApproval,
    EthicsCommittee,
    Spending,
)
from tests.projects.conftest import apply, make_call

pytestmark = pytest.mark.django_db
START = dt.date(2026, 6, 1)
SHEET = {"技术指标先进性": 30, "技术成熟度与可行性": 20, "市场与用户评价": 20, "经费合理性": 10}


def post(client, path, body):
    return client.post(f"/api/projects/{path}", body, content_type="application/json")


def detail(response) -> str:
    return response.json()["detail"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def funded_project(world, call=None, org=None, n=1):
    application = apply(call or world.call, org or world.strong, n, requested=400)
    application.granted = application.requested
    application.save()
    return services.open_project(application, START)


# ---------------------------------------------------------------- an expert's review


@pytest.fixture
def assigned(world):
    """The enterprise's submitted application, assigned to expert1 only (expert2 is not assigned)."""
    application = apply(world.call, world.strong, 1)
    return Assignment.objects.create(expert=world.experts[0], application=application)


def test_an_expert_scores_its_assignment_on_the_class_sheet(world, assigned, client_for):
    expert = logged_in(world.experts[0])
    body = {"application": assigned.application.code, "items": SHEET, "comment": "路线清晰"}
    response = post(expert, "reviews/score", body)
    assert response.status_code == 200
    out = response.json()
    assert out["score"] == 80 and out["sheet"] == list(SHEET) and out["expert"] == "expert1"
    assigned.refresh_from_db()
    assert assigned.score == 80 and assigned.comment == "路线清晰"
    # the call's ranking (the bureau's) now counts it
    ranking = client_for("bureau").get(f"/api/projects/calls/{world.call.code}/ranking").json()
    assert ranking[0]["application"] == assigned.application.code and ranking[0]["experts"] == 1


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({**SHEET, "经费合理性": 16}, "评分项「经费合理性」应在 0–15 分之间，收到 16"),
        ({k: v for k, v in SHEET.items() if k != "市场与用户评价"}, "评分项「市场与用户评价」未填写"),
        ({**SHEET, "颜值": 5}, "评分项「颜值」不在该类项目的评分表中"),
    ],
)
def test_a_bad_scoring_sheet_is_refused_and_nothing_is_written(world, assigned, items, message):
    body = {"application": assigned.application.code, "items": items}
    response = post(logged_in(world.experts[0]), "reviews/score", body)
    assert response.status_code == 400 and detail(response) == message
    assigned.refresh_from_db()
    assert assigned.score is None and assigned.items in ({}, None)


def test_only_the_assigned_expert_scores_and_other_roles_are_refused(world, assigned, client_for):
    body = {"application": assigned.application.code, "items": SHEET}
    unassigned = post(logged_in(world.experts[1]), "reviews/score", body)
    assert unassigned.status_code == 400 and "找不到分配给您的申报" in detail(unassigned)
    assert post(client_for("enterprise"), "reviews/score", body).status_code == 403  # the applicant
    assert post(client_for("humen"), "reviews/score", body).status_code == 403
    # the bureau sees every review but scores none: it is not the assigned expert (as on the page)
    assert post(client_for("bureau"), "reviews/score", body).status_code == 400
    assigned.refresh_from_db()
    assert assigned.score is None


def test_an_expert_declares_a_conflict_and_can_no_longer_score(world, assigned, client_for):
    expert = logged_in(world.experts[0])
    code = assigned.application.code
    empty = post(expert, "reviews/conflict", {"application": code, "reason": "  "})
    assert empty.status_code == 400 and detail(empty) == "请填写回避原因"
    assert not Conflict.objects.exists()
    assert (
        post(
            logged_in(world.experts[1]), "reviews/conflict", {"application": code, "reason": "同事"}
        ).status_code
        == 400
    )
    assert (
        post(client_for("enterprise"), "reviews/conflict", {"application": code, "reason": "x"}).status_code
        == 403
    )
    assert not Conflict.objects.exists()
    declared = post(expert, "reviews/conflict", {"application": code, "reason": "近三年合作"})
    assert declared.status_code == 200 and declared.json()["reason"] == "近三年合作"
    assert Conflict.objects.get().expert == world.experts[0]
    refused = post(expert, "reviews/score", {"application": code, "items": SHEET})
    assert refused.status_code == 400 and "已声明回避" in detail(refused)


# ---------------------------------------------------------------- the holder: spending and ethics


def test_the_holder_reports_spending_and_sees_the_negative_list_flags(world, client_for):
    project = funded_project(world)
    enterprise = client_for("enterprise")
    body = {"project": project.code, "spent_on": "2026-07-01", "category": "equipment",
            "description": "采购示波器", "amount": 30}  # fmt: skip
    fine = post(enterprise, "spending", body)
    assert fine.status_code == 201 and fine.json()["flagged"] is False and fine.json()["reason"] == ""
    flagged = post(enterprise, "spending", {**body, "category": "travel", "description": "项目评审会宴请"})
    assert flagged.status_code == 201 and flagged.json()["flagged"] is True
    assert "招待、宴请与礼品" in flagged.json()["reason"]
    assert list(project.spending.values_list("flagged", flat=True).order_by("pk")) == [False, True]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "yacht"}, "支出类别「yacht」不在可选类别中"),
        ({"amount": 0}, "支出金额须大于 0"),
        ({"description": " "}, "请填写支出摘要"),
        ({"spent_on": None}, "请填写支出日期"),
    ],
)
def test_bad_spending_is_refused_and_nothing_is_written(world, client_for, change, message):
    project = funded_project(world)
    body = {"project": project.code, "spent_on": "2026-07-01", "category": "equipment",
            "description": "采购示波器", "amount": 30, **change}  # fmt: skip
    response = post(client_for("enterprise"), "spending", body)
    assert response.status_code == 400 and message in detail(response)
    assert not Spending.objects.exists()


def test_spending_only_by_the_holder(world, client_for):
    project = funded_project(world)
    body = {"project": project.code, "spent_on": "2026-07-01", "category": "equipment",
            "description": "采购", "amount": 1}  # fmt: skip
    assert post(client_for("songshanhu"), "spending", body).status_code == 403  # its town reads only
    assert post(client_for("leader"), "spending", body).status_code == 403
    other = post(client_for("university"), "spending", body)  # another organisation's project
    assert other.status_code == 400 and "找不到项目" in detail(other)
    assert not Spending.objects.exists()


def test_an_ethics_approval_is_registered_and_lets_the_funds_go(world, client_for):
    project = funded_project(world, make_call("T-AI", field="人工智能"))
    first = project.tranches.order_by("number").first()
    bureau = client_for("bureau")
    blocked = post(bureau, "tranches/release", {"project": project.code, "number": 1})
    assert blocked.status_code == 400 and "伦理审查批件" in detail(blocked)
    EthicsCommittee.objects.create(name="东莞市人工智能伦理委员会", registration="AI-01", fields=["人工智能"],
                                   valid_until=dt.date(2028, 12, 31))  # fmt: skip
    body = {"project": project.code, "committee": "东莞市人工智能伦理委员会", "committee_registration": "AI-01",
            "number": "", "approved_on": "2026-05-20"}  # fmt: skip
    empty = post(client_for("enterprise"), "ethics", body)
    assert empty.status_code == 400 and detail(empty) == "请填写批件号"
    future = post(client_for("enterprise"), "ethics", {**body, "number": "EC-1", "approved_on": "2099-01-01"})
    assert future.status_code == 400 and "批准日期" in detail(future)
    assert post(client_for("songshanhu"), "ethics", {**body, "number": "EC-1"}).status_code == 403
    assert post(client_for("university"), "ethics", {**body, "number": "EC-1"}).status_code == 400
    assert not EthicsApproval.objects.exists()
    done = post(client_for("enterprise"), "ethics", {**body, "number": "EC-1"})
    assert done.status_code == 201 and done.json()["missing"] == []
    released = post(bureau, "tranches/release", {"project": project.code, "number": 1})
    assert released.status_code == 200 and released.json()["released_on"]
    first.refresh_from_db()
    assert first.released_on is not None


# ---------------------------------------------------------------- the programme officer


def test_tranches_are_released_by_funding_mode_and_refused_as_on_the_page(world, client_for):
    project = funded_project(world)
    bureau = client_for("bureau")
    early = post(bureau, "tranches/release", {"project": project.code, "number": 2})
    assert early.status_code == 400 and "前一期尚未拨付" in detail(early)
    assert (
        post(client_for("enterprise"), "tranches/release", {"project": project.code, "number": 1}).status_code
        == 403
    )
    assert (
        post(client_for("leader"), "tranches/release", {"project": project.code, "number": 1}).status_code
        == 403
    )
    assert not project.tranches.filter(released_on__isnull=False).exists()
    first = post(
        bureau, "tranches/release", {"project": project.code, "number": 1, "released_on": "2026-06-15"}
    )
    assert first.status_code == 200 and first.json() == {
        "project": project.code, "number": 1, "amount": 200.0, "trigger": project.tranches.get(number=1).trigger,
        "released_on": "2026-06-15",
    }  # fmt: skip
    again = post(bureau, "tranches/release", {"project": project.code, "number": 1})
    assert again.status_code == 400 and "已于 2026-06-15 拨付" in detail(again)
    missing = post(bureau, "tranches/release", {"project": project.code, "number": 9})
    assert missing.status_code == 400 and "没有第 9 期拨付" in detail(missing)


def test_during_funding_waits_for_the_verified_milestone(world, client_for):
    project = funded_project(world, make_call("T-DUR", funding_mode="during"))
    response = post(client_for("bureau"), "tranches/release", {"project": project.code, "number": 1})
    assert response.status_code == 400 and "里程碑 1「良率达标」尚未核验" in detail(response)


def acceptance_body(project, yield_value=96, power=1.1, **over):
    return {
        "project": project.code, "decided_on": "2028-06-01", "conditions": "",
        "results": [
            {"indicator": "良率", "measured": yield_value, "method": "第三方测试", "by": "检测院"},
            {"indicator": "功耗", "measured": power, "method": "真实应用场景考核", "by": "用户单位"},
        ],
        **over,
    }  # fmt: skip


def test_the_programme_officer_records_acceptance_and_a_failed_project_gets_no_more_funds(world, client_for):
    project = funded_project(world)
    bureau = client_for("bureau")
    assert post(bureau, "tranches/release", {"project": project.code, "number": 1}).status_code == 200
    response = post(bureau, "acceptance", acceptance_body(project, 80, 1.5))
    assert response.status_code == 200
    out = response.json()
    assert out["outcome"] == "failed" and [r["indicator"] for r in out["results"]] == ["良率", "功耗"]
    assert out["results"][0]["method"] == "第三方测试" and out["results"][0]["measured"] == 80
    project.refresh_from_db()
    assert project.stage == "failed"
    for m in project.milestones.all():
        services.report_milestone(m, 80, on=m.due_on)
        services.verify_milestone(m)
    refused = post(bureau, "tranches/release", {"project": project.code, "number": 2})
    assert refused.status_code == 400 and "项目验收不通过，已停止拨付" in detail(refused)
    passed = post(bureau, "acceptance", acceptance_body(project))
    assert passed.json()["outcome"] == "passed"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"results": [{"indicator": "良率", "measured": 96, "method": "第三方测试", "by": "检测院"}]},
         "缺少考核指标的验收结果：功耗"),
        ({"results": [{"indicator": "良率", "measured": 96, "method": "专家打分", "by": "检测院"},
                      {"indicator": "功耗", "measured": 1, "method": "第三方测试", "by": "x"}]},
         "指标「良率」的核验方式应为第三方测试或真实应用场景考核"),
        ({"results": [{"indicator": "良率", "measured": 96, "method": "第三方测试", "by": ""},
                      {"indicator": "功耗", "measured": 1, "method": "第三方测试", "by": "x"}]},
         "指标「良率」请填写核验机构"),
        ({"results": [{"indicator": "产能", "measured": 1, "method": "第三方测试", "by": "x"}]},
         "指标「产能」不是该项目的考核指标"),
        ({"decided_on": None}, "请填写验收日期"),
    ],
)  # fmt: skip
def test_a_bad_acceptance_is_refused_and_nothing_is_written(world, client_for, over, message):
    project = funded_project(world)
    response = post(client_for("bureau"), "acceptance", acceptance_body(project, **over))
    assert response.status_code == 400 and message in detail(response)
    assert not Acceptance.objects.exists()
    project.refresh_from_db()
    assert project.stage == "running"


def test_only_the_programme_officer_records_acceptance(world, client_for):
    project = funded_project(world)
    for persona in ("enterprise", "songshanhu", "leader"):
        assert post(client_for(persona), "acceptance", acceptance_body(project)).status_code == 403
    assert not Acceptance.objects.exists()


# ---------------------------------------------------------------- the exemption dossier


def test_the_exemption_dossier_is_downloaded_by_those_who_see_the_project(world, client_for):
    project = funded_project(world)
    url = f"/api/projects/{project.code}/exemption"
    running = client_for("enterprise").get(url)
    assert running.status_code == 400 and "未被认定为验收不通过" in detail(running)
    services.record_acceptance(project, services.acceptance_results(project, acceptance_body(project, 80, 1.5)["results"]),
                               on=dt.date(2028, 6, 1))  # fmt: skip
    for persona in ("enterprise", "songshanhu", "bureau"):
        response = client_for(persona).get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert f"责任豁免材料：{project.title}" in text and "缺项" in text
    assert client_for("humen").get(url).status_code == 404  # another town's project
    assert client_for("university").get(url).status_code == 404
    assert client_for("bank").get(url).status_code == 403
