"""人才认定 rule sets answer "possible" as the rule engine does for enterprises: where only an
expert-judged item decides. Class B's catalogue entry B02 (国家重大科技项目首席科学家，经专家评定) is the
expert-judged score beside the direct route B01: a chief scientist working full time in Dongguan is
possible (the experts' score decides, cut-off 88), anyone else needs B01; a blank fact that would
decide leaves it unknown."""

from __future__ import annotations

import pytest

from kechuang.carriers import talent_rules
from tests.carriers.test_carriers_talent_facts import FORM

pytestmark = pytest.mark.django_db

B01 = {"national_award": 2, "national_award_rank": 3}


def _b(facts):
    return dict(talent_rules.verdicts(facts))["B"]


@pytest.mark.parametrize(
    ("facts", "eligible"),
    [
        ({"chief_scientist": True, "full_time_dongguan": True}, "possible"),
        ({"chief_scientist": True, "full_time_dongguan": True, "national_award": 1}, "possible"),
        ({"chief_scientist": True, "full_time_dongguan": False}, "no"),  # a condition fails: no
        ({"chief_scientist": False, "full_time_dongguan": True, "national_award": 1}, "no"),
        ({"chief_scientist": False, "full_time_dongguan": True}, "unknown"),  # B01 could still hold
        ({"full_time_dongguan": True, "national_award": 1}, "unknown"),  # chief scientist or not?
        ({**B01, "full_time_dongguan": True}, "yes"),  # the direct route: no expert score needed
        ({**B01, "national_award_rank": 4, "full_time_dongguan": True, "chief_scientist": False}, "no"),
    ],
)
def test_class_b_is_possible_where_only_the_experts_decide(facts, eligible):
    assert _b(facts).eligible == eligible


def test_the_verdict_says_what_decides_it():
    v = _b({"chief_scientist": True, "full_time_dongguan": True})
    expert = next(c for c in v.conditions if c.kind == "score")
    assert expert.status == "possible" and expert.text == "专家评定得分 0–100 分，需 ≥ 88 分：取决于专家评分"
    assert v.routes[0].status == "missing" and v.routes[0].missing == [
        "国家科学技术奖（最高）",
        "国家科学技术奖完成人排名",
    ]  # the route's blank facts named by their labels
    not_chief = _b({"chief_scientist": False, "full_time_dongguan": True, "national_award": 1})
    assert "还差 88 分" in next(c.text for c in not_chief.conditions if c.kind == "score")
    assert talent_rules.qualifying_class(talent_rules.verdicts({"chief_scientist": True})) is None


def test_the_apply_check_and_the_api_show_possible(world, login):
    c = login("app_1")
    page = c.post(
        "/carriers/talent/apply/",
        {"check": "1", "fact_chief_scientist": "1", "fact_full_time_dongguan": "1"},
    ).content.decode()
    assert "可能符合（取决于专家评审项）" in page and "取决于专家评分" in page
    body = {k: v for k, v in FORM.items() if k != "id_number"} | {
        "id_number": "P1",
        "facts": {"chief_scientist": True, "full_time_dongguan": True},
    }
    made = c.post("/api/carriers/talent", body, content_type="application/json")
    assert made.status_code == 201, made.content
    got = c.get(f"/api/carriers/talent/{made.json()['id']}").json()
    b = next(v for v in got["verdicts"] if v["talent_class"] == "B")
    assert b["eligible"] == "possible" and b["routes"][0]["id"] == "criteria"
