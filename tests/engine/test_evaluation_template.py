"""Evaluation templates as data: the shipped ones load; a bad one is refused in Chinese, naming the entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kechuang
from kechuang.engine.evaluation import TemplateError, load_template

SHIPPED = sorted((Path(kechuang.__file__).parent / "carriers" / "data" / "templates").glob("*.yaml"))

GOOD = """
code: t
name: 模板
version: "1"
subject: incubator
classes: {comprehensive: 综合}
indicators:
  - {id: a, label: 甲, column: a, weights: {comprehensive: 100}, method: linear, low: 0, high: 10}
grades:
  - {code: 合格, label: 合格, min: 60}
  - {code: 不合格, label: 不合格, failing: true}
"""


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_templates_load_and_are_marked_sample(path):
    t = load_template(path)
    assert t.sample and t.sample_note
    for cls in t.classes:
        assert t.full_points(cls) == 100


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_templates_carry_their_english_names(path):
    """The English evaluation pages show name_en, sample_note_en, class and grade names (decision 0023)."""
    t = load_template(path)
    assert t.name_en and t.sample_note_en and t.version_en
    classes, grades = t.labels(english=True)
    assert classes.keys() == t.classes.keys() and grades.keys() == {g.code for g in t.grades}
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]")
    english = [t.name_en, t.sample_note_en, t.version_en, *classes.values(), *grades.values()]
    english += [i.label_en for i in t.indicators] + [i.group_en for i in t.indicators if i.group]
    english += [i.unit_en for i in t.indicators if i.unit not in ("", "%")]
    english += [text for r in t.rewards for text in (r.label_en, r.note_en)]
    assert all(english), "every indicator has label_en (group_en, unit_en where it has a group, a unit)"
    assert not [text for text in english if cjk.search(text)]
    assert not t.consequence or (t.consequence.text_en and not cjk.search(t.consequence.text_en))
    assert t.labels(english=False) == (t.classes, {g.code: g.label for g in t.grades})


def test_a_template_without_english_names_shows_the_chinese_ones():
    t = load_template(GOOD)
    assert t.labels(english=True) == ({"comprehensive": "综合"}, {"合格": "合格", "不合格": "不合格"})
    with pytest.raises(TemplateError, match="classes_en 有未定义的类别：specialised"):
        load_template(GOOD + "classes_en: {specialised: Specialised}\n")


def test_the_incubator_template_scores_classes_differently():
    t = load_template(next(p for p in SHIPPED if p.stem == "incubator_operation"))
    weights = {i.id: i.weights for i in t.indicators}
    assert weights["industry_focus"]["specialised"] > weights["industry_focus"]["comprehensive"]


def test_a_good_template_loads():
    assert load_template(GOOD).grades[-1].failing


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "weights: {comprehensive: 100}",
            "weights: {specialised: 100}",
            "指标 a 的 weights 须为每个类别写分值",
        ),
        ("method: linear, low: 0, high: 10", "method: linear, low: 0", "linear 方法须写 low"),
        ("method: linear, low: 0, high: 10", "method: thresholds", "thresholds 方法须写 steps"),
        (
            "{code: 合格, label: 合格, min: 60}",
            "{code: 合格, label: 合格}",
            "等级分数线 min 必须从高到低排列",
        ),
        ("id: a,", "id: A,", "指标 A 的 id：只能用小写英文字母"),
        ("column: a,", "column: a, colour: red,", "指标 a 的 colour：不认识的字段"),
    ],
)
def test_a_bad_template_is_refused_naming_the_entry(old, new, message):
    assert old in GOOD
    with pytest.raises(TemplateError, match=message):
        load_template(GOOD.replace(old, new))


def test_thresholds_must_descend():
    bad = GOOD.replace(
        "method: linear, low: 0, high: 10",
        "method: thresholds, steps: [{min: 1, share: 0.5}, {min: 5, share: 1}, {share: 0}]",
    )
    with pytest.raises(TemplateError, match="门槛 min 必须从高到低排列"):
        load_template(bad)


def test_a_reward_for_an_unknown_grade_is_refused():
    bad = GOOD + "rewards: [{id: r, label: 奖励, grades: [优秀], amount: 5}]\n"
    with pytest.raises(TemplateError, match="奖励 r 的 grades 有未定义的等级：优秀"):
        load_template(bad)


def test_not_yaml():
    with pytest.raises(TemplateError, match="不是合法的 YAML"):
        load_template("a: [\n")
