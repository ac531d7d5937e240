"""Running a project: tranches by funding mode, ethics before funds, negative-list flags, acceptance,
exemption dossiers with their gaps, security warning levels."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from kechuang.projects import services
from kechuang.projects.models import (
    EthicsApproval,
    EthicsCommittee,
    Project,
    SecurityIndicator,
    SecurityReading,
)
from tests.projects.conftest import apply, make_call

pytestmark = pytest.mark.django_db
START = dt.date(2026, 6, 1)


def funded_project(world, call=None, requested=400) -> Project:
    call = call or world.call
    application = apply(call, world.strong, 1, requested=requested)
    application.granted = application.requested
    application.save()
    return services.open_project(application, START)


def test_before_funding_is_paid_in_three_tranches_each_with_its_condition(world):
    project = funded_project(world)
    first, second, third = project.tranches.order_by("number")
    assert [float(t.amount) for t in (first, second, third)] == [200, 120, 80]
    assert services.release_blockers(first) == []
    assert "前一期尚未拨付" in services.release_blockers(second)
    services.release(first, on=START)
    assert any("至少一半里程碑已核验" in r for r in services.release_blockers(second))
    for m in project.milestones.all():
        services.report_milestone(m, 96, on=m.due_on)
        services.verify_milestone(m)
    services.release(second, on=START)
    with pytest.raises(services.ProjectError, match="须验收通过"):
        services.release(third)


def test_during_funding_follows_the_milestones(world):
    call = make_call("T-02", funding_mode="during")
    project = funded_project(world, call)
    tranches = list(project.tranches.order_by("number"))
    assert len(tranches) == 2 and {t.trigger for t in tranches} == {"milestone"}
    with pytest.raises(services.ProjectError, match="里程碑 1「良率达标」尚未核验"):
        services.release(tranches[0])
    milestone = tranches[0].milestone
    with pytest.raises(services.ProjectError, match="尚未报告"):
        services.verify_milestone(milestone)
    services.report_milestone(milestone, 95.5, on=milestone.due_on)
    services.verify_milestone(milestone)
    assert services.release(tranches[0]).released_on


def test_post_subsidy_pays_everything_once_the_results_are_verified(world):
    call = make_call("T-03", mode="post_subsidy", funding_mode="after")
    project = funded_project(world, call)
    (only,) = project.tranches.all()
    assert only.trigger == "results" and float(only.amount) == 400
    assert services.release_blockers(only) == ["须验收通过（成果核验）后拨付"]
    services.record_acceptance(project, _results(96, 1.1), on=dt.date(2027, 6, 1))
    assert services.release(only).released_on


def test_funds_of_a_project_in_a_listed_field_wait_for_an_ethics_approval(world):
    call = make_call("T-04", field="人工智能")
    project = funded_project(world, call)
    first = project.tranches.order_by("number").first()
    blockers = services.release_blockers(first)
    assert blockers == ["「人工智能」领域项目须取得已备案伦理委员会的批准（伦理审查批件）后方可拨付经费"]
    assert services.computed_values(dt.date(2026, 7, 1))["ethics_missing"].value == 1
    committee = EthicsCommittee.objects.create(
        name="东莞市人工智能伦理委员会",
        registration="AI-01",
        fields=["人工智能"],
        valid_until=dt.date(2028, 1, 1),
    )
    EthicsApproval.objects.create(project=project, committee=committee.name, committee_registration="AI-01",
                                  registered_committee=committee, number="EC-2026-01", approved_on=START)  # fmt: skip
    assert services.release_blockers(first) == []
    assert services.computed_values(dt.date(2026, 7, 1))["ethics_missing"].value == 0


def test_spending_on_the_negative_list_is_flagged_not_refused(world):
    project = funded_project(world)
    fine = services.add_spending(project, START, "equipment", "采购示波器", 30)
    by_category = services.add_spending(project, START, "fines", "税务滞纳", 0.5)
    by_words = services.add_spending(project, START, "travel", "项目评审会宴请", 0.8)
    assert not fine.flagged and fine.reason == ""
    assert by_category.flagged and by_category.reason == "负面清单：罚款、滞纳金与捐赠"
    assert by_words.flagged and by_words.reason == "负面清单：招待、宴请与礼品"
    with pytest.raises(services.ProjectError, match="须大于 0"):
        services.add_spending(project, START, "equipment", "退款", 0)


def _results(yield_value, power):
    return [
        {"indicator": "良率", "target": 95, "measured": yield_value, "higher_is_better": True, "key": True,
         "method": "第三方测试", "by": "检测院"},
        {"indicator": "功耗", "target": 1.2, "measured": power, "higher_is_better": False, "key": False,
         "method": "真实应用场景考核", "by": "用户单位"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("yield_value", "power", "outcome"),
    [(96, 1.1, "passed"), (95, 1.5, "conditional"), (90, 1.0, "failed"), (None, 1.0, "failed")],
)
def test_acceptance_passes_passes_with_conditions_or_fails(world, yield_value, power, outcome):
    project = funded_project(world)
    acceptance = services.record_acceptance(project, _results(yield_value, power), on=dt.date(2028, 6, 1))
    assert acceptance.outcome == outcome
    project.refresh_from_db()
    assert project.stage == outcome


def test_a_project_that_failed_acceptance_gets_no_further_tranche_and_no_stake_form(world, client_for):
    project = funded_project(world)
    first, second, _third = project.tranches.order_by("number")
    services.release(first, on=START)
    for m in project.milestones.all():
        services.report_milestone(m, 80, on=m.due_on)
        services.verify_milestone(m)
    assert services.release_blockers(second) == []  # the mid-term condition is met ...
    services.record_acceptance(project, _results(80, 1.5), on=dt.date(2028, 6, 1))
    assert "项目验收不通过，已停止拨付" in services.release_blockers(second)  # ... but the project failed
    with pytest.raises(services.ProjectError, match="验收不通过"):
        services.release(second)
    second.refresh_from_db()
    assert second.released_on is None
    page = client_for("bureau").get(f"/projects/list/{project.pk}/").content.decode()
    assert "项目验收不通过，已停止拨付" in page and 'value="convert"' not in page


def _dossier_text(project) -> str:
    doc = Document(io.BytesIO(services.exemption_dossier(project)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_failed_project_with_due_diligence_gets_a_dossier_without_gaps(world):
    project = funded_project(world)
    for m in project.milestones.all():
        services.report_milestone(m, 80, on=m.due_on - dt.timedelta(days=2))
    services.record_acceptance(project, _results(80, 1.5), on=dt.date(2028, 6, 1))
    project.failure_reason = "technical_route"
    project.failure_explanation = "工艺路线无法突破良率瓶颈"
    project.save()
    assert services.exemption_gaps(project) == []
    text = _dossier_text(project)
    assert "责任豁免材料" in text and "按期报告里程碑：2/2" in text and "无缺项" in text


def test_the_dossier_lists_every_gap(world):
    project = funded_project(world)
    first = project.milestones.first()
    services.report_milestone(first, 80, on=first.due_on + dt.timedelta(days=30))  # late; the second never
    services.add_spending(project, START, "entertainment", "礼品", 1)
    services.record_acceptance(project, _results(80, 1.5), on=dt.date(2028, 6, 1))
    project.procedures_followed = False
    project.save()
    gaps = services.exemption_gaps(project)
    assert gaps == [
        "按期报告的里程碑 0/2 个，低于 80% 的要求",
        "未确认按规定程序履行立项、变更与报告手续",
        "失败原因未认定为技术路线或不可抗力",
        "缺少失败原因的书面说明",
        "有 1 笔支出触及负面清单",
    ]
    text = _dossier_text(project)
    for gap in gaps:
        assert gap in text
    assert "未报告" in text  # the second milestone's row


def test_a_project_that_did_not_fail_needs_no_dossier(world):
    project = funded_project(world)
    with pytest.raises(services.ProjectError, match="无需责任豁免材料"):
        services.exemption_dossier(project)


def test_security_warning_levels_from_thresholds_and_platform_data(world):
    high = SecurityIndicator.objects.create(code="dep", name="单一境外供应商依赖", yellow=30, red=50)
    low = SecurityIndicator.objects.create(code="talent", name="本地研发人员占比", yellow=40, red=20,
                                           higher_is_worse=False)  # fmt: skip
    SecurityIndicator.objects.create(
        code="key_core_overdue", name="逾期里程碑", yellow=1, red=3, computed=True
    )
    SecurityIndicator.objects.create(code="none", name="无数据指标", yellow=1, red=2)
    SecurityReading.objects.create(indicator=high, period="2025", value=50)
    SecurityReading.objects.create(indicator=low, period="2025", value=35)
    call = make_call("T-05", key_core=True)
    funded_project(world, call)  # its first milestone falls due on 2027-06-01 and is never reported
    board = {r.indicator.code: r for r in services.security_board(dt.date(2027, 7, 1))}
    assert board["dep"].level == "red" and board["dep"].level_label == "红色预警"
    assert board["talent"].level == "yellow"
    assert board["key_core_overdue"].value == 1 and board["key_core_overdue"].level == "yellow"
    assert board["none"].level is None


def test_a_race_keeps_the_stronger_team_at_the_stage_gate_and_stops_the_other(world):
    call = make_call("T-06", race_keep=1, budget=2000)
    teams = []
    for n, org in ((1, world.strong), (2, world.university)):
        application = apply(call, org, n, requested=400)
        application.granted = application.requested
        application.save()
        teams.append(services.open_project(application, START))
    gate_day = teams[0].milestones.get(number=1).due_on
    with pytest.raises(services.ProjectError, match="尚无到期的里程碑"):
        services.race_gate(call, START)
    for project, value in zip(teams, (96.0, 90.0), strict=True):
        services.report_milestone(project.milestones.get(number=1), value, on=gate_day)
    result = services.race_gate(call, gate_day)
    assert result.select("project", "kept").rows() == [(teams[0].code, True), (teams[1].code, False)]
    weaker = Project.objects.get(pk=teams[1].pk)
    assert weaker.stage == "dropped"
    assert "赛马制阶段评估未通过，已停止拨付" in services.release_blockers(weaker.tranches.first())
    with pytest.raises(services.ProjectError, match="未采用赛马制"):
        services.race_gate(world.call, gate_day)


def test_patent_concentration_is_computed_from_the_registry_and_warns_on_the_security_page(world, client_for):
    """重点领域发明专利前五名持有人集中度: the most concentrated field (with more than five holders) of the
    registry's latest year; a department cannot enter it; the page names the field."""
    from kechuang.enterprises.models import Enterprise, Fact

    def holder(n: int, field: str, patents: dict[int, int]):
        ent = Enterprise.objects.create(credit_code=f"91441900PAT{n:06d}", name=f"专利持有人{n}",
                                        region_code="441900401", tech_field=field)  # fmt: skip
        for year, count in patents.items():
            Fact.objects.create(enterprise=ent, year=year, invention_patents=count)

    for n, count in enumerate((40, 20, 10, 10, 10, 5, 5), start=1):  # 航空航天: the top five hold 90 of 100
        holder(n, "航空航天", {2024: count, 2023: 1})
    for n in range(10, 22):  # 电子信息: 12 holders of 10 each, the top five hold 41.7 %
        holder(n, "电子信息", {2024: 10})
    holder(30, "新材料", {2024: 50})  # one holder only: 100 % by construction, not counted
    indicator = SecurityIndicator.objects.create(
        code="patent_concentration", name="重点领域发明专利前五名持有人集中度", unit="%", yellow=60, red=80,
        computed=True,
    )  # fmt: skip
    row = {r.indicator.code: r for r in services.security_board(dt.date(2026, 7, 1))}["patent_concentration"]
    assert (row.value, row.period, row.level, row.detail) == (90.0, "2024", "red", "航空航天")
    with pytest.raises(services.ProjectError, match="由平台数据计算，无需填报"):
        services.record_reading(indicator, "2025", 10.0, "市场监管局")
    body = client_for("bureau").get("/projects/security/").content.decode()
    assert 'data-testid="security-detail"' in body and "航空航天" in body
    (api,) = [
        r for r in client_for("bureau").get("/api/projects/security").json() if r["code"] == indicator.code
    ]
    assert (api["value"], api["level"], api["computed"], api["detail"]) == (90.0, "red", True, "航空航天")
    # four more holders of 10 in 航空航天: the top five hold 90 of 140, below red
    for n in range(40, 44):
        holder(n, "航空航天", {2024: 10})
    row = {r.indicator.code: r for r in services.security_board(dt.date(2026, 7, 1))}["patent_concentration"]
    assert row.value == pytest.approx(100 * 90 / 140, abs=0.05) and row.level == "yellow"


def test_the_race_gate_message_counts_teams_as_english_does(world, personas, client_for):
    """Issue 9 §5: 'Race stage gate: 1 team kept, 2 teams dropped' for an English officer."""
    call = make_call("T-07", race_keep=1, budget=2000)
    for n, (org, value) in enumerate(
        ((world.strong, 96.0), (world.university, 90.0), (world.strong, 80.0)), 1
    ):
        application = apply(call, org, n, requested=400)
        application.granted = application.requested
        application.save()
        project = services.open_project(application, START)
        project.milestones.exclude(number=1).update(due_on=dt.date(2099, 1, 1))  # only the first is due
        project.milestones.filter(number=1).update(due_on=START)
        services.report_milestone(project.milestones.get(number=1), value, on=START)
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").post(f"/projects/calls/{call.pk}/decide/", {"action": "gate"}, follow=True)
    assert "Race stage gate: 1 team kept, 2 teams dropped" in page.content.decode()
    assert Project.objects.filter(application__call=call, stage="dropped").count() == 2
