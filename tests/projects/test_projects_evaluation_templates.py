"""分类评价 templates as data: the shipped file loads and gives the experts' scoring sheets; a bad
file is refused with every problem in Chinese, naming its line and field; the call page shows the
class's method, cycle, criteria and the evidence each needs."""

from __future__ import annotations

import pytest

from kechuang.projects.evaluation import DEFAULT_PATH, TemplateFileError, load_templates
from kechuang.projects.vocabulary import SCORING_SHEETS

GOOD = """\
version: "t-1"
classes:
  basic:
    name: 基础研究
    method: 同行评议
    cycle: long
    cycle_years: 5
    criteria:
      - {name: 科学问题, weight: 60, evidence: [代表作]}
      - {name: 团队, weight: 40, evidence: [简介]}
  applied:
    name: 应用研究
    method: 市场检验
    cycle: one_off
    criteria:
      - {name: 指标, weight: 100, evidence: [第三方检测报告]}
  demonstration:
    name: 示范推广
    method: 推广效益
    cycle: one_off
    criteria:
      - {name: 效益, weight: 100, evidence: [效益测算]}
"""

# the experts' scoring sheets as they were in projects/vocabulary.py before the templates file
SHEETS = {
    "basic": (("科学问题与创新性", 40), ("研究基础与代表作", 30), ("团队与条件", 20), ("经费合理性", 10)),
    "applied": (
        ("技术指标先进性", 35),
        ("技术成熟度与可行性", 25),
        ("市场与用户评价", 25),
        ("经费合理性", 15),
    ),
    "demonstration": (("集成与示范场景", 35), ("推广前景", 30), ("经济社会效益", 25), ("经费合理性", 10)),
}


def test_the_shipped_templates_give_the_scoring_sheets_of_the_three_classes():
    templates = load_templates(DEFAULT_PATH)
    assert set(templates.classes) == {"basic", "applied", "demonstration"}
    basic = templates.classes["basic"]
    assert basic.cycle == "long" and basic.cycle_label == "长周期评价（5 年）"
    assert any("代表作" in e for c in basic.criteria for e in c.evidence)
    for code, template in templates.classes.items():
        assert sum(w for _c, w in template.sheet) == 100
        assert SCORING_SHEETS[code] == template.sheet == SHEETS[code]


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    templates = load_templates(path)
    assert templates.classes["basic"].sheet == (("科学问题", 60), ("团队", 40))
    assert templates.classes["applied"].cycle_label == "一次性评价"


def test_a_bad_file_names_each_line_and_field(tmp_path):
    bad = (
        GOOD.replace("weight: 40", "weight: 30")  # basic no longer adds up to 100
        .replace(
            "cycle: one_off\n    criteria:\n      - {name: 指标",
            "cycle: once\n    criteria:\n      - {name: 指标",
        )
        .replace("evidence: [效益测算]", "evidence: []")
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateFileError) as caught:
        load_templates(path)
    text = str(caught.value)
    assert "bad.yaml：分类评价模板有 3 处错误" in text
    assert "第 3 行 classes.basic：评分项权重合计应为 100，现为 90" in text
    assert "第 14 行 classes.applied.cycle：取值无效" in text and "once" in text
    assert "第 22 行 classes.demonstration.criteria[0].evidence：数量不足" in text


def test_a_long_cycle_needs_its_years_and_a_missing_class_is_named(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(GOOD.replace("    cycle_years: 5\n", "").split("  applied:")[0], encoding="utf-8")
    with pytest.raises(TemplateFileError) as caught:
        load_templates(path)
    assert "第 3 行 classes.basic：长周期评价（cycle: long）须填写 cycle_years" in str(caught.value)


@pytest.mark.django_db
def test_the_call_page_shows_the_class_template(client_for, world):
    page = client_for("enterprise").get(f"/projects/calls/{world.call.pk}/").content.decode()
    assert "市场检验与用户评价" in page and "一次性评价" in page
    assert "第三方检测报告" in page and "用户使用评价" in page
