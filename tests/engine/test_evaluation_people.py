"""Talent recognition (人才分类评价, 认定 route): the rule sets per class A–F over the people vocabulary,
run by the rule engine at their thresholds — yes / no, unknown with the missing facts named, and the
gaps in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kechuang
from kechuang.engine.evaluation.people import person_value_text
from kechuang.engine.evaluation.recognise import (
    explain_person,
    load_carrier_ruleset,
    load_person_ruleset,
    load_person_rulesets,
    recognise_people,
)
from kechuang.engine.rules import RulesetError

FOLDER = Path(kechuang.__file__).parent / "carriers" / "data" / "talent_rules"


@pytest.fixture(scope="module")
def sets():
    return {rs.code: rs for rs in load_person_rulesets(FOLDER)}


def eligible(rs, **facts):
    frame = pl.DataFrame([{"id": "p", "full_time_dongguan": True, **facts}], infer_schema_length=None)
    return recognise_people(frame, [rs]).row(0, named=True)[f"{rs.code}_eligible"]


def test_six_classes_each_a_sample_citing_the_measures(sets):
    assert sorted(sets) == [f"talent_{c}" for c in "abcdef"]
    for rs in sets.values():
        assert rs.sample and "目录》未找到" in rs.sample_note
        assert rs.sources[0].title == "东莞市人才分类评价实施办法"


@pytest.mark.parametrize(
    ("code", "facts", "expected"),
    [
        ("talent_a", {"academician": True}, "yes"),
        ("talent_a", {"academician": False, "top_international_award": False}, "no"),
        ("talent_a", {"academician": False}, "unknown"),  # the award not stated
        ("talent_b", {"national_award": 2, "national_award_rank": 3}, "yes"),
        ("talent_b", {"national_award": 2, "national_award_rank": 4, "chief_scientist": False}, "no"),
        # second class only
        ("talent_b", {"national_award": 1, "national_award_rank": 1, "chief_scientist": False}, "no"),
        ("talent_b", {"national_award": 0, "chief_scientist": False}, "no"),  # the rank does not matter
        # B02: a chief scientist's class B depends on the experts' score (possible); not stated: unknown
        ("talent_b", {"national_award": 0, "chief_scientist": True}, "possible"),
        ("talent_b", {"national_award": 0}, "unknown"),
        ("talent_c", {"programme_level": 3}, "yes"),
        ("talent_c", {"programme_level": 2, "national_award": 1, "national_award_rank": 5}, "yes"),
        ("talent_c", {"programme_level": 2, "national_award": 1, "national_award_rank": 6}, "no"),
        ("talent_d", {"provincial_award": 3, "provincial_award_rank": 3}, "yes"),
        ("talent_d", {"provincial_award": 2, "provincial_award_rank": 1, "programme_level": 1}, "no"),
        ("talent_d", {"provincial_award": 0, "programme_level": 2}, "yes"),
        ("talent_e", {"annual_salary": 50, "years_in_dongguan": 2}, "yes"),
        ("talent_e", {"annual_salary": 49.99, "years_in_dongguan": 2}, "no"),
        ("talent_e", {"annual_salary": 50, "years_in_dongguan": 1.9}, "no"),
        ("talent_e", {"annual_salary": 60}, "unknown"),
        ("talent_f", {"title_level": 4}, "yes"),
        ("talent_f", {"title_level": 3, "degree_level": 4, "age": 45}, "yes"),
        ("talent_f", {"title_level": 3, "degree_level": 4, "age": 46}, "no"),
        ("talent_f", {"title_level": 3, "degree_level": 3, "age": 30}, "no"),
    ],
)
def test_each_class_at_its_thresholds(sets, code, facts, expected):
    assert eligible(sets[code], **facts) == expected


def test_not_working_in_dongguan_fails_every_class(sets):
    frame = pl.DataFrame([{"id": "p", "academician": True, "full_time_dongguan": False}])
    row = recognise_people(frame, [sets["talent_a"]]).row(0, named=True)
    assert (row["talent_a_eligible"], row["talent_a_failed"]) == ("no", "in_dongguan")


def test_gaps_name_the_shortfall_and_the_missing_facts_in_both_languages(sets):
    e, a = explain_person(
        {"annual_salary": 40, "years_in_dongguan": 1, "full_time_dongguan": True, "academician": False},
        [sets["talent_e"], sets["talent_a"]],
    )
    assert e.eligible == "no"
    salary, years, _ = e.conditions
    assert salary.text == "上年度工资薪金收入 40 万元，需 ≥ 50 万元：还差 10 万元"
    assert years.text == "在莞工作年限 1 年，需 ≥ 2 年：还差 1 年"
    assert years.text_en.endswith("1 more year needed")
    assert a.eligible == "unknown"
    assert a.conditions[0].missing == ["国际顶尖科技奖项获得者"]
    assert a.conditions[0].text_en == (
        "Class A criteria: data missing (Winner of a top international science award)"
    )


def test_rule_sets_of_one_vocabulary_are_refused_by_the_other():
    with pytest.raises(RulesetError, match="未知的列 academician"):
        load_carrier_ruleset(FOLDER / "talent_a.yaml")
    bad = (
        (FOLDER / "talent_a.yaml")
        .read_text(encoding="utf-8")
        .replace("expr: academician OR", "expr: incubated_count > 0 OR")
    )
    with pytest.raises(RulesetError, match="未知的列 incubated_count"):
        load_person_ruleset(bad)


def test_a_stated_fact_reads_as_words():
    assert person_value_text("title_level", 4.0) == "正高级"
    assert person_value_text("title_level", 4.0, english=True) == "Full senior"
    assert person_value_text("academician", False) == "否"
    assert person_value_text("annual_salary", 50.0) == "50万元"
    assert person_value_text("years_in_dongguan", 3.0, english=True) == "3 years"


def test_carrier_and_person_columns_are_named_by_one_function():
    from kechuang.engine.evaluation.columns import CARRIER_BY_NAME, carrier_label
    from kechuang.engine.evaluation.people import PERSON_BY_NAME, person_label
    from kechuang.engine.vocabulary import column_label

    assert person_label("age") == column_label(PERSON_BY_NAME, "age") == "年龄"
    assert person_label("age", english=True) == "Age"
    assert carrier_label("area") == column_label(CARRIER_BY_NAME, "area") == "可自主支配场地面积"
    assert carrier_label("area", english=True) == "Floor space at its own disposal"
    assert column_label(PERSON_BY_NAME, "area") == "area"  # another vocabulary's name: as it is
