"""Who sees and changes which transfer rows, told with the personas: the university officer (东莞理工学院)
sees and edits only its own achievements; the enterprise sees the published ones and its licence; the
bank and the outsider see nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _codes(response) -> str:
    return response.content.decode()


def test_university_sees_and_edits_only_its_own_achievements(transfer_world, client_for):
    w, c = transfer_world, client_for("university")
    page = _codes(c.get(reverse("transfer:achievements")))
    assert "DGUT-2025-001" in page and "DGUT-2025-002" in page
    assert "GBU-2025-001" not in page
    assert c.get(reverse("transfer:achievement", kwargs={"pk": w["other"].pk})).status_code == 404
    assert c.get(reverse("transfer:achievement_edit", kwargs={"pk": w["other"].pk})).status_code == 404
    edit = reverse("transfer:achievement_edit", kwargs={"pk": w["own"].pk})
    form = {
        "code": "DGUT-2025-001",
        "title": "表面缺陷检测系统（修订）",
        "abstract": "",
        "field": "先进制造与自动化",
        "keywords": "机器视觉",
        "inventors": "王伟；李娜",
        "trl": "7",
        "ownership": "单位所有",
        "modes": ["许可"],
        "asking_price": "",
        "status": "可转化",
        "inventor_shares_text": "王伟 0.6；李娜 0.4",
    }
    assert c.post(edit, form).status_code == 302
    w["own"].refresh_from_db()
    assert w["own"].title == "表面缺陷检测系统（修订）" and w["own"].trl == 7


def test_a_new_achievement_belongs_to_the_officers_institution(transfer_world, client_for):
    from kechuang.transfer.models import Achievement

    c = client_for("university")
    form = {
        "code": "DGUT-2026-009",
        "title": "新成果",
        "field": "新材料",
        "trl": "4",
        "ownership": "单位所有",
        "status": "可转化",
    }
    assert c.post(reverse("transfer:achievement_new"), form).status_code == 302
    assert Achievement.objects.get(code="DGUT-2026-009").institution.code == "univ_dgut"
    # the same code again in the same institution is refused, naming the field
    again = c.post(reverse("transfer:achievement_new"), form)
    assert again.status_code == 200 and "本单位已有编号为「DGUT-2026-009」的成果" in again.content.decode()


def test_enterprise_sees_published_achievements_and_its_licence(transfer_world, client_for):
    c = client_for("enterprise")
    page = _codes(c.get(reverse("transfer:achievements")))
    assert "DGUT-2025-001" in page and "GBU-2025-001" in page
    assert "DGUT-2025-002" not in page  # withdrawn, not licensed to it
    assert c.get(reverse("transfer:achievement_new")).status_code == 403
    assert c.get(reverse("transfer:licence", kwargs={"code": "L-T-001"})).status_code == 200
    assert c.get(reverse("transfer:achievements_export")).status_code == 200


def test_licence_sides_enter_what_is_theirs(transfer_world, client_for):
    from kechuang.transfer.models import Payment, RevenueReport

    code = {"code": "L-T-001"}
    enterprise, university = client_for("enterprise"), client_for("university")
    enterprise.post(reverse("transfer:licence_report", kwargs=code), {"period": "2026", "revenue": "1000"})
    assert RevenueReport.objects.get(licence__code="L-T-001").revenue == 1000
    # the licensee does not record payments; the institution does not report revenue
    assert enterprise.post(
        reverse("transfer:licence_payment", kwargs=code), {"paid_on": "2026-03-01", "amount": "5"}
    ).status_code in (403, 404)
    assert university.post(
        reverse("transfer:licence_report", kwargs=code), {"period": "2027", "revenue": "9"}
    ).status_code in (403, 404)
    university.post(
        reverse("transfer:licence_payment", kwargs=code), {"paid_on": "2026-03-01", "amount": "5"}
    )
    assert Payment.objects.get(licence__code="L-T-001").amount == 5
    # a reported period is not overwritten
    enterprise.post(reverse("transfer:licence_report", kwargs=code), {"period": "2026", "revenue": "1"})
    assert RevenueReport.objects.get(licence__code="L-T-001", period="2026").revenue == 1000


def test_a_revenue_report_the_dues_would_not_use_is_refused_in_chinese(transfer_world, client_for):
    """L-T-001 pays a yearly royalty from 2026 to 2030: a quarter, or a year outside the term, would
    be stored and silently never count (the period would stay at the floor, 未报告)."""
    from kechuang.transfer.models import RevenueReport

    url = reverse("transfer:licence_report", kwargs={"code": "L-T-001"})
    enterprise = client_for("enterprise")
    for period, message in [
        ("2026Q1", "该许可合同按年提成，期间应为年份（如 2026）"),
        ("2031", "2031 不在提成期限内（2026-01-01 至 2030-12-31）"),
        ("2025", "2025 不在提成期限内（2026-01-01 至 2030-12-31）"),
    ]:
        page = enterprise.post(url, {"period": period, "revenue": "100"}, follow=True).content.decode()
        assert message in page, period
    assert not RevenueReport.objects.filter(licence__code="L-T-001").exists()
    enterprise.post(url, {"period": "2030", "revenue": "100"})  # the term's last year is fine
    assert list(RevenueReport.objects.values_list("period", flat=True)) == ["2030"]


@pytest.mark.parametrize("persona", ["bank", "reporter"])
def test_roles_without_transfer_see_nothing(transfer_world, client_for, persona):
    c = client_for(persona)
    assert c.get(reverse("transfer:home")).status_code == 403
    assert c.get(reverse("transfer:achievements")).status_code == 403
    assert c.get(reverse("transfer:licence", kwargs={"code": "L-T-001"})).status_code == 403


def test_outsider_is_sent_to_login_and_the_api_answers_401(transfer_world, client_for):
    c = client_for("outsider")
    assert c.get(reverse("transfer:achievements"))["Location"].startswith("/login/")
    assert c.get("/api/transfer/achievements").status_code == 401


def test_api_lists_and_dues_follow_the_scope(transfer_world, client_for):
    uni = client_for("university").get("/api/transfer/achievements").json()
    assert {a["code"] for a in uni["items"]} == {"DGUT-2025-001", "DGUT-2025-002"}
    ent = client_for("enterprise")
    dues = ent.get("/api/transfer/licences/L-T-001/dues?as_of=2026-03-31").json()
    items = {i["ref"]: i for i in dues["licences"][0]["items"]}
    assert items["upfront"]["status"] == "overdue" and items["upfront"]["amount"] == 10
    assert client_for("songshanhu").get("/api/transfer/licences/L-T-001").status_code == 403


def test_licence_page_warns_of_overdue_and_soon_due_items(transfer_world, client_for):
    page = client_for("university").get(
        reverse("transfer:licence", kwargs={"code": "L-T-001"}) + "?as_of=2026-09-10"
    )
    text = page.content.decode()
    assert 'data-testid="overdue-warning"' in text  # the upfront fee of 2026-02-28 is unpaid
    assert 'data-testid="soon-warning"' in text  # the prototype milestone of 2026-09-30


def test_home_warns_about_licences_in_force_only_and_links_only_what_the_role_may_open(
    transfer_world, client_for
):
    lic = transfer_world["licence"]  # its upfront fee of 2026-02-28 is unpaid
    c = client_for("enterprise")
    page = c.get(reverse("transfer:home")).content.decode()
    assert 'data-testid="dues-warnings"' in page and "L-T-001" in page
    assert reverse("transfer:cases") not in page  # the enterprise has no 安心屋 cases to open
    lic.state = "terminated"
    lic.save()
    assert 'data-testid="dues-warnings"' not in c.get(reverse("transfer:home")).content.decode()


def test_the_institution_records_a_licence_state_in_order(transfer_world, client_for):
    lic = transfer_world["licence"]
    url = reverse("transfer:licence_state", kwargs={"code": lic.code})
    assert client_for("enterprise").post(url, {"state": "terminated"}).status_code in (403, 404)
    c = client_for("university")
    c.post(url, {"state": "draft"})  # not a move from 履行中
    lic.refresh_from_db()
    assert lic.state == "active"
    c.post(url, {"state": "suspended"})
    lic.refresh_from_db()
    assert lic.state == "suspended"
