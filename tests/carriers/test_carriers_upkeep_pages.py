"""An operator keeps its own carrier's data on pages (before, only the administration could): the
incubated enterprises of its incubator — added by credit code from the enterprise registry, edited,
left (退出, dated, the row kept), each change audited — and an institution's 「一院一策」 values for a year, a value on record
changed only when correcting. Another operator, a town or an enterprise cannot; the page of a carrier
offers the links only to those who can."""

from __future__ import annotations

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.carriers.models import IncubatedEnterprise, TargetValue

pytestmark = pytest.mark.django_db

INCUBATED = "/carriers/c/A1/incubated/"
TARGETS = "/carriers/c/I1/targets/"


@pytest.fixture
def newcomer(world):
    from kechuang.enterprises.models import Enterprise

    return Enterprise.objects.create(
        credit_code="91441900NEWCOMER01", name="新入驻企业", region_code="441900401"
    )


def test_the_operator_finds_its_pages_from_its_carriers(world, login):
    page = login("op_a").get("/carriers/c/A1/").content.decode()
    assert 'data-testid="incubated-link"' in page and 'data-testid="targets-link"' not in page
    page = login("op_inst").get("/carriers/c/I1/").content.decode()
    assert 'data-testid="targets-link"' in page and 'data-testid="incubated-link"' not in page
    page = login("songshanhu").get("/carriers/c/A1/").content.decode()  # the town sees, does not keep
    assert 'data-testid="incubated-link"' not in page
    page = login("op_a").get(INCUBATED).content.decode()
    assert "在孵企业0" in page and world.enterprises[9].credit_code in page and "在孵及毕业企业 10 家" in page


def test_others_cannot_open_the_operators_pages(world, login):
    assert login("op_b").get(INCUBATED).status_code == 404
    assert login("op_a").get(TARGETS).status_code == 404
    assert login("songshanhu").get(INCUBATED).status_code == 403
    assert login("enterprise").get(TARGETS).status_code == 403
    r = login("op_b").post(
        INCUBATED,
        {"action": "leave", "exit_reason": "moved", "credit_code": world.enterprises[0].credit_code},
    )
    assert r.status_code == 404
    assert IncubatedEnterprise.objects.filter(carrier=world.a, left_on__isnull=True).count() == 10


def test_the_operator_adds_edits_and_removes_an_incubated_enterprise(world, login, newcomer):
    c = login("op_a")
    r = c.post(INCUBATED, {"action": "add", "credit_code": "91441900NOTHERE001", "entered_year": "2025"})
    page = r.content.decode()
    assert (
        r.status_code == 200
        and "统一社会信用代码：企业库中没有统一社会信用代码为 91441900NOTHERE001 的企业" in page
    )
    assert 'value="91441900NOTHERE001"' in page  # what was typed stays in the form
    assert IncubatedEnterprise.objects.filter(carrier=world.a).count() == 10
    r = c.post(
        INCUBATED, {"action": "add", "credit_code": newcomer.credit_code.lower(), "entered_year": "2025"}
    )
    assert r.status_code == 302
    link = IncubatedEnterprise.objects.get(carrier=world.a, enterprise=newcomer)
    assert (link.entered_year, link.graduated_year, link.invested) == (2025, None, False)
    edit = {"action": "edit", "credit_code": newcomer.credit_code, "entered_year": "2025"}
    r = c.post(INCUBATED, edit | {"graduated_year": "2024"}, follow=True)
    assert "毕业年度：毕业年度不能早于入驻年度（2025）" in r.content.decode()
    link.refresh_from_db()
    assert link.graduated_year is None
    r = c.post(INCUBATED, edit | {"invested_year": "2025"}, follow=True)
    assert "股权投资年度：填写股权投资年度须同时勾选「载体股权投资」" in r.content.decode()
    c.post(INCUBATED, edit | {"graduated_year": "2026", "invested": "1", "invested_year": "2025"})
    link.refresh_from_db()
    assert (link.graduated_year, link.invested, link.invested_year) == (2026, True, 2025)
    # unticking the investment while the year box still shows its year clears the year
    r = c.post(INCUBATED, edit | {"graduated_year": "2026", "invested_year": "2025"}, follow=True)
    assert "已保存：新入驻企业" in r.content.decode()
    link.refresh_from_db()
    assert (link.invested, link.invested_year) == (False, None)
    leave = {"action": "leave", "credit_code": newcomer.credit_code}
    r = c.post(INCUBATED, leave | {"left_on": "2025-03-01"}, follow=True)
    assert "退出原因：请选择：毕业、迁出、注销、误录" in r.content.decode()
    r = c.post(INCUBATED, leave | {"exit_reason": "moved", "left_on": "2025-03-01"}, follow=True)
    page = r.content.decode()
    assert "已登记退出：新入驻企业（迁出，2025-03-01）" in page
    link.refresh_from_db()
    assert (link.left_on.isoformat(), link.exit_reason) == ("2025-03-01", "moved")  # kept, dated
    former = page[page.index('data-testid="incubated-former"') :]
    current = page[page.index('data-testid="incubated-rows"') : page.index('data-testid="incubated-former"')]
    assert "新入驻企业" in former and "<td>2025-03-01</td><td>迁出</td>" in former
    assert "新入驻企业" not in current and "已退出的企业 1 家" in page
    log = ObjectChange.objects.filter(object_type="carriers.incubatedenterprise", object_id=str(link.pk))
    assert sorted(log.values_list("action", flat=True)) == ["create", "update", "update", "update"]
    assert log.order_by("-pk").first().user == world.users["op_a"]


def test_the_institution_reports_its_values_and_corrects_only_on_purpose(world, login):
    c = login("op_inst")
    page = c.get(f"{TARGETS}?year=2025").content.decode()
    assert 'name="v_T1" value="175"' in page and 'data-testid="reported"' in page
    r = c.post(TARGETS, {"year": "2025", "v_T1": "180"})
    page = r.content.decode()
    assert r.status_code == 200 and "「研发投入」2025 年已报送 175；如需更正请选择「更正已报送的值」" in page
    assert 'name="v_T1" value="180"' in page  # the typed value stays
    assert TargetValue.objects.get(target__code="T1", year=2025).value == 175
    r = c.post(TARGETS, {"year": "2025", "v_T1": "18o"})
    assert "「研发投入」的实际值应为数字：18o" in r.content.decode()
    r = c.post(TARGETS, {"year": "2025", "v_T1": "180", "correct": "1"})
    assert r.status_code == 302 and r["Location"] == "/carriers/c/I1/?year=2025"
    assert TargetValue.objects.get(target__code="T1", year=2025).value == 180
    c.post(TARGETS, {"year": "2026", "v_T1": "190"})
    assert TargetValue.objects.get(target__code="T1", year=2026).value == 190


def test_a_carrier_without_targets_says_so(world, login):
    page = login("op_a").get("/carriers/c/A1/targets/").content.decode()
    assert 'data-testid="no-targets"' in page and "该载体没有「一院一策」目标" in page


def test_the_pages_read_in_english_outside_proper_names(world, login):
    from tests.foundation.test_english_pages import CJK, english_text

    for name in ("op_a", "op_inst"):
        world.users[name].language = "en"
        world.users[name].save(update_fields=["language"])
    page = login("op_a").get(INCUBATED).content.decode()
    assert "Add an incubated enterprise" in page and "10 enterprises incubated or graduated" in page
    assert CJK.findall(english_text(page)) == []
    page = login("op_inst").get(f"{TARGETS}?year=2025").content.decode()
    assert "Correct values already reported" in page
    assert CJK.findall(english_text(page)) == []


def test_the_removal_warning_cannot_break_its_script(world, login, monkeypatch):
    from django.utils import translation

    gettext = translation._trans.gettext
    warning = "Remove? It's kept in the audit log"
    monkeypatch.setattr(
        translation._trans, "gettext", lambda m: warning if m.startswith("登记退出后") else gettext(m)
    )
    page = login("op_a").get(INCUBATED).content.decode()
    # the text is an attribute (HTML-escaped, read back as typed), not a literal inside the script
    assert (
        'data-confirm="Remove? It&#x27;s kept in the audit log" onclick="return confirm(this.dataset.confirm)"'
        in page
    )
