"""Self-check (资格自测): an enterprise tries "what if" figures; the verdicts change, nothing is saved."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def field_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_enterprise_user_gets_its_own_figures_prefilled(population, client_for):
    html = client_for("enterprise").get("/enterprises/selfcheck/").content.decode()
    assert "东莞示例科技有限公司" in html and population.own in html
    assert field_value(html, "year") == "2024"
    assert float(field_value(html, "revenue")) == 10000 and float(field_value(html, "rd_expense")) == 300
    assert field_value(html, "employees") == "100"
    assert "不会保存" in html
    assert "研发费用占比 3%，需 ≥ 4%：近三年研发费用还差 300 万元" in html  # the stored verdicts first


def test_enterprise_user_cannot_check_another_enterprise(population, client_for):
    client = client_for("enterprise")
    assert client.get(f"/enterprises/selfcheck/?code={population.songshanhu[2]}").status_code == 404
    assert (
        client.post(f"/enterprises/selfcheck/?code={population.songshanhu[2]}", {"year": 2024}).status_code
        == 404
    )


def test_staff_choose_an_enterprise_within_their_scope(population, client_for):
    bureau = client_for("bureau")
    assert 'name="code"' in bureau.get("/enterprises/selfcheck/").content.decode()
    assert bureau.get(f"/enterprises/selfcheck/?code={population.humen[0]}").status_code == 200
    songshanhu = client_for("songshanhu")
    assert songshanhu.get(f"/enterprises/selfcheck/?code={population.songshanhu[4]}").status_code == 200
    assert songshanhu.get(f"/enterprises/selfcheck/?code={population.humen[0]}").status_code == 404


@pytest.mark.parametrize("persona", ["bank", "university"])
def test_bank_and_university_have_no_self_check(persona, population, client_for):
    assert client_for(persona).get("/enterprises/selfcheck/").status_code == 403


def test_what_if_changes_the_verdict_and_saves_nothing(population, client_for, snapshot):
    client = client_for("enterprise")
    form = client.get("/enterprises/selfcheck/").content.decode()
    data = {
        name: value
        for name, value in re.findall(r'<input type="(?:number|hidden)" name="(\w+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }
    data["rd_expense"] = "600"
    data["rd_expense_domestic"] = "600"
    before = snapshot()
    html = client.post("/enterprises/selfcheck/", data).content.decode()
    assert snapshot() == before  # no Enterprise, Fact, FactRevision, TierRecord or Upload row changed

    gaoqi = html.split('data-testid="verdict-gaoqi"')[1].split("</section>")[0]
    rd = re.search(r'data-condition="rd_ratio">(.*?)</tr>', gaoqi, re.S).group(1)
    assert "符合" in rd and "需 ≥ 4%：符合" in rd  # 300+300+600 = 1200 of 30000 = 4%
    assert 'data-testid="comparison"' in html and "300 → <strong>600</strong>" in html
    # The stored page is unchanged.
    page = client.get(f"/enterprises/{population.own}/").content.decode()
    assert "研发费用占比 3%，需 ≥ 4%：近三年研发费用还差 300 万元" in page


def test_bad_numbers_are_refused_in_chinese(population, client_for, snapshot):
    before = snapshot()
    html = (
        client_for("enterprise")
        .post("/enterprises/selfcheck/", {"year": 2024, "revenue": "-1"})
        .content.decode()
    )
    assert "确保该值大于或等于 0" in html or "大于或等于" in html
    assert snapshot() == before


def test_self_check_for_another_year(population, client_for):
    html = client_for("enterprise").get("/enterprises/selfcheck/?year=2023").content.decode()
    assert field_value(html, "year") == "2023"
