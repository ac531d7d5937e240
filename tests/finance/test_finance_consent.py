"""Consent (授权) decides everything a bank sees: every bank-facing page, export and API endpoint is
walked as a bank officer, and nothing of an enterprise without a consent in force for that bank may
appear — not in lists, exports, the API, search or counts. Grants, revocations and reads are audited."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from kechuang.audit.models import ObjectChange
from tests.foundation.test_persona_walk import openapi_operations, resolver_routes

pytestmark = pytest.mark.django_db

# GET pages of the finance namespace (POST-only forms and the validation page, which shows no
# enterprise, are excluded by their methods or resource), and every GET of /api/finance.
FINANCE_PAGES = sorted(r.name for r in resolver_routes() if r.name.startswith("finance:"))
FINANCE_API = sorted(
    path for method, path in openapi_operations() if method == "GET" and path.startswith("/api/finance")
)


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None
        )
    return response.content.decode("utf-8")


def _queries(hidden: list[str]) -> list[tuple[str, list[str]]]:
    """(query, the codes that must not appear): none, a search by name and by code, the code asked
    for directly (a page echoes its own query in the language form, so that code is not checked)."""
    from kechuang.enterprises.models import Enterprise

    name = Enterprise.objects.get(credit_code=hidden[0]).name
    return [
        ("", hidden),
        (f"?q={name}", hidden),
        ("?q=9144", hidden),
        (f"?credit_code={hidden[0]}", hidden[1:]),
        (f"?q={hidden[0]}", hidden[1:]),
    ]


@pytest.mark.parametrize("name", FINANCE_PAGES)
def test_no_bank_page_shows_an_enterprise_without_consent(name, finance, client_for):
    for persona, hidden in (
        ("bank", [finance.other_bank, finance.revoked, finance.expired, finance.never]),
        ("bank2", [finance.own, finance.revoked, finance.expired, finance.never]),
    ):
        for query, checked in _queries(hidden):
            response = client_for(persona).get(reverse(name) + query)
            if response.status_code == 405:  # a POST-only form
                response = client_for(persona).post(reverse(name) + query, {"credit_code": hidden[0]})
            assert response.status_code in (200, 302, 403, 404), (persona, name, response.status_code)
            body = _text(response) if response.status_code == 200 else ""
            for code in checked:
                assert code not in body, f"{persona} sees {code} on {name}{query}"


@pytest.mark.parametrize("path", FINANCE_API)
def test_no_bank_endpoint_returns_an_enterprise_without_consent(path, finance, client_for):
    for persona, hidden in (
        ("bank", [finance.other_bank, finance.revoked, finance.expired, finance.never]),
        ("bank2", [finance.own, finance.revoked, finance.expired, finance.never]),
    ):
        for query, checked in _queries(hidden):
            response = client_for(persona).get(path + query)
            assert response.status_code in (200, 400, 403, 404), (persona, path, response.status_code)
            body = response.content.decode("utf-8")
            for code in checked:
                assert code not in body, f"{persona} gets {code} from {path}{query}"


def test_the_bank_sees_its_consenting_enterprise_with_only_the_consented_fields(finance, client_for):
    body = client_for("bank").get(reverse("finance:enterprises")).content.decode()
    assert finance.own in body and "营业收入" in body
    assert "纳税总额" not in body and "研究开发费用" not in body  # fields it was not given
    assert "共 1 家" in body
    api = client_for("bank").get("/api/finance/enterprises").json()
    assert [r["credit_code"] for r in api] == [finance.own]
    assert [f["field"] for f in api[0]["fields"]] == ["name", "revenue"]
    apps = client_for("bank").get("/api/finance/applications").json()
    assert apps["count"] == 1 and apps["items"][0]["credit_code"] == finance.own
    home = client_for("bank").get(reverse("finance:home")).content.decode()
    assert 'data-testid="kpi-consents"><div class="muted">有效授权</div><strong>1<' in home


def test_a_bank_without_any_consent_gets_nothing(finance, client_for):
    from kechuang.finance.models import Consent

    Consent.objects.all().delete()
    assert client_for("bank").get("/api/finance/enterprises").json() == []
    assert client_for("bank").get("/api/finance/applications").json()["count"] == 0
    assert client_for("bank").get("/api/finance/consents").json() == []
    body = client_for("bank").get(reverse("finance:enterprises")).content.decode()
    assert "没有授权有效的企业" in body


def test_grant_and_revoke_by_the_enterprise_are_audited_and_revoking_hides_it_at_once(finance, client_for):
    from kechuang.finance.models import Consent

    ent = client_for("enterprise")
    response = ent.post(
        reverse("finance:consent_grant"),
        {"bank": "bank_dgrcb", "fields": ["name", "invention_patents"], "valid_until": "2027-06-30"},
    )
    assert response.status_code == 302
    granted = Consent.objects.get(enterprise__credit_code=finance.own, bank__code="bank_dgrcb")
    assert granted.fields == ["name", "invention_patents"]
    assert ObjectChange.objects.filter(
        object_type="finance.consent", object_id=str(granted.pk), action="create"
    ).exists()
    assert finance.own in client_for("bank2").get(reverse("finance:enterprises")).content.decode()

    own_icbc = Consent.objects.get(enterprise__credit_code=finance.own, bank__code="bank_icbc_dg")
    assert ent.post(reverse("finance:consent_revoke"), {"consent": own_icbc.pk}).status_code == 302
    own_icbc.refresh_from_db()
    assert own_icbc.revoked_at is not None
    change = ObjectChange.objects.filter(
        object_type="finance.consent", object_id=str(own_icbc.pk), action="update"
    ).get()
    assert "revoked_at" in json.dumps(change.after)
    assert finance.own not in client_for("bank").get(reverse("finance:enterprises")).content.decode()
    assert client_for("bank").get("/api/finance/applications").json()["count"] == 0


def test_a_bank_cannot_grant_or_revoke_and_an_enterprise_cannot_revoke_anothers(finance, client_for):
    from kechuang.finance.models import Consent

    other = Consent.objects.get(enterprise__credit_code=finance.other_bank)
    assert (
        client_for("bank2").post(reverse("finance:consent_revoke"), {"consent": other.pk}).status_code == 403
    )
    client_for("enterprise").post(reverse("finance:consent_revoke"), {"consent": other.pk})
    other.refresh_from_db()
    assert other.revoked_at is None
    response = client_for("bank").post(
        "/api/finance/consents",
        {"bank": "bank_icbc_dg", "fields": ["name"], "valid_until": "2027-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_every_bank_read_is_in_the_audit_trail(finance, client_for):
    bank = client_for("bank")
    bank.get(reverse("finance:enterprises"))
    bank.get(reverse("finance:enterprises_export"))
    bank.get("/api/finance/enterprises")
    reads = ObjectChange.objects.filter(object_type="finance.bank_read").order_by("id")
    assert [r.after["channel"] for r in reads] == ["page", "export", "api"]
    assert all(r.after["enterprises"] == [finance.own] and r.user.username == "bank" for r in reads)
    assert reads[0].after["fields"] == ["name", "revenue"]


def test_the_export_has_only_consented_columns_filled(finance, client_for):
    response = client_for("bank").get(reverse("finance:enterprises_export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("企业名称", "营业收入（万元）") and len(rows) == 2
    assert rows[1][1] == finance.own


def test_a_bank_sees_no_enterprise_name_its_consent_does_not_cover(finance, client_for):
    from kechuang.enterprises.models import Enterprise
    from kechuang.finance.models import Consent

    Consent.objects.filter(enterprise__credit_code=finance.own, bank__code="bank_icbc_dg").update(
        fields=["revenue"]
    )
    name = Enterprise.objects.get(credit_code=finance.own).name
    bank = client_for("bank")
    for url in ("finance:applications", "finance:applications_export", "finance:enterprises",
                "finance:enterprises_export", "finance:outcomes_template"):  # fmt: skip
        body = _text(bank.get(reverse(url)))
        assert finance.own in body and name not in body, url
    api = bank.get("/api/finance/applications").json()["items"]
    assert [(i["credit_code"], i["enterprise"]) for i in api] == [(finance.own, "")]
    assert name in client_for("bureau").get(reverse("finance:applications")).content.decode()


def test_an_english_enterprise_reads_one_field_and_two_fields_granted(finance, client_for, personas):
    """The grant message counts fields as English does (issue 9 §5); Chinese reads as before."""
    ent = client_for("enterprise")
    grant = {"bank": "bank_dgrcb", "fields": ["name"], "valid_until": "2027-06-30"}
    chinese = ent.post(reverse("finance:consent_grant"), grant, follow=True).content.decode()
    assert "查看 1 个字段" in chinese
    personas["enterprise"].language = "en"
    personas["enterprise"].save(update_fields=["language"])
    one = ent.post(reverse("finance:consent_grant"), grant, follow=True).content.decode()
    assert "may now see 1 field until" in one and "1 fields" not in one
    grant["fields"] = ["name", "invention_patents"]
    two = ent.post(reverse("finance:consent_grant"), grant, follow=True).content.decode()
    assert "may now see 2 fields until" in two
