"""Corrections: the institution edits a licence's terms (a new version, the schedule recomputed, the
previous terms kept in the audit trail and listed on the licence page); the enterprise closes a demand
with a reason (it leaves the matching; its unsigned matches are dropped)."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from tests.transfer.conftest import TERMS

pytestmark = pytest.mark.django_db

NEW_TERMS = {
    **TERMS,
    "royalty": {**TERMS["royalty"], "floor": 8},
    "upfront": {"amount": 0, "due": "2026-02-28"},
}


def _edit(client, code, terms, action="save", version=1, reason="补充协议：入门费免除，保底提高到 8 万元"):
    return client.post(
        reverse("transfer:licence_edit", kwargs={"code": code}),
        {
            "signed_on": "2026-01-10",
            "terms": yaml.safe_dump(terms, allow_unicode=True),
            "reason": reason,
            "version": version,
            "action": action,
        },
    )


def test_licence_edit_previews_then_saves_a_new_version_and_keeps_the_old_terms(transfer_world, client_for):
    from kechuang.audit.models import ObjectChange
    from kechuang.transfer.services.licences import schedule

    lic, c = transfer_world["licence"], client_for("university")
    before = {i.ref: i.amount for i in schedule(lic).dues.items}
    preview = _edit(c, lic.code, NEW_TERMS, action="preview")
    assert preview.status_code == 200 and 'data-testid="save"' in preview.content.decode()
    lic.refresh_from_db()
    assert lic.version == 1 and lic.terms == TERMS  # a preview writes nothing
    r = _edit(c, lic.code, NEW_TERMS)
    assert r.status_code == 302
    lic.refresh_from_db()
    assert lic.version == 2 and lic.terms["royalty"]["floor"] == 8
    after = {i.ref: i.amount for i in schedule(lic).dues.items}
    assert "upfront" in before and "upfront" not in after  # zero upfront: no item
    change = ObjectChange.objects.filter(
        object_type="transfer.licence", object_id=str(lic.pk), action="update"
    ).get()
    assert change.before["terms"] == TERMS and change.before["version"] == 1
    assert change.after["revision_note"].startswith("补充协议")
    page = c.get(lic.get_absolute_url()).content.decode()
    assert 'data-testid="licence-revisions"' in page and "补充协议" in page and "amount: 10" in page
    # the licensee sees the versions too, but cannot edit
    ent = client_for("enterprise")
    assert "补充协议" in ent.get(lic.get_absolute_url()).content.decode()
    assert _edit(ent, lic.code, TERMS, version=2).status_code in (403, 404)


def test_licence_edit_refuses_a_stale_form_bad_terms_and_settled_licences(transfer_world, client_for):
    lic, c = transfer_world["licence"], client_for("university")
    _edit(c, lic.code, NEW_TERMS)
    stale = _edit(c, lic.code, TERMS, version=1).content.decode()
    assert "已被他人改为第 2 版" in stale
    bad = _edit(c, lic.code, {**TERMS, "royalty": {**TERMS["royalty"], "period": "month"}}, version=2)
    assert bad.status_code == 200 and "royalty" in bad.content.decode()
    no_reason = _edit(c, lic.code, TERMS, version=2, reason="")
    assert no_reason.status_code == 200
    lic.refresh_from_db()
    assert lic.version == 2 and lic.terms["royalty"]["floor"] == 8
    lic.state = "terminated"
    lic.save()
    r = c.get(reverse("transfer:licence_edit", kwargs={"code": lic.code}), follow=True)
    assert "不能再修改条款" in r.content.decode()


def test_enterprise_closes_its_demand_with_a_reason_and_it_leaves_the_matching(
    transfer_world, client_for, personas
):
    from kechuang.transfer.models import Match
    from kechuang.transfer.services import matching

    demand, c = transfer_world["demand"], client_for("enterprise")
    url = reverse("transfer:demand_close", kwargs={"pk": demand.pk})
    r = c.post(url, {"reason": "  "}, follow=True)
    assert "请写明关闭原因" in r.content.decode()
    demand.refresh_from_db()
    assert demand.status == "open"
    # another enterprise's user (a university here) cannot close it
    assert client_for("university").post(url, {"reason": "x"}).status_code in (403, 404)
    page = c.post(url, {"reason": "已与其他单位合作解决"}, follow=True).content.decode()
    demand.refresh_from_db()
    assert demand.status == "closed" and demand.closed_reason == "已与其他单位合作解决"
    assert 'data-testid="demand-closed"' in page and 'data-testid="ranked"' not in page
    assert Match.objects.get(pk=transfer_world["match"].pk).state == "dropped"
    # it is no longer offered for the achievement, and no new match can be proposed
    assert all(d["object"] != demand for d in matching.demands_for(personas["bureau"], transfer_world["own"]))
    bureau = client_for("bureau")
    r = bureau.post(
        reverse("transfer:demand_propose", kwargs={"pk": demand.pk}),
        {"achievement": transfer_world["own"].pk},
        follow=True,
    )
    assert "已关闭" in r.content.decode()


def test_licence_edit_preview_shows_the_new_terms_only(transfer_world, client_for):
    """Terms taken out in the edit (here the upfront fee) are gone from the preview, not kept from
    the stored version."""
    lic, c = transfer_world["licence"], client_for("university")
    without_upfront = {k: x for k, x in TERMS.items() if k != "upfront"}
    preview = _edit(c, lic.code, without_upfront, action="preview")
    kinds = {i.kind for i in preview.context["preview"].dues.items}
    assert "milestone" in kinds and "upfront" not in kinds


def test_a_closed_demand_reads_in_english_with_its_reason_as_written(transfer_world, client_for, personas):
    """The reason is text the enterprise typed: kept as written, marked translate="no"."""
    demand = transfer_world["demand"]
    client_for("enterprise").post(
        reverse("transfer:demand_close", kwargs={"pk": demand.pk}), {"reason": "已合作解决"}
    )
    url = reverse("transfer:demand", kwargs={"pk": demand.pk})
    assert "关闭原因：已合作解决" in client_for("bureau").get(url).content.decode()
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").get(url).content.decode()
    assert 'no longer takes part in matching. Reason: <span translate="no">已合作解决</span>' in page


def test_the_licence_event_form_keeps_the_milestone_names_as_written(transfer_world, client_for, personas):
    """A milestone's name is the licence's own text: the choice is kept as written (translate="no"),
    its punctuation in the reader's language."""
    url = transfer_world["licence"].get_absolute_url()
    assert "批量生产（mass_production）" in client_for("enterprise").get(url).content.decode()
    personas["enterprise"].language = "en"
    personas["enterprise"].save(update_fields=["language"])
    page = client_for("enterprise").get(url).content.decode()
    assert '<select name="milestone" translate="no"' in page and "批量生产 (mass_production)" in page
