"""An unknown condition's gap names only the blank inputs that would change its answer (three-valued
logic): in an OR a branch already true decides (nothing missing), a branch false for the known facts
cannot change it (its blank facts are not named); in an AND a false branch decides. Talent rule sets
(people vocabulary) and carrier rule sets (carrier vocabulary), through the one rule engine."""

from __future__ import annotations

from pathlib import Path

import pytest

import kechuang
from kechuang.engine.evaluation.recognise import (
    explain_carrier,
    explain_person,
    load_carrier_ruleset,
    load_person_ruleset,
)
from kechuang.engine.rules.branches import structure

DATA = Path(kechuang.__file__).parent / "carriers" / "data"


def _criteria(code: str, facts: dict):
    rs = load_person_ruleset(DATA / "talent_rules" / f"{code}.yaml")
    (verdict,) = explain_person(facts, [rs])
    return next(c for c in verdict.conditions if c.id == "criteria")


# talent_f: title_level >= 4 OR (degree_level >= 4 AND age <= 45)
@pytest.mark.parametrize(
    ("facts", "status", "missing"),
    [
        ({}, "missing", ["专业技术职称", "最高学历学位", "年龄"]),
        ({"degree_level": 3}, "missing", ["专业技术职称"]),  # the doctor's branch is false: age no matter
        ({"degree_level": 4}, "missing", ["专业技术职称", "年龄"]),  # a doctor: age decides with the title
        ({"degree_level": 4, "age": 46}, "missing", ["专业技术职称"]),  # 46 > 45: that branch is false
        ({"degree_level": 4, "age": 45}, "pass", []),  # at the boundary: the branch holds, title no matter
        ({"title_level": 4}, "pass", []),  # one true branch: nothing missing
        ({"title_level": 3, "age": 30}, "missing", ["最高学历学位"]),
        ({"title_level": 3, "degree_level": 3}, "fail", []),
    ],
)
def test_a_talent_gap_names_only_the_facts_that_would_change_the_answer(facts, status, missing):
    got = _criteria("talent_f", facts)
    assert (got.status, got.missing) == (status, missing)
    if status == "missing":
        assert got.text == f"F类认定标准：缺少数据（{'、'.join(missing)}）"


def test_the_english_gap_names_the_same_facts():
    got = _criteria("talent_f", {"degree_level": 3})
    assert got.missing_en == ["Professional title"] and got.text_en.endswith("(Professional title)")


def test_an_or_of_flags_a_known_false_one_leaves_the_other():
    assert _criteria("talent_a", {"academician": False}).missing == ["国际顶尖科技奖项获得者"]
    assert _criteria("talent_a", {"academician": True}).status == "pass"


def test_a_carrier_gap_leaves_out_a_branch_already_false():
    # incubator_standard: invested_share >= 0.10 OR funded_share >= 0.20
    standard = load_carrier_ruleset(DATA / "rulesets" / "incubator_standard.yaml")
    values = {"incubated_count": 20, "funded_count": 3}  # 15% funded: that branch is false
    (verdict,) = explain_carrier(values, [standard])
    equity = verdict.conditions[0]
    assert equity.status == "missing" and equity.missing == ["载体股权投资（确权实缴）的在孵企业数"]
    (verdict,) = explain_carrier({"incubated_count": 20, "funded_count": 4}, [standard])  # 20%: met
    assert verdict.conditions[0].status == "pass" and verdict.conditions[0].missing == []


def test_the_splitter_keeps_what_it_does_not_understand_whole():
    assert structure("a BETWEEN 1 AND 2 AND b").children[0].text == "a BETWEEN 1 AND 2"
    assert structure("(a OR b) AND NOT c").op == "and"
    assert structure("NOT (a OR b)").children[0].op == "or"
    assert structure("CASE WHEN a AND b THEN 1 END = 1").op == "atom"  # a piece is no SQL alone
