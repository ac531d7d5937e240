"""The registry list, its Excel export and the enterprise page (画像), persona by persona."""

from __future__ import annotations

import io
import re

import pytest

from tests.enterprises.conftest import HUMEN, SONGSHANHU, import_facts
from tests.personas import ENTERPRISE_CREDIT_CODE

pytestmark = pytest.mark.django_db

CODE_LINK = re.compile(r'href="/enterprises/([0-9A-Z]{18})/"')
EVERYONE_SEES_ALL = ("admin", "bureau", "reporter", "leader")


def listed(client, query: str = "") -> set[str]:
    response = client.get(f"/enterprises/registry/{query}")
    assert response.status_code == 200
    return set(CODE_LINK.findall(response.content.decode()))


def expected_for(persona: str, population) -> set[str]:
    if persona in EVERYONE_SEES_ALL:
        return set(population.all)
    return {
        "songshanhu": set(population.songshanhu),
        "humen": set(population.humen),
        "enterprise": {ENTERPRISE_CREDIT_CODE},
    }[persona]


@pytest.mark.parametrize("persona", [*EVERYONE_SEES_ALL, "songshanhu", "humen", "enterprise"])
def test_the_list_shows_exactly_the_enterprises_in_scope(persona, population, client_for):
    assert listed(client_for(persona)) == expected_for(persona, population)


@pytest.mark.parametrize("persona", ["bank", "university"])
def test_bank_and_university_cannot_open_the_registry(persona, population, client_for):
    client = client_for(persona)
    assert client.get("/enterprises/registry/").status_code == 403
    assert client.get("/enterprises/registry/export/").status_code == 403
    assert client.get(f"/enterprises/{population.own}/").status_code == 403


def test_outsider_is_sent_to_login(population, client_for):
    for url in ("/enterprises/registry/", f"/enterprises/{population.own}/", "/enterprises/registry/export/"):
        response = client_for("outsider").get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_town_officer_gets_404_for_another_towns_enterprise(population, client_for):
    songshanhu = client_for("songshanhu")
    assert songshanhu.get(f"/enterprises/{population.songshanhu[3]}/").status_code == 200
    assert songshanhu.get(f"/enterprises/{population.humen[0]}/").status_code == 404
    assert client_for("humen").get(f"/enterprises/{population.songshanhu[3]}/").status_code == 404


def test_enterprise_user_sees_only_its_own_page(population, client_for):
    client = client_for("enterprise")
    assert client.get(f"/enterprises/{population.own}/").status_code == 200
    assert client.get(f"/enterprises/{population.songshanhu[1]}/").status_code == 404


def test_filters_narrow_the_list(population, client_for):
    from kechuang.enterprises.models import Enterprise, TierRecord

    client = client_for("bureau")
    assert listed(client, f"?region={HUMEN}") == set(population.humen)
    assert listed(client, "?q=东莞示例科技") == {population.own}
    assert listed(client, f"?q={population.own[-6:].lower()}") == {population.own}
    section_c = set(
        Enterprise.objects.filter(industry_code__startswith="C").values_list("credit_code", flat=True)
    )
    assert listed(client, "?section=C") == section_c
    electronics = set(Enterprise.objects.filter(tech_field="电子信息").values_list("credit_code", flat=True))
    assert population.own in electronics and listed(client, "?tech_field=电子信息") == electronics
    kexiao = set(
        TierRecord.objects.filter(year=2024, tier="kexiao").values_list("enterprise__credit_code", flat=True)
    )
    assert population.own in kexiao and listed(client, "?tier=kexiao") == kexiao


def test_a_town_officer_cannot_widen_the_scope_with_a_filter(population, client_for):
    assert listed(client_for("songshanhu"), f"?region={HUMEN}") <= set(population.songshanhu)


def test_export_is_the_filtered_list_in_excel_with_chinese_headers(population, client_for):
    import openpyxl

    response = client_for("songshanhu").get(f"/enterprises/registry/export/?region={SONGSHANHU}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("统一社会信用代码", "企业名称", "所属镇街")
    assert rows[0][-1] == "梯队（2024 年，计算列）"
    assert {r[0] for r in rows[1:]} == set(population.songshanhu)
    assert {r[2] for r in rows[1:]} == {"松山湖高新技术产业开发区"}
    own = next(r for r in rows if r[0] == population.own)
    assert own[1] == "东莞示例科技有限公司" and own[-1] == "科技型中小企业"


def test_list_and_export_query_counts_do_not_grow_with_rows(
    population, client_for, django_assert_max_num_queries
):
    client = client_for("bureau")
    client.get("/")  # the session exists before counting
    with django_assert_max_num_queries(10):
        client.get("/enterprises/registry/")
    with django_assert_max_num_queries(10):
        client.get("/enterprises/registry/export/")


# --- the enterprise page ------------------------------------------------------------------------


def own_verdicts(year: int = 2024):
    from kechuang.enterprises.models import Enterprise
    from kechuang.enterprises.qualification import verdicts

    return {v.code: v for v in verdicts(Enterprise.objects.get(credit_code=ENTERPRISE_CREDIT_CODE), year)}


def test_portrait_shows_the_gap_sentence_for_the_failing_rd_condition(population, client_for):
    rd = next(c for c in own_verdicts()["gaoqi"].conditions if c.id == "rd_ratio")
    assert rd.status == "fail"
    assert rd.text == "研发费用占比 3%，需 ≥ 4%：近三年研发费用还差 300 万元"
    html = client_for("enterprise").get(f"/enterprises/{population.own}/").content.decode()
    assert rd.text in html
    assert 'data-testid="eligible-gaoqi">不符合' in html
    assert "2024 年度资格判定" in html  # the latest year by default


def test_portrait_shows_every_rule_set_with_labels_for_samples_and_unverified_items(population, client_for):
    html = client_for("bureau").get(f"/enterprises/{population.own}/").content.decode()
    for code in ("kexiao", "gaoqi", "guishang", "gazelle", "lingjun"):
        assert f'data-testid="verdict-{code}"' in html
    assert html.count("示例规则，须经市科技局确认") >= 2  # 瞪羚, 科技领军
    assert "未核实" in html
    assert "技术的先进程度" in html  # a judged 高企 item, listed with the score range


def test_portrait_shows_facts_by_year_with_units_sources_and_tier_history(population, client_for):
    html = client_for("bureau").get(f"/enterprises/{population.own}/").content.decode()
    facts = html.split('data-testid="facts-table"')[1].split("</table>")[0]
    for text in ("营业收入", "万元", "职工总数", "人", "I类知识产权数（有效）", "件", "2022", "2023", "2024"):
        assert text in facts
    assert "10,000" in facts and "企业年度数据.csv" in facts
    tiers = html.split('data-testid="tier-history"')[1].split("</table>")[0]
    assert "2023" in tiers and "2024" in tiers and "科技型中小企业" in tiers
    registry = html.split('data-testid="registry-fields"')[1].split("</table>")[0]
    assert "松山湖高新技术产业开发区" in registry and "企业名录.csv" in registry and "市级" in registry


def test_year_selector_evaluates_another_year(population, client_for):
    html = client_for("bureau").get(f"/enterprises/{population.own}/?year=2023").content.decode()
    assert "2023 年度资格判定" in html
    assert own_verdicts(2023)["gaoqi"].conditions[0].text in html


def test_revision_history_after_a_second_upload_changing_one_field(population, client_for, tmp_path):
    from kechuang.enterprises.models import Fact, FactRevision

    own_2024 = population.facts.filter(
        (population.facts["credit_code"] == population.own) & (population.facts["year"] == 2024)
    )
    changed = own_2024.with_columns(rd_expense=own_2024["rd_expense"] * 0 + 450.0)
    import_facts(changed, tmp_path / "second", name="统计局修订.csv", department="tjj")

    revision = FactRevision.objects.get(enterprise__credit_code=population.own, year=2024)
    assert set(revision.old_values) == {"rd_expense"} and revision.old_values["rd_expense"][0] == 300.0
    fact = Fact.objects.get(enterprise__credit_code=population.own, year=2024)
    assert (fact.rd_expense, fact.revenue, fact.employees) == (450.0, 10000.0, 100)

    html = client_for("bureau").get(f"/enterprises/{population.own}/").content.decode()
    history = html.split('data-testid="revision-history"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", history, re.S)[1:]
    assert len(rows) == 1
    row = rows[0]
    assert "研究开发费用" in row and "2024" in row and ">300<" in row and ">450<" in row
    old_source, new_source = re.findall(r'<td class="small">(.*?)</td>', row)
    assert "企业年度数据.csv" in old_source and "市科技局" in old_source
    assert "统计局修订.csv" in new_source and "市统计局" in new_source
    facts = html.split('data-testid="facts-table"')[1].split("</table>")[0]
    assert facts.count("revised") == 1  # only the replaced cell is marked
    cell = re.search(r'<td class="num revised" title="(.*?)">(.*?)<', facts)
    assert "统计局修订.csv" in cell.group(1) and cell.group(2) == "450"


def test_detail_query_count_is_bounded(population, client_for, django_assert_max_num_queries):
    client = client_for("bureau")
    client.get("/")  # the session exists before counting
    with django_assert_max_num_queries(14):
        assert client.get(f"/enterprises/{population.own}/").status_code == 200
