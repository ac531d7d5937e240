"""Rule files: the shipped ones load; a bad one is rejected with a Chinese message that says where."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from kechuang.engine.rules import RulesetError, default_ruleset_dir, load_ruleset, load_rulesets, qualify
from tests.engine.rules_kit import YEAR, edited, enterprise, frames

MINIMAL = """
code: demo
name: 示例规则
version: "1"
effective_from: 2026-01-01
conditions:
  - id: big
    label: 营业收入不低于 1000 万元
    expr: {expr}
"""


def test_the_five_shipped_rule_sets_load_in_order():
    sets = load_rulesets()
    assert [r.code for r in sets] == ["kexiao", "gaoqi", "guishang", "gazelle", "lingjun"]
    names = {r.code: r.name for r in sets}
    assert names["kexiao"] == "科技型中小企业评价" and names["gaoqi"] == "高新技术企业认定"
    for rs in sets:
        assert rs.version and rs.effective_from <= dt.date(2026, 1, 1)
        assert rs.sources, rs.code
        assert rs.effective_in(2026)


def test_sources_cite_the_documents():
    numbers = {s.number for rs in load_rulesets() for s in rs.sources}
    assert {
        "国科发政〔2017〕115号",
        "国科火字〔2022〕67号",
        "国科发火〔2016〕32号",
        "国科发火〔2016〕195号",
    } <= numbers


def test_every_condition_can_explain_its_gap():
    for rs in load_rulesets():
        for cond in [*rs.conditions, *rs.routes]:
            assert cond.gap is not None, f"{rs.code}.{cond.id}"
            assert cond.gap.measure or cond.gap.fail_text, f"{rs.code}.{cond.id}"


def test_unverified_items_are_flagged_for_the_ui():
    flagged = {rs.code: {f["id"] for f in rs.flagged_items()} for rs in load_rulesets()}
    assert flagged["kexiao"] == {"ip"}
    assert flagged["gaoqi"] == {"tech_staff_183_days", "other_expense_cap", "certificate_3_years"}
    assert flagged["guishang"] == set()
    assert "growth_route" in flagged["gazelle"] and "revenue_1bn" in flagged["lingjun"]


def test_gaoqi_revenue_bands_are_data():
    gaoqi = next(r for r in load_rulesets() if r.code == "gaoqi")
    (band,) = gaoqi.parameters
    assert band.by == "revenue"
    assert [(b.max, b.value) for b in band.bands] == [(5000, 0.05), (20000, 0.04), (None, 0.03)]


def test_a_minimal_rule_set_loads_from_text_and_from_a_path(tmp_path):
    text = MINIMAL.format(expr="revenue >= 1000")
    rs = load_ruleset(text)
    assert (rs.code, rs.conditions[0].id, rs.status) == ("demo", "big", "VERIFIED")
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_ruleset(path) == rs == load_ruleset(str(path))


def test_an_unknown_column_is_rejected_naming_rule_condition_and_column():
    with pytest.raises(RulesetError) as err:
        load_ruleset(MINIMAL.format(expr="revenue_5y >= 1000"))
    message = str(err.value)
    assert "demo" in message and "big" in message and "revenue_5y" in message
    assert "未知的列" in message and "未被接受" in message


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("expr: employees <= 500", "expr: staff <= 500", "条件 size_employees"),
        ('{when: "ip_class2 >= 4"', '{when: "patents2 >= 4"', "评分项 ip"),
        (
            "measure: tech_staff_share\n          unit",
            "measure: staff_share\n          unit",
            "评分项 tech_staff",
        ),
        (
            "expr: 0.10 * employees - tech_staff",
            "expr: 0.10 * headcount - tech_staff",
            "tech_staff_nonzero 的差距说明",
        ),
        ("expr: national_award_5y", "expr: national_prize", "直接认定途径 route_national_award"),
    ],
)
def test_unknown_columns_anywhere_in_a_shipped_file_are_caught(old, new, where):
    with pytest.raises(RulesetError, match="未知的列") as err:
        edited("kexiao", old, new)
    assert where in str(err.value) and "kexiao" in str(err.value)


def test_an_unknown_column_in_a_band_parameter_is_caught():
    with pytest.raises(RulesetError, match=r"参数 rd_ratio_required.*未知的列 turnover"):
        edited("gaoqi", "by: revenue", "by: turnover")


def test_an_expression_that_does_not_parse_is_rejected_in_chinese():
    with pytest.raises(RulesetError, match=r"规则集 demo.*条件 big.*无法解析"):
        load_ruleset(MINIMAL.format(expr="revenue >= AND 1000"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: demo\nname: x\n", "格式错误"),
        ("- just\n- a list\n", "顶层必须是映射"),
        ("code: [unclosed\n", "不是合法的 YAML"),
        (MINIMAL.format(expr="revenue >= 1") + "sample: true\nstatus: SAMPLE\n", "sample_note"),
        (
            MINIMAL.format(expr="revenue >= 1") + "  - id: big\n    label: 重复\n    expr: revenue > 0\n",
            "条件编号重复",
        ),
    ],
)
def test_malformed_files_are_rejected_with_chinese_messages(text, message):
    with pytest.raises(RulesetError, match=message):
        load_ruleset(text)


def test_a_parameter_may_not_shadow_a_vocabulary_column():
    text = MINIMAL.format(expr="revenue >= 1") + (
        "parameters:\n  - id: revenue\n    label: x\n    by: employees\n    bands: [{value: 1}]\n"
    )
    with pytest.raises(RulesetError, match="重名"):
        load_ruleset(text)


def test_the_bureau_can_edit_a_threshold_and_the_engine_follows():
    stricter = edited(
        "guishang", "expr: main_business_revenue >= 2000", "expr: main_business_revenue >= 8000"
    )
    reg, facts = frames(enterprise())  # 主营业务收入 7500 in 2024
    default = next(r for r in load_rulesets() if r.code == "guishang")
    assert qualify(reg, facts, YEAR, [default])["guishang_eligible"].to_list() == ["yes"]
    assert qualify(reg, facts, YEAR, [stricter])["guishang_eligible"].to_list() == ["no"]


def test_rule_files_are_package_data():
    assert sorted(p.name for p in default_ruleset_dir().glob("*.yaml")) == [
        "gaoqi.yaml",
        "gazelle.yaml",
        "guishang.yaml",
        "kexiao.yaml",
        "lingjun.yaml",
    ]


def test_the_rule_engine_imports_neither_django_nor_pyspark():
    code = (
        "import sys, kechuang.engine.rules, kechuang.engine.rules.spark;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'pyspark')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
