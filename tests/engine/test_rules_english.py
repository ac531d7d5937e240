"""The rule sets speak English too (issue 9 §5): every text a page shows has an English twin, and the
gap sentences are built in English beside the Chinese ones."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel

from kechuang.engine.evaluation.recognise import explain_carrier, load_carrier_rulesets
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


# ---------------------------------------------------------------- the carriers' rule sets (issue 13)


def carrier_rulesets():
    import kechuang.carriers

    return load_carrier_rulesets(Path(kechuang.carriers.__file__).parent / "data" / "rulesets")


def test_every_shown_text_of_the_carriers_rule_sets_has_its_english():
    sets = carrier_rulesets()
    assert {rs.code for rs in sets} == {"incubator_standard", "institution_basic"}
    missing = [m for rs in sets for m in _untranslated(rs, rs.code)]
    assert not missing, "\n".join(missing)


def test_a_carriers_verdict_reads_in_english_and_names_missing_inputs_in_english():
    institution = next(rs for rs in carrier_rulesets() if rs.code == "institution_basic")
    values = {
        "independent_legal_person": True,
        "years_operating": 3,
        "instrument_value": 150,
        "research_area": 599,
        "resident_rd_staff": 19,
        "employees": 0,
        "rd_spending": 600,
        "operating_income": 100,
        "transfer_income": 40,
    }
    (v,) = explain_carrier(values, [institution])
    assert v.name_en == "New R&D institution: basic recognition conditions"
    by_id = {c.id: c for c in v.conditions}
    assert by_id["space"].text_en == ("Dedicated research space 599 m², needs ≥ 600 m²: 1 m² short")
    assert by_id["rd_staff"].text_en == (
        "Resident R&D staff 19 persons, needs ≥ 20 persons: 1 more resident R&D staff member needed"
    )
    # income was not reported: the share is missing, named by the English column label
    share = by_id["rd_spending_share"]
    assert share.status == "missing"
    assert (
        share.text_en
        == "R&D expenses as a share of total income: data missing (R&D expenses as a share of total income)"
    )
    assert share.missing_en == ["Total income of last year"] and share.missing == ["上年度总收入"]
    assert by_id["rd_staff_share"].missing_en == ["Total employees is 0"]
    texts = [v.name_en] + [t for c in v.conditions for t in (c.label_en, c.text_en, *c.missing_en)]
    texts += [d["label_en"] for d in v.declarations]
    assert not [t for t in texts if CJK.search(t)]


# ---------------------------------------------------------------- one, not "1 years"


def test_a_count_of_one_reads_singular_in_the_gap_sentences():
    young = verdict("gaoqi", registered_on=dt.date(2024, 3, 1))
    registered = next(c for c in young.conditions if c.id == "registered_1y")
    assert registered.text_en.endswith("0 years, needs ≥ 1 year: 1 more year of operation needed")
    staff = next(c for c in verdict("gaoqi", tech_staff=9).conditions if c.id == "tech_staff_share")
    assert staff.text_en.endswith(": 1 more S&T staff member needed")
    big = next(c for c in verdict("kexiao", employees=501).conditions if c.id == "size_employees")
    assert big.text_en.endswith("501 persons, needs ≤ 500 persons: 1 person over")
    two = next(c for c in verdict("kexiao", employees=502).conditions if c.id == "size_employees")
    assert two.text_en.endswith(": 2 persons over")


def test_every_shortfall_counted_in_whole_units_has_its_singular_english():
    from kechuang.engine.enterprise_labels import UNITS_EN_ONE

    lacking = []
    for rs in [*rulesets(), *carrier_rulesets()]:
        for c in [*rs.conditions, *rs.routes]:
            s = c.gap.shortfall if c.gap else None
            counted = s and (s.rounding == "ceil" or c.gap.unit in UNITS_EN_ONE)
            if counted and s.text_en and not s.text_en_one:
                lacking.append(f"{rs.code}.{c.id}: {s.text_en}")
    assert not lacking, "\n".join(lacking)
