"""The talent API carries what the pages show (issue 13 §1, §5): an applicant states the facts with the
application (POST /api/carriers/talent), refused as the apply form refuses them (the fact named,
nothing written); GET /api/carriers/talent/{id} returns the facts, the recognition rules per class
on them (yes / no / unknown with the gaps) and, for 专家评定, the evaluation template's result — the
same as the application's page, with the English beside the Chinese; scope as the page's."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from kechuang.carriers import talent_rules
from kechuang.carriers.models import TalentApplication
from tests.carriers.test_carriers_talent_facts import FACTS_29_5, FORM, _expert_app

pytestmark = pytest.mark.django_db

BODY = FORM | {"id_number": "110101199001011234", "evidence": "业绩"}
FACTS = {
    "title_level": 4,
    "full_time_dongguan": True,
    "annual_salary": 40,
    "years_in_dongguan": 1,
    "academician": False,
}


def _post(c, body):
    return c.post("/api/carriers/talent", json.dumps(body), content_type="application/json")


def test_the_facts_stated_through_the_api_come_back_with_the_class_they_qualify_for(world, login):
    c = login("app_1")
    r = _post(c, BODY | {"facts": FACTS})
    assert r.status_code == 201, r.content
    made = r.json()
    app = TalentApplication.objects.get(pk=made["id"])
    assert app.facts == {
        "title_level": 4.0,
        "full_time_dongguan": True,
        "annual_salary": 40.0,
        "years_in_dongguan": 1.0,
        "academician": False,
    }
    one = c.get(f"/api/carriers/talent/{app.pk}").json()
    assert one["facts"] == made["facts"] == app.facts
    assert [f for f in c.get("/api/carriers/talent").json() if f["id"] == app.pk][0]["facts"] == app.facts
    assert one["qualifies"] == made["qualifies"] == "F"
    title = next(f for f in one["fact_rows"] if f["name"] == "title_level")
    assert (title["label"], title["value"], title["label_en"], title["value_en"]) == (
        "专业技术职称",
        "正高级",
        "Professional title",
        "Full senior",
    )
    verdicts = {v["talent_class"]: v for v in one["verdicts"]}
    assert list(verdicts) == ["A", "B", "C", "D", "E", "F"]
    assert (verdicts["F"]["eligible"], verdicts["F"]["eligible_label"]) == ("yes", "符合")
    e = verdicts["E"]
    assert (e["eligible"], e["eligible_label"], e["eligible_label_en"]) == ("no", "不符合", "Not met")
    salary = next(c for c in e["conditions"] if c["status"] == "fail")
    assert salary["text"] == "上年度工资薪金收入 40 万元，需 ≥ 50 万元：还差 10 万元"
    assert "CNY 100k short" in salary["text_en"]
    a = verdicts["A"]
    assert a["eligible"] == "unknown" and a["eligible_label"] == "数据不全"
    assert any("国际顶尖科技奖项获得者" in c["missing"] for c in a["conditions"])
    assert one["evaluation"] is None  # 认定: no template result


def test_without_facts_the_application_states_none_and_no_class_is_met(world, login):
    r = _post(login("app_1"), BODY)
    assert r.status_code == 201, r.content
    assert r.json()["facts"] == {} and r.json()["fact_rows"] == [] and r.json()["qualifies"] is None
    assert {v["eligible"] for v in r.json()["verdicts"]} <= {"unknown", "no"}


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"age": 10}, "「年龄」须在 16 到 100 之间"),
        ({"title_level": 7}, "「专业技术职称」的取值 7 不在可选范围内"),
        ({"shoe_size": 42}, "不认识的申报事实：shoe_size"),
        ({"academician": 1}, "「中国科学院或中国工程院院士」须为是或否"),
        ({"projects_led": True}, "「主持省级及以上科技计划项目数」须为数字：True"),
        ({"annual_salary": "很多"}, "「上年度工资薪金收入」须为数字：很多"),
        ({"years_in_dongguan": [3]}, "「在莞工作年限」须为数字：[3]"),
    ],
)
def test_a_bad_fact_is_refused_naming_it_and_nothing_is_written(world, login, facts, message):
    r = _post(login("app_1"), BODY | {"facts": {"title_level": 4} | facts})
    assert r.status_code == 400, r.content
    assert message in r.json()["detail"]
    assert not TalentApplication.objects.exists()


@pytest.mark.parametrize(
    ("name", "form_value", "api_value", "accepted"),
    [
        ("age", "16", 16, True),
        ("age", "15", 15, False),
        ("years_in_dongguan", "60", 60, True),
        ("years_in_dongguan", "61", 61, False),
        ("programme_level", "3", 3, True),
        ("programme_level", "4", 4, False),
        ("patents_as_inventor", "-1", -1, False),
        ("full_time_dongguan", "1", True, True),
        ("full_time_dongguan", "", None, True),  # not stated
    ],
)
def test_the_api_accepts_and_refuses_a_fact_as_the_apply_form_does(
    world, login, name, form_value, api_value, accepted
):
    c = login("app_1")
    page = c.post("/carriers/talent/apply/", FORM | {f"fact_{name}": form_value})
    assert (page.status_code == 302) is accepted
    TalentApplication.objects.all().delete()
    api = _post(c, BODY | {"facts": {name: api_value}})
    assert (api.status_code == 201) is accepted, api.content
    assert TalentApplication.objects.exists() is accepted


def _page_verdicts(page: str) -> dict[str, tuple[str, list[str]]]:
    tree = lxml_html.fromstring(page)
    out = {}
    for tr in tree.xpath('//*[@data-testid="talent-verdicts"]//tr[@data-class]'):
        badge = tr.xpath(".//span[contains(@class, 'badge')]")[0].text_content().strip()
        out[tr.get("data-class")] = (badge, [li.text_content().strip() for li in tr.xpath(".//li")])
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_results_are_the_pages(world, login, language):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5, full_time_dongguan=True, age=40)
    talent_rules.store_results(talent_rules.period_of(app))  # the decision page's 运行
    world.users["bureau"].language = language
    world.users["bureau"].save(update_fields=["language"])
    c = login("bureau")
    page = c.get(app.get_absolute_url()).content.decode()
    got = c.get(f"/api/carriers/talent/{app.pk}").json()
    en = "_en" if language == "en" else ""
    shown = _page_verdicts(page)
    assert list(shown) == [v["talent_class"] for v in got["verdicts"]]
    for v in got["verdicts"]:
        badge, items = shown[v["talent_class"]]
        assert badge == v[f"eligible_label{en}"]
        listed = v["routes"] + v["conditions"]  # the direct routes first, as the page lists them
        assert len(items) == len(listed)
        for item, cond in zip(items, listed, strict=True):
            assert cond[f"text{en}"] in item
    assert got["qualifies"] == "D"
    tree = lxml_html.fromstring(page)
    assert (
        tree.xpath('//*[@data-testid="qualifies"]')[0]
        .text_content()
        .strip()
        .endswith("D类的认定条件" if not en else "class D")
    )
    ev = got["evaluation"]
    assert tree.xpath('//*[@data-testid="template-total"]')[0].text_content() == f"{ev['total']:g}" == "83.5"
    assert tree.xpath('//*[@data-testid="template-grade"]')[0].text_content() == ev[f"grade_label{en}"]
    assert (ev["grade"], ev["grade_label"], ev["rank"], ev["cohort_size"]) == ("C", "C类", 1, 1)
    assert "距「B类」还差 4.5 分" in ev["lift"] and ev["lift_en"] and ev["lift_en"] != ev["lift"]
    rows = tree.xpath('//*[@data-testid="talent-indicators"]//tbody/tr')
    assert len(rows) == len(ev["indicators"])
    for tr, ind in zip(rows, ev["indicators"], strict=True):
        cells = [td.text_content().strip() for td in tr.xpath("td")]
        assert cells[0] == ind[f"label{en}"]
        assert cells[1] == f"{ind[f'value_text{en}']} {ind[f'unit{en}']}".strip()
    years = next(i for i in ev["indicators"] if i["value_text"] == "5年")
    assert years["value_text_en"] == "5 years" and years["unit"] == ""
    facts = {f["name"]: f for f in got["fact_rows"]}
    assert facts["age"]["value"] == "40岁" and facts["full_time_dongguan"]["value_en"] == "Yes"


def test_another_applicant_cannot_read_it_and_the_employer_reads_its_own(world, login):
    app = _post(login("app_1"), BODY | {"facts": FACTS}).json()
    url = f"/api/carriers/talent/{app['id']}"
    assert login("app_1").get(url).status_code == 200
    assert login("app_2").get(url).status_code == 404
    assert app["id"] not in {a["id"] for a in login("app_2").get("/api/carriers/talent").json()}
    assert login("enterprise").get(url).status_code == 404  # not its employee
    TalentApplication.objects.filter(pk=app["id"]).update(employer_org=world.users["enterprise"].org)
    assert login("enterprise").get(url).json()["facts"] == app["facts"]
    assert login("bureau").get(url).json()["qualifies"] == "F"
    assert login("app_1").get("/api/carriers/talent/999999").status_code == 404


def test_the_template_result_is_for_those_who_decide_only(world, login):
    """As on the page: the applicant (and the employer) read the facts and the rules, not the cohort
    rank and the advice that inform the decision."""
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5, full_time_dongguan=True, age=40)
    talent_rules.store_results(talent_rules.period_of(app))  # the decision page's 运行
    url = f"/api/carriers/talent/{app.pk}"
    own = login("app_1").get(url).json()
    assert own["evaluation"] is None and own["qualifies"] == "D"
    assert login("bureau").get(url).json()["evaluation"]["grade"] == "C"


def test_the_list_gives_each_applications_class_results_as_the_single_answer(world, login):
    mine = _post(login("app_1"), BODY | {"facts": FACTS}).json()
    bare = _post(login("app_1"), BODY | {"id_number": "X2"}).json()
    for who in ("app_1", "bureau"):
        c = login(who)
        listed = {a["id"]: a for a in c.get("/api/carriers/talent").json()}
        for made in (mine, bare):
            one = c.get(f"/api/carriers/talent/{made['id']}").json()
            assert listed[made["id"]]["verdicts"] == one["verdicts"]
            assert listed[made["id"]]["qualifies"] == one["qualifies"]
    assert listed[mine["id"]]["qualifies"] == "F" and listed[bare["id"]]["qualifies"] is None
    assert [v["talent_class"] for v in listed[mine["id"]]["verdicts"]] == list("ABCDEF")
