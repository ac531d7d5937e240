"""Carriers: figures computed from the registry, the 标准级 and institution checks on stored data,
evaluations stored with history and the consecutive-failure consequence, 「一院一策」 lights,
machine hours, voucher budgets, the talent workflow and the five-year fraud bar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers import services
from kechuang.carriers.models import Booking, Carrier, EvaluationResult, TalentApplication, Voucher

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_incubation_figures_come_from_the_registry(world):
    row = services.carrier_frame(Carrier.objects.filter(pk=world.a.pk), YEAR).to_dicts()[0]
    assert row["incubated_count"] == 9  # ten linked, one graduated this year
    assert row["graduated_count"] == 1 and row["graduated_total"] == 1
    assert row["hightech_count"] == 3  # certificates valid in 2025
    assert row["kexiao_count"] == 2
    assert row["funded_count"] == 2 and row["invested_count"] == 1
    assert row["growing_count"] == 3  # revenue +30% > 20%
    assert round(row["revenue_growth"], 2) == round((3 * 130 + 6 * 110) / 900 * 100 - 100, 2)


def test_standard_level_check_on_stored_data_and_the_gap(world):
    v = services.recognition(world.a, YEAR)
    by_id = {c.id: c for c in v.conditions}
    # invested 1/9 = 11% ≥ 10% passes; growing 3/9 = 33% ≥ 30%; non-rent 30/100 = 30% exactly
    assert by_id["investment"].status == "pass"
    assert by_id["growth"].status == "pass"
    assert by_id["non_rent_income"].status == "pass"
    assert v.eligible == "yes"
    b = services.recognition(world.b, YEAR)
    nr = next(c for c in b.conditions if c.id == "non_rent_income")
    assert nr.status == "fail" and "非房租物业收入还差 10 万元" in nr.text
    assert b.eligible == "no"


def test_institution_conditions_on_stored_data(world):
    v = services.recognition(world.institution, YEAR)
    assert v.eligible == "yes", v.summary
    world.institution.reports.filter(year=YEAR).update(resident_rd_staff=19)
    v = services.recognition(world.institution, YEAR)
    failed = {c.id for c in v.conditions if c.status == "fail"}
    assert failed == {"rd_staff", "rd_staff_share"}


def test_evaluation_is_stored_with_rank_history_and_the_consequence(world):
    services.run_evaluation("incubator_operation", "2024")  # no 2024 reports: both weak
    services.run_evaluation("incubator_operation", "2025")
    a = EvaluationResult.objects.get(carrier=world.a, period="2025")
    b = EvaluationResult.objects.get(carrier=world.b, period="2025")
    assert a.total > b.total and (a.rank, b.rank) == (1, 2) and a.cohort_size == 2
    assert b.grade == "D" and b.consecutive_failures == 2
    assert not b.consequence  # 市级: the withdrawal of a national title does not apply
    assert a.previous_grade and a.change is not None
    assert any(i["id"] == "graduated" and i["value"] == 1 for i in a.detail["indicators"])
    world.b.level = "国家级"
    world.b.save()
    services.run_evaluation("incubator_operation", "2025")
    assert EvaluationResult.objects.get(carrier=world.b, period="2025").consequence
    # re-running replaces the period's results instead of adding rows
    assert EvaluationResult.objects.filter(template="incubator_operation", period="2025").count() == 2


def test_rewards_follow_grades(world):
    services.run_evaluation("incubator_operation", "2025")
    for r in EvaluationResult.objects.filter(period="2025"):
        expected = 20 if r.grade == "A" else 0
        assert r.detail["rewards"]["operation"] == expected


def test_targets_show_the_plan_status_lights(world):
    [row] = services.target_status(world.institution, YEAR)
    assert row["progress_pct"] == 75 and row["warning"] == "green"
    world.institution.targets.get().values.filter(year=2025).update(value=110)
    [row] = services.target_status(world.institution, YEAR)
    assert row["warning"] in ("yellow", "red")


def _done(world, hours=10.0, external=True):
    b = Booking.objects.get(instrument=world.instrument)
    services.decide_booking(b, True)
    return services.record_use(b, hours, 5)


def test_machine_hours_and_fees_from_bookings(world):
    b = _done(world, 12.5)
    assert b.fee == 12500 and b.status == "done"
    usage = services.instrument_usage(world.institution.instruments.all(), YEAR).to_dicts()[0]
    assert usage["work_hours"] == 12.5 and usage["external_hours"] == 12.5 and usage["rating"] == 5
    with pytest.raises(ValidationError, match="只能为已批准的预约登记机时"):
        services.record_use(b, 3)


def test_a_voucher_cannot_exceed_the_remaining_budget_or_the_fee(world):
    b = _done(world, 30)  # fee 30,000 元 = 3 万元; budget 2 万元
    with pytest.raises(ValidationError, match="超过 2025 年预算余额 2"):
        services.issue_voucher(b, 2.5)
    with pytest.raises(ValidationError, match="超过本次费用"):
        services.issue_voucher(b, 3.5)
    v = services.issue_voucher(b, 2.0)  # exactly the budget
    assert v.amount == 2.0 and services.voucher_budget_left(YEAR) == (2.0, 0.0)
    with pytest.raises(ValidationError, match="已经使用过创新券"):
        services.issue_voucher(b, 0.5)
    assert Voucher.objects.count() == 1


def test_no_voucher_without_a_budget_or_for_an_unfinished_booking(world):
    b = Booking.objects.get(instrument=world.instrument)
    with pytest.raises(ValidationError, match="只有已完成的预约"):
        services.issue_voucher(b, 0.1)
    b = _done(world, 1)
    b.year = 2030
    b.save()
    with pytest.raises(ValidationError, match="2030 年尚未设定创新券预算"):
        services.issue_voucher(b, 0.1)


def _apply(user, id_number="110101199001011234", **kw):
    fields = dict(
        person_name="张三",
        employer_name="丙研究院",
        region_code="441900401",
        route="expert",
        claimed_class="B",
        criterion="B02",
        evidence="业绩",
    )
    fields.update(kw)
    return services.submit_application(user, id_number, **fields)


def _score(app, expert, value):
    """An expert scores after declaring no conflict of interest (回避声明)."""
    services.declare(app, expert, False)
    return services.add_score(app, expert, value)


def test_talent_workflow_application_recommendation_scores_decision(world):
    app = _apply(world.users["app_1"])
    with pytest.raises(ValidationError, match="单位推荐后才能评分"):
        services.add_score(app, world.users["expert_1"], 80)
    with pytest.raises(ValidationError, match="尚未完成推荐或专家评分"):
        services.decide(app, True, "B")
    services.recommend(app, "同意")
    with pytest.raises(ValidationError, match="尚未完成推荐或专家评分"):
        services.decide(app, True, "B")  # 专家评定 needs scores
    _score(app, world.users["expert_1"], 80)
    _score(app, world.users["bureau"], 90)
    assert app.expert_score == 85
    services.decide(app, True, "B")
    app.refresh_from_db()
    assert app.status == "approved" and app.decided_class == "B" and app.valid_until is not None


def test_fraud_bars_the_person_for_five_years(world):
    app = _apply(world.users["app_1"], route="recognition", criterion="C01", claimed_class="C")
    services.revoke_for_fraud(app, "材料造假")
    app.refresh_from_db()
    today = dt.date.today()
    assert app.status == "revoked" and app.barred_until.year == today.year + 5 and app.valid_until is None
    with pytest.raises(ValidationError, match="前不得申报"):
        _apply(world.users["app_2"], id_number=" 110101199001011234 ")  # same person, another account
    assert _apply(world.users["app_2"], id_number="110101199202022222").pk  # someone else may apply
    assert TalentApplication.objects.count() == 2


def test_an_unknown_catalogue_entry_is_refused(world):
    with pytest.raises(ValidationError, match="目录条目 Z99 不存在"):
        _apply(world.users["app_1"], criterion="Z99")


def test_expert_scores_follow_the_projects_review_contract(world):
    from kechuang.accounts.models import OrgUnit, User

    app = _apply(world.users["app_1"])
    services.recommend(app, "同意")
    city = OrgUnit.objects.get(code="441900")
    for i, value in enumerate((60, 70, 80, 90, 100)):
        expert = User.objects.create(username=f"ex{i}", role="expert", org=city)
        _score(app, expert, value)
    assert app.expert_score == 80  # five scores: 60 and 100 dropped, mean of 70, 80, 90
    other = _apply(world.users["app_2"], id_number="X-OTHER")
    services.recommend(other, "同意")
    _score(other, world.users["expert_1"], 95)
    ranking = services.talent_ranking(TalentApplication.objects.all())
    assert ranking[other.pk][0] == 1 and ranking[app.pk][0] == 2
