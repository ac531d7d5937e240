"""恢复认定: the bureau undoes a withdrawal on the carrier's page with a reason. The withdrawal record is
kept and marked revoked (who, when, why), the carrier gets back its status and level, the page shows
the whole history, the audit trail has the change, and the carrier may be withdrawn again; a missing
reason or nothing to undo is said in Chinese and nothing is written; other roles get 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.audit.models import ObjectChange
from kechuang.carriers import services
from kechuang.carriers.models import CarrierWithdrawal

pytestmark = pytest.mark.django_db
URL = "/carriers/c/B1/withdraw/revoke/"


@pytest.fixture
def withdrawn(world):
    """乙 (市级) withdrawn by the bureau; an administrator later cleared its level by mistake."""
    record = services.withdraw(world.b, "弄虚作假", world.users["bureau"])
    world.b.refresh_from_db()
    world.b.level = ""
    world.b.save()
    return record


def test_the_bureau_restores_a_withdrawn_carrier_and_the_record_stays(world, withdrawn, login):
    c = login("bureau")
    page = c.get("/carriers/c/B1/").content.decode()
    assert 'data-testid="withdrawn"' in page and f'href="{URL}"' in page
    form = c.get(URL).content.decode()
    assert 'data-testid="restore-form"' in form and "弄虚作假" in form
    r = c.post(URL, {"reason": "经复核，举报不实"})
    assert r.status_code == 302 and r["Location"] == "/carriers/c/B1/"
    world.b.refresh_from_db()
    assert world.b.status == "active" and world.b.level == "市级"  # as before the withdrawal
    record = CarrierWithdrawal.objects.get()
    assert record.pk == withdrawn.pk and record.reason == "弄虚作假"  # kept, not overwritten
    assert record.revoked_at is not None and record.revoke_reason == "经复核，举报不实"
    assert record.revoked_by == world.users["bureau"] and record.revoked_by_name
    change = ObjectChange.objects.filter(
        object_type="carriers.carrierwithdrawal", object_id=str(record.pk), action="update"
    ).get()
    assert change.after["revoke_reason"] == "经复核，举报不实" and not change.before["revoke_reason"]
    assert change.user == world.users["bureau"]
    # the carrier page shows the history with the revocation, and offers a new withdrawal
    page = login("op_b").get("/carriers/c/B1/").content.decode()
    assert 'data-testid="withdrawal-history"' in page and 'data-testid="revoked"' in page
    assert "弄虚作假" in page and "经复核，举报不实" in page and 'data-testid="withdrawn"' not in page
    page = login("bureau").get("/carriers/c/B1/").content.decode()
    assert 'href="/carriers/c/B1/withdraw/"' in page


def test_a_restored_carrier_may_be_withdrawn_again_and_the_history_keeps_both(world, withdrawn, login):
    c = login("bureau")
    c.post(URL, {"reason": "复核"})
    r = c.post("/carriers/c/B1/withdraw/", {"reason": "再次核查不符合条件"})
    assert r.status_code == 302
    world.b.refresh_from_db()
    assert world.b.status == "withdrawn"
    assert CarrierWithdrawal.objects.count() == 2
    assert CarrierWithdrawal.objects.filter(revoked_at__isnull=True).get().reason == "再次核查不符合条件"
    page = c.get("/carriers/c/B1/").content.decode()
    assert page.count('data-testid="revoked"') == 1 and "再次核查不符合条件" in page and "复核" in page
    # while the new withdrawal stands, a third is refused
    with pytest.raises(ValidationError, match="已经撤销"):
        services.withdraw(world.b, "x", None)


def test_a_missing_reason_is_refused_and_nothing_changes(world, withdrawn, login):
    page = login("bureau").post(URL, {"reason": "   "}).content.decode()
    assert "请填写恢复认定的原因" in page
    world.b.refresh_from_db()
    assert world.b.status == "withdrawn"
    assert CarrierWithdrawal.objects.get().revoked_at is None


def test_nothing_to_undo_is_said(world, login):
    c = login("bureau")
    page = c.get(URL).content.decode()
    assert 'data-testid="nothing-to-restore"' in page and "restore-form" not in page
    page = c.post(URL, {"reason": "复核"}).content.decode()
    assert "该载体没有未恢复的撤销认定，无需恢复" in page
    world.b.refresh_from_db()
    assert world.b.status == "active" and not CarrierWithdrawal.objects.exists()
    assert "restore-link" not in c.get("/carriers/c/B1/").content.decode()


def test_only_the_bureau_may_restore(world, withdrawn, login):
    for who in ("op_b", "humen", "leader", "expert_1"):
        client = login(who)
        assert client.post(URL, {"reason": "x"}).status_code == 403
        assert "restore-link" not in client.get("/carriers/c/B1/").content.decode()
    world.b.refresh_from_db()
    assert world.b.status == "withdrawn" and CarrierWithdrawal.objects.get().revoked_at is None
    assert login("admin").get("/carriers/c/NOPE/withdraw/revoke/").status_code == 404
