"""Talent through the rule engine and the evaluation engine (issue 13 §1, §5): the applicant enters
the facts in the apply form, checks them against the 认定 rules per class A–F before applying, and the
application page shows which class the facts qualify for with the gaps; for 专家评定 the decision page
shows the evaluation template's result beside the expert average."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers import services, talent_rules
from kechuang.carriers.models import TalentApplication

pytestmark = pytest.mark.django_db

FORM = {
    "person_name": "王五",
    "employer_name": "丙研究院",
    "region_code": "441900401",
    "route": "recognition",
    "claimed_class": "F",
    "criterion": "F01",
    "id_number": "X9",
}
FACTS = {
    "fact_title_level": "4",
    "fact_full_time_dongguan": "1",
    "fact_annual_salary": "40",
    "fact_years_in_dongguan": "1",
    "fact_academician": "0",
}


def test_facts_entered_in_the_form_are_stored_and_the_page_shows_the_class_they_qualify_for(world, login):
    c = login("app_1")
    r = c.post("/carriers/talent/apply/", FORM | FACTS)
    assert r.status_code == 302
    app = TalentApplication.objects.get(person_name="王五")
    assert app.facts == {
        "title_level": 4.0,
        "full_time_dongguan": True,
        "annual_salary": 40.0,
        "years_in_dongguan": 1.0,
        "academician": False,
    }
    page = c.get(app.get_absolute_url()).content.decode()
    assert "所填事实符合 F类的认定条件" in page
    assert "<th>专业技术职称</th><td>正高级</td>" in page
    assert "上年度工资薪金收入 40 万元，需 ≥ 50 万元：还差 10 万元" in page  # class E's gap
    assert "A类认定标准：缺少数据（国际顶尖科技奖项获得者）" in page  # unknown: a fact not stated


def test_checking_the_facts_writes_nothing_and_shows_the_result(world, login):
    c = login("app_1")
    r = c.post(
        "/carriers/talent/apply/", {"check": "1", "fact_annual_salary": "50", "fact_years_in_dongguan": "2"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and not TalentApplication.objects.exists()
    assert 'data-testid="talent-rules"' in page
    assert 'name="check" value="1" formnovalidate' in page  # the browser checks without name or ID
    assert "所填事实尚不符合任何一类的认定条件" in page  # full-time work in Dongguan not stated
    assert "这个字段是必填项" not in page and "This field is required" not in page
    r = c.post(
        "/carriers/talent/apply/",
        {
            "check": "1",
            "fact_annual_salary": "50",
            "fact_years_in_dongguan": "2",
            "fact_full_time_dongguan": "1",
        },
    )
    assert "所填事实符合 E类的认定条件" in r.content.decode()


def test_a_fact_out_of_range_is_refused_naming_it_and_nothing_is_written(world, login):
    c = login("app_1")
    r = c.post("/carriers/talent/apply/", FORM | {"fact_age": "10"})
    assert r.status_code == 200 and not TalentApplication.objects.exists()
    assert "确保该值大于或等于16" in r.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.submit_application(
            world.users["app_1"],
            "X9",
            **{k: v for k, v in FORM.items() if k != "id_number"},
            facts={"age": 10, "title_level": 7, "shoe_size": 42},
        )
    assert exc.value.messages == [
        "「年龄」须在 16 到 100 之间",
        "「专业技术职称」的取值 7 不在可选范围内",
        "不认识的申报事实：shoe_size",
    ]
    assert not TalentApplication.objects.exists()


def _expert_app(user, score, **facts):
    app = services.submit_application(
        user,
        f"E{score}",
        person_name=f"专家评定{score}",
        employer_name="丙研究院",
        region_code="441900401",
        route="expert",
        claimed_class="B",
        criterion="B02",
        facts=facts,
    )
    TalentApplication.objects.filter(pk=app.pk).update(expert_score=score, status="scored")
    app.refresh_from_db()
    return app


FACTS_29_5 = {
    "title_level": 4,
    "programme_level": 2,
    "projects_led": 1,
    "patents_as_inventor": 3,
    "years_in_dongguan": 5,
}


def test_the_expert_template_grades_at_its_cut_offs(world):
    # facts earn 10 + 7 + 5 + 2.5 + 5 = 29.5 points; the expert average 60% of its value
    on_line = _expert_app(world.users["app_1"], 97.5, **FACTS_29_5)  # 58.5 + 29.5 = 88: B
    below = _expert_app(world.users["app_2"], 97.4, **FACTS_29_5)  # 87.94: C
    result = {
        r["id"]: r
        for r in talent_rules.run_template(TalentApplication.objects.all(), "2026").iter_rows(named=True)
    }
    assert (result[str(on_line.pk)]["total"], result[str(on_line.pk)]["grade"]) == (88.0, "B")
    assert (result[str(below.pk)]["total"], result[str(below.pk)]["grade"]) == (87.94, "C")
    assert result[str(below.pk)]["rank"] == 2


def test_the_decision_page_shows_the_template_result_beside_the_expert_average(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    talent_rules.store_results(talent_rules.period_of(app))  # the decision page's 运行
    page = login("bureau").get(app.get_absolute_url()).content.decode()
    assert 'data-testid="talent-evaluation"' in page
    assert "<th>专家评分（平均）</th><td>90</td>" in page
    assert 'data-testid="template-total">83.5<' in page
    assert 'data-testid="template-grade">C类<' in page
    assert "距「B类」还差 4.5 分" in page
    assert "<td>5年 </td>" in page and "<td>正高级 </td>" in page  # a fact in words, its unit once
    # a 认定 application has no template result
    plain = services.submit_application(
        world.users["app_2"], "R1", **{k: v for k, v in FORM.items() if k != "id_number"}
    )
    assert (
        'data-testid="talent-evaluation"'
        not in login("bureau").get(plain.get_absolute_url()).content.decode()
    )


def test_only_who_decides_sees_the_template_result_rank_and_advice(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    talent_rules.store_results(talent_rules.period_of(app))  # the decision page's 运行
    assert (
        'data-testid="template-total">83.5<' in login("bureau").get(app.get_absolute_url()).content.decode()
    )
    for who in ("app_1", "expert_1"):
        r = login(who).get(app.get_absolute_url())
        if who == "app_1":
            assert r.status_code == 200  # the applicant reads their own application
        page = r.content.decode()
        assert 'data-testid="talent-evaluation"' not in page and "同批排名" not in page
        assert "提升建议" not in page and "距「B类」还差" not in page


def test_the_pages_read_in_english(world, login):
    from tests.foundation.test_english_pages import CJK, english_text

    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5, full_time_dongguan=True, age=40)
    talent_rules.store_results(talent_rules.period_of(app))  # the decision page's 运行
    for name in ("app_1", "bureau"):
        world.users[name].language = "en"
        world.users[name].save(update_fields=["language"])
    page = login("bureau").get(app.get_absolute_url()).content.decode()
    assert "Class the template suggests" in page and "Full senior" in page
    assert "The facts entered meet the recognition conditions of class D" in page  # a provincial programme
    c = login("app_1")
    form = c.get("/carriers/talent/apply/").content.decode()
    assert "Wages and salary of last year (CNY 10k)" in form and "Not stated" in form
    checked = c.post("/carriers/talent/apply/", {"check": "1", "fact_annual_salary": "40"}).content.decode()
    assert "CNY 100k short" in checked
    from lxml import html as lxml_html

    sections = [
        "talent-facts",
        "talent-evaluation",
        "talent-indicators",
        "talent-rules",
        "talent-fact-fields",
    ]
    for text in (page, checked, form):
        tree = lxml_html.fromstring(text)
        for testid in sections:
            for node in tree.xpath(f'//*[@data-testid="{testid}"]'):
                left = CJK.findall(english_text(lxml_html.tostring(node, encoding="unicode")))
                assert left == [], (testid, left)
