"""摘牌 / 撤销认定: the bureau withdraws a carrier's recognition with a reason (from the result whose
consecutive failing grades flagged it, or on other grounds); the audit trail keeps the change, the
carrier's page shows it, later evaluations leave the carrier out; nobody else may withdraw."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.audit.models import ObjectChange
from kechuang.carriers import services
from kechuang.carriers.models import CarrierWithdrawal, EvaluationResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(world):
    """乙 as a national carrier with two 不合格 in a row: its 2025 result calls for the withdrawal."""
    world.b.level = "国家级"
    world.b.save()
    services.run_evaluation("incubator_operation", "2024")
    services.run_evaluation("incubator_operation", "2025")
    result = EvaluationResult.objects.get(carrier=world.b, period="2025")
    assert result.consequence
    return result


def test_the_bureau_withdraws_a_flagged_carrier_from_its_page(world, flagged, login):
    c = login("bureau")
    page = c.get("/carriers/c/B1/").content.decode()
    assert 'data-testid="flagged"' in page and 'href="/carriers/c/B1/withdraw/"' in page
    form = c.get("/carriers/c/B1/withdraw/").content.decode()
    assert f'value="{flagged.pk}" selected' in form  # the result behind it is proposed
    r = c.post("/carriers/c/B1/withdraw/", {"reason": "连续两年运营评价不合格", "evaluation": flagged.pk})
    assert r.status_code == 302 and r["Location"] == "/carriers/c/B1/"
    world.b.refresh_from_db()
    record = CarrierWithdrawal.objects.get(carrier=world.b)
    assert world.b.status == "withdrawn" and record.level == "国家级" and record.evaluation == flagged
    assert record.decided_by == world.users["bureau"]
    audited = ObjectChange.objects.filter(object_type="carriers.carrierwithdrawal", object_id=str(record.pk))
    assert audited.get().action == "create"
    assert ObjectChange.objects.filter(object_type="carriers.carrier", object_id=str(world.b.pk)).exists()
    # the operator sees it on its carrier's page, with the reason and the result behind it
    page = login("op_b").get("/carriers/c/B1/").content.decode()
    assert 'data-testid="withdrawn"' in page and "连续两年运营评价不合格" in page
    assert f"/carriers/evaluations/{flagged.pk}/" in page and "withdraw-link" not in page


def test_a_withdrawn_carrier_is_left_out_of_later_evaluations(world, flagged):
    services.withdraw(world.b, "连续两年不合格", None, flagged)
    services.run_evaluation("incubator_operation", "2026")
    assert not EvaluationResult.objects.filter(carrier=world.b, period="2026").exists()
    assert EvaluationResult.objects.filter(carrier=world.a, period="2026").exists()


def test_a_reason_is_required_and_a_carrier_is_withdrawn_once(world, flagged, login):
    c = login("bureau")
    page = c.post("/carriers/c/B1/withdraw/", {"reason": "  "}).content.decode()
    assert 'class="errorlist"' in page
    world.b.refresh_from_db()
    assert world.b.status == "active" and not CarrierWithdrawal.objects.exists()
    # another carrier's result cannot be named as the ground
    other = EvaluationResult.objects.get(carrier=world.a, period="2025")
    page = c.post("/carriers/c/B1/withdraw/", {"reason": "x", "evaluation": other.pk}).content.decode()
    assert 'class="errorlist"' in page and not CarrierWithdrawal.objects.exists()
    with pytest.raises(ValidationError, match="不属于该载体"):
        services.withdraw(world.b, "x", None, other)
    c.post("/carriers/c/B1/withdraw/", {"reason": "弄虚作假"})
    page = c.post("/carriers/c/B1/withdraw/", {"reason": "again"}).content.decode()
    assert 'data-testid="already-withdrawn"' in page
    assert CarrierWithdrawal.objects.count() == 1


def test_only_the_bureau_may_withdraw(world, flagged, login):
    for who in ("op_b", "humen", "leader"):
        assert login(who).post("/carriers/c/B1/withdraw/", {"reason": "x"}).status_code == 403
        assert "withdraw-link" not in login(who).get(f"/carriers/evaluations/{flagged.pk}/").content.decode()
    world.b.refresh_from_db()
    assert world.b.status == "active"
    assert login("admin").get("/carriers/c/NOPE/withdraw/").status_code == 404
