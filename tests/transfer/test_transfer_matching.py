"""Demands matched to achievements with the shared terms; a technology manager moves a match along in
order; scenario lists go call → scoring → selection → publication; the demo loads and repeats cleanly."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org_tree):
    from kechuang.accounts.models import OrgUnit, User

    return User.objects.create(username="tm", role="tech_manager", org=OrgUnit.objects.get(code="441900"))


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_demand_page_ranks_published_achievements_with_shared_terms(transfer_world, client_for):
    page = client_for("bureau").get(reverse("transfer:demand", kwargs={"pk": transfer_world["demand"].pk}))
    ranked = page.context["ranked"]
    assert ranked and ranked[0]["achievement"] == "DGUT-2025-001"
    assert ranked[0]["terms"] and all(r["object"].status == "可转化" for r in ranked)


def test_the_manager_moves_an_assigned_match_in_order_and_signs_with_a_licence(
    transfer_world, client_for, manager
):
    m = transfer_world["match"]
    url = reverse("transfer:match_state", kwargs={"pk": m.pk})
    # not assigned yet: another manager's (or nobody's) match is not theirs to change
    assert _as(manager).post(url, {"to": "contacted"}).status_code == 404
    client_for("bureau").post(reverse("transfer:match_assign", kwargs={"pk": m.pk}), {"manager": manager.pk})
    m.refresh_from_db()
    assert m.manager == manager
    c = _as(manager)
    c.post(url, {"to": "negotiating"})  # skipping 已联系 is refused
    m.refresh_from_db()
    assert m.state == "proposed"
    c.post(url, {"to": "contacted"})
    c.post(url, {"to": "negotiating"})
    c.post(url, {"to": "signed"})  # signing needs the licence or contract
    m.refresh_from_db()
    assert m.state == "negotiating"
    c.post(url, {"to": "signed", "licence": "L-T-001"})
    m.refresh_from_db()
    assert m.state == "signed" and m.licence.code == "L-T-001"
    assert "DGUT-2025-001" in c.get(reverse("transfer:matches")).content.decode()


def test_scenario_list_call_scoring_selection_publication(transfer_world, client_for, org_tree):
    from kechuang.accounts.models import OrgUnit, User
    from kechuang.transfer.models import Scenario

    sl = transfer_world["scenario_list"]
    bureau = client_for("bureau")
    bureau.post(
        reverse("transfer:scenario_add", kwargs={"pk": sl.pk}),
        {"title": "智慧水务", "description": "内涝监测", "proposer": "水务局"},
    )
    weak = Scenario.objects.get(title="智慧水务")
    strong = transfer_world["scenario"]
    expert = User.objects.create(username="ex", role="expert", org=OrgUnit.objects.get(code="441900"))

    def score(scenario, value):
        return _as(expert).post(
            reverse("transfer:scenario_score", kwargs={"pk": scenario.pk}), {"score": value}
        )

    score(strong, 90)  # still the call: refused
    assert not strong.scores.exists()
    bureau.post(reverse("transfer:scenario_advance", kwargs={"pk": sl.pk}))
    score(strong, 90)
    score(weak, 60)
    score(strong, 10)  # a score is not overwritten
    assert strong.scores.get().score == 90
    bureau.post(reverse("transfer:scenario_advance", kwargs={"pk": sl.pk}))  # selection
    strong.refresh_from_db()
    weak.refresh_from_db()
    assert strong.selected and not weak.selected
    bureau.post(reverse("transfer:scenario_advance", kwargs={"pk": sl.pk}))
    sl.refresh_from_db()
    assert sl.stage == "published" and sl.published_on is not None
    # a selected scenario shows the achievements that could answer it
    strong.description = "园区物流车辆用机器视觉识别表面缺陷"
    strong.save()
    page = bureau.get(reverse("transfer:scenario_list", kwargs={"pk": sl.pk})).content.decode()
    assert 'data-testid="scenario-fit"' in page and "DGUT-2025-001" in page
    # the university cannot score or manage lists
    assert (
        client_for("university").post(reverse("transfer:scenario_advance", kwargs={"pk": sl.pk})).status_code
        == 403
    )


def test_demo_loads_every_part_and_a_second_run_writes_nothing(org_tree):
    from kechuang.enterprises.models import Enterprise
    from kechuang.transfer import demo
    from kechuang.transfer.models import Achievement, Licence, TechContract, TransferCase

    Enterprise.objects.create(
        credit_code="91441900MA4UJ4XB3W",
        name="东莞示例科技有限公司",
        region_code="441900401",
        tech_field="电子信息",
    )
    lines = demo.load_demo(seed=7)
    assert Achievement.objects.count() == 360
    assert set(Licence.objects.values_list("state", flat=True)) == {
        "draft",
        "active",
        "suspended",
        "completed",
        "terminated",
    }
    by_year = {}
    for c in TechContract.objects.all():
        by_year[c.registered_on.year] = by_year.get(c.registered_on.year, 0) + c.amount
    assert round(by_year[2024] / 10_000, 2) == 95.35
    assert not TechContract.objects.filter(registered_on__year=2024, simulated=True).exists()
    assert TechContract.objects.filter(registered_on__year=2023, simulated=True).exists()
    assert set(TransferCase.objects.values_list("state", flat=True)) == {"open", "closed", "failed"}
    # income beyond licences, a corrected licence (its first version in the audit trail), a closed demand
    from kechuang.audit.models import ObjectChange
    from kechuang.transfer.models import Demand, Investment, OwnUse

    assert Investment.objects.count() == 1 and OwnUse.objects.get().profits.count() == 4
    revised = Licence.objects.get(version=2)
    assert ObjectChange.objects.filter(object_type="transfer.licence", object_id=str(revised.pk)).exists()
    assert Demand.objects.get(status="closed").closed_reason
    _the_demo_accounts_use_their_parts(demo)
    assert lines
    assert demo.load_demo(seed=7) == []
    assert Investment.objects.count() == 1 and Licence.objects.filter(version__gt=1).count() == 1


def _the_demo_accounts_use_their_parts(demo):
    """The demo's licensee signs in and sees its licence in force with its overdue warning and reports
    revenue; the demo inventor sees their reward; one match is signed, linked to a licence."""
    from django.test import Client
    from django.urls import reverse

    from kechuang.accounts.models import User
    from kechuang.accounts.services import DEMO_PASSWORD
    from kechuang.transfer.models import Licence, Match, RevenueReport

    licensee = User.objects.get(username="licensee")
    assert licensee.check_password(DEMO_PASSWORD) and licensee.role == "enterprise_user"
    first = Licence.objects.get(code="L-DEMO-001")
    assert first.state == "active" and first.licensee_code == licensee.org.credit_code
    client = Client()
    client.force_login(licensee)
    home = client.get(reverse("transfer:home")).content.decode()
    assert "L-DEMO-001" in home and "逾期" in home
    page = client.get(reverse("transfer:licence", kwargs={"code": "L-DEMO-001"})).content.decode()
    assert "收入提成" in page and 'name="revenue"' in page
    client.post(
        reverse("transfer:licence_report", kwargs={"code": "L-DEMO-001"}),
        {"period": "2026", "revenue": "900"},
    )
    assert RevenueReport.objects.get(licence=first, period="2026").revenue == 900

    signed = Match.objects.get(state="signed")
    assert (
        signed.licence.code == demo.SIGNED_LICENCE and signed.licence.achievement_id == signed.achievement_id
    )
    assert signed.licence.licensee_code == signed.enterprise_code == licensee.org.credit_code

    inventor = User.objects.get(username="inventor")
    client.force_login(inventor)
    page = client.get(reverse("transfer:my_rewards")).content.decode()
    assert 'data-testid="reward-L-DEMO-001"' in page and first.achievement.code in page


def test_the_match_form_reads_in_english(transfer_world, client_for, personas):
    """The form's labels are translated when the page is shown, not when the module is imported."""
    url = reverse("transfer:match", kwargs={"pk": transfer_world["match"].pk})
    assert "许可合同编号（签约时）" in client_for("bureau").get(url).content.decode()
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").get(url).content.decode()
    for chinese in ("变更为", "许可合同编号（签约时）", "技术合同登记编号（签约时）", "备注"):
        assert chinese not in page
