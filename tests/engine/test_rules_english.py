"""The rule sets speak English too (issue 9 §5): every text a page shows has an English twin, and the
gap sentences are built in English beside the Chinese ones."""

from __future__ import annotations

import re

from pydantic import BaseModel

from kechuang.engine.rules import load_ruleset
from kechuang.engine.rules.gaps import explain
from tests.engine.rules_kit import enterprise, frames, rulesets, verdict

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
SHOWN = ("name", "label", "fail_text", "denominator_label", "measure_label", "sample_note", "text")


def _untranslated(obj, where: str = "") -> list[str]:
    """Every shown text of a rule set whose English twin is empty."""
    found = []
    if isinstance(obj, BaseModel):
        values = obj.__dict__
        for key, value in values.items():
            if key in SHOWN and f"{key}_en" in values and isinstance(value, str) and value:
                if not values[f"{key}_en"]:
                    found.append(f"{where}.{key}: {value}")
            found += _untranslated(value, f"{where}.{key}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            found += _untranslated(item, f"{where}[{i}]")
    return found


def test_every_shown_text_of_the_shipped_rule_sets_has_its_english():
    missing = [m for rs in rulesets() for m in _untranslated(rs, rs.code)]
    assert not missing, "\n".join(missing)


def test_a_gap_sentence_is_english_with_the_shortfall_in_english_units():
    v = verdict("gaoqi", rd_expense=1.0)
    rd = next(c for c in v.conditions if c.id == "rd_ratio")
    assert rd.status == "fail"
    assert rd.text.startswith("研发费用占比") and "万元" in rd.text
    assert rd.text_en.startswith("R&D share ") and ", needs ≥ " in rd.text_en
    assert "CNY 10k short" in rd.text_en and not CJK.search(rd.text_en)
    assert rd.label_en.startswith("R&D expenses of the last three fiscal years")


def test_every_condition_and_score_item_of_every_verdict_reads_in_english():
    for code in ("kexiao", "gaoqi", "guishang", "gazelle", "lingjun"):
        v = verdict(code, employees=900, ip_class1=0, ip_class2=0)
        texts = [v.name_en, v.sample_note_en]
        texts += [t for c in [*v.conditions, *v.routes] for t in (c.label_en, c.text_en)]
        texts += [t for i in v.score_items for t in (i.label_en, i.group_label_en, i.bracket_en)]
        assert not [t for t in texts if CJK.search(t)], code


def test_missing_data_is_named_in_english():
    reg, facts = frames(enterprise(revenue={2024: None}))
    v = next(x for x in explain((reg, facts), rulesets(), 2024) if x.code == "gaoqi")
    missing = [c for c in v.conditions if c.status == "missing"]
    assert missing and "2024 年营业收入" in missing[0].missing
    assert "2024 Operating revenue" in missing[0].missing_en
    assert missing[0].text_en.startswith(missing[0].text_en.split(":")[0] + ": data missing (")


def test_a_rule_file_without_english_falls_back_to_its_chinese_texts():
    rs = load_ruleset(
        """
code: plain
name: 示例
version: "1"
effective_from: 2024-01-01
conditions:
  - id: big
    label: 营业收入不低于 1 亿元
    expr: revenue >= 10000
    gap: {label: 营业收入, measure: revenue, op: ">=", threshold: 10000, unit: 万元}
"""
    )
    reg, facts = frames(enterprise(revenue=10.0))
    (v,) = explain((reg, facts), [rs], 2024)
    assert v.name_en == "" and v.conditions[0].label_en == ""
    assert v.conditions[0].text_en == "营业收入 10 CNY 10k, needs ≥ 10000 CNY 10k"
