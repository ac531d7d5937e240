"""The demo of 重大科技项目: every organisation mode, a consortium, reviews, projects at each stage,
warnings — and a second run writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.projects import demo, services, stakes
from kechuang.projects.models import (
    Application,
    Assignment,
    Call,
    Conflict,
    Milestone,
    Project,
    ProjectEvaluation,
    Stake,
)
from kechuang.projects.vocabulary import STAKE_FUND_EN

pytestmark = pytest.mark.django_db


def test_the_demo_covers_the_modes_and_stages_and_is_idempotent(org_tree):
    from kechuang.enterprises.models import Enterprise, Fact

    for n, patents in enumerate((30, 20, 10, 5, 5, 2)):  # a concentrated field: the patent indicator is red
        ent = Enterprise.objects.create(
            credit_code=f"91441900PAT{n:06d}", name=f"专利持有人{n}", tech_field="航空航天"
        )
        Fact.objects.create(enterprise=ent, year=2025, invention_patents=patents)
    lines = demo.load_demo(seed=2026)
    assert any("竞争择优" in line for line in lines) and any("科技安全" in line for line in lines)
    assert set(Call.objects.values_list("mode", flat=True)) == {
        "competitive", "open_competition", "directed", "owner", "post_subsidy"
    }  # fmt: skip
    assert Application.objects.filter(consortium=True).exists()
    assert Conflict.objects.exists()
    assert Assignment.objects.filter(expert__username="pj_expert", score__isnull=True).exists()
    stages = set(Project.objects.values_list("stage", flat=True))
    assert {"running", "passed", "conditional", "failed"} <= stages
    # the demo applicant's account has a running project to report on (and one application under review)
    assert Project.objects.filter(applicant__code="pj_applicant_org", stage="running").exists()
    assert Application.objects.filter(applicant__code="pj_applicant_org", status="submitted").exists()
    failed = Project.objects.filter(stage="failed").first()
    assert services.exemption_dossier(failed)[:2] == b"PK"  # a .docx
    as_of = dt.date(2027, 1, 1)  # after the demo's exits (2026), within the third stake's holding period
    status = {r["status"] for r in stakes.stake_rows(Stake.objects.all(), as_of)}
    assert {"exited", "partly_exited", "locked"} <= status  # 补改投: one bought back, one partly sold
    # 分类评价: projects of each class evaluated (the basic one mid-term), one with evidence missing
    evaluated = ProjectEvaluation.objects.select_related("project__application__call")
    assert {e.project.application.call.project_class for e in evaluated} == {
        "basic",
        "applied",
        "demonstration",
    }
    assert {e.period for e in evaluated} == {"中期评价", "结题评价"}
    assert [e.gaps for e in evaluated if e.gaps] == [
        ["用户评价：用户使用评价意见", "市场检验：销售合同或订单"]
    ]
    assert all(0 <= e.total <= 100 and e.evaluated_by.username == "pj_officer" for e in evaluated)
    # issue 9 §5: every call, application, project and milestone has its English name, every goal its
    # indicator's; the stakes' fund is named in English
    assert not Call.objects.filter(title_en="").exists() and not Call.objects.filter(problem_en="").exists()
    assert (
        not Application.objects.filter(title_en="").exists()
        and not Project.objects.filter(title_en="").exists()
    )
    assert not Milestone.objects.filter(title_en="").exists()
    assert all(g.get("indicator_en") for c in Call.objects.all() for g in c.goals)
    assert set(Stake.objects.values_list("fund_en", flat=True)) == {STAKE_FUND_EN}
    levels = {r.indicator.code: r.level for r in services.security_board()}
    assert "red" in levels.values() and "yellow" in levels.values()
    assert levels["patent_concentration"] == "red"  # computed from the registry: 70 of 72 with the top five
    counts = (
        Call.objects.count(),
        Application.objects.count(),
        Project.objects.count(),
        Stake.objects.count(),
        ObjectChange.objects.count(),
        ProjectEvaluation.objects.count(),
    )
    assert demo.load_demo(seed=2026) == []
    assert (Call.objects.count(), Application.objects.count(), Project.objects.count(),
            Stake.objects.count(), ObjectChange.objects.count(), ProjectEvaluation.objects.count()) == counts  # fmt: skip


def test_the_demo_holders_sold_technology_contracts_within_their_projects_and_the_portfolio_counts_them(
    org_tree, personas, client_for
):
    from django.template.defaultfilters import floatformat

    from kechuang.enterprises.models import Enterprise
    from kechuang.transfer import demo as transfer_demo
    from kechuang.transfer.models import TechContract

    Enterprise.objects.create(
        credit_code="91441900MA4UJ4XB3W",
        name="东莞示例科技有限公司",
        region_code="441900401",
        tech_field="电子信息",
    )
    transfer_demo.load_demo(seed=7)
    by_year = {}
    for c in TechContract.objects.all():
        by_year[c.registered_on.year] = by_year.get(c.registered_on.year, 0) + c.amount
    lines = demo.load_demo(seed=2026)
    assert any("技术合同（卖方）" in line for line in lines)
    after = {}
    for c in TechContract.objects.all():
        after[c.registered_on.year] = after.get(c.registered_on.year, 0) + c.amount
    assert after == by_year  # the city's yearly turnover is what the transfer demo made it
    sold = 0
    for project in Project.objects.select_related("applicant"):
        mine = TechContract.objects.filter(seller_code=project.applicant.credit_code or "-")
        assert not mine.exclude(registered_on__range=(project.started_on, project.ends_on)).exists()
        sold += sum(c.amount for c in mine)
    assert sold > 0
    found = stakes.outcomes(personas["bureau"], Project.objects.all())
    assert sum(r["contract_amount"] for r in found.values()) == pytest.approx(sold)
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert f"成交额 {floatformat(sold, '-2')} 万元" in page
