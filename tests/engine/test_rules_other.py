"""规上, 瞪羚 (sample), 科技领军 (sample), the tier, the output shape and explain() for all rule sets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kechuang.engine.rules import explain, output_schema, qualify
from tests.engine.rules_kit import YEAR, enterprise, failed, frames, one, ruleset, rulesets, run

VALID = dt.date(2025, 6, 30)  # a 高企 certificate valid on 31 Dec 2024


@pytest.mark.parametrize(
    ("industry", "revenue", "expected"),
    [
        ("C3971", 2000.0, "yes"),
        ("c3971", 2000.0, "yes"),
        ("B0610", 5000.0, "yes"),
        ("D4411", 5000.0, "yes"),
        ("C3971", 1999.99, "no"),
        ("I6510", 5000.0, "no"),
        ("E4700", 5000.0, "no"),
        (None, 5000.0, "unknown"),
        ("C3971", None, "unknown"),
    ],
)
def test_guishang_is_industrial_with_main_revenue_of_20_million(industry, revenue, expected):
    row = one(industry_code=industry, main_business_revenue={2024: revenue})
    assert row["guishang_eligible"] == expected
    assert row["guishang_score_min"] is None and row["guishang_score_max"] is None


def test_guishang_failures_are_named():
    assert failed(one(industry_code="I6510", main_business_revenue=100.0), "guishang") == [
        "industrial",
        "main_revenue_2000",
    ]


# ---------------------------------------------------------------- 瞪羚 (sample)


GAZELLE = {
    "hightech_cert_until": VALID,
    "revenue": (2000.0, 2500.0, 2880.0),
    "rd_expense": (100.0, 125.0, 144.0),
}


def test_gazelle_sample_growth_route():
    assert one(**GAZELLE)["gazelle_eligible"] == "yes"  # CAGR exactly 20% from 2000 to 2880
    slower = dict(GAZELLE, revenue=(2000.0, 2500.0, 2879.0))
    assert failed(one(**slower), "gazelle") == ["growth_route"]
    small = dict(GAZELLE, revenue=(999.0, 1300.0, 1500.0))  # base below 1000 万元
    assert failed(one(**small), "gazelle") == ["growth_route"]
    shrinking = dict(GAZELLE, revenue=(2000.0, 3000.0, 2900.0))  # no growth in the last year
    assert failed(one(**shrinking), "gazelle") == ["growth_route"]


def test_gazelle_sample_large_young_route_and_hightech_requirement():
    young = {
        "hightech_cert_until": VALID,
        "registered_on": dt.date(2020, 5, 1),
        "revenue": (50000.0, 50001.0, 60000.0),
        "rd_expense": 3000.0,
    }
    assert one(**young)["gazelle_eligible"] == "yes"
    assert failed(one(**dict(young, hightech_cert_until=None)), "gazelle") == ["hightech_only"]


def test_gazelle_and_lingjun_are_marked_as_samples():
    for code in ("gazelle", "lingjun"):
        rs = ruleset(code)
        assert rs.sample and rs.status == "SAMPLE" and "须经东莞市科学技术局确认" in rs.sample_note
        assert rs.flagged_items() and all(f["status"] == "SAMPLE" for f in rs.flagged_items())
    for code in ("kexiao", "gaoqi", "guishang"):
        assert not ruleset(code).sample


# ---------------------------------------------------------------- 科技领军 (sample) and the tier


LEADER = {
    "hightech_cert_until": VALID,
    "revenue": (90000.0, 95000.0, 100000.0),
    "main_business_revenue": 90000.0,
    "hightech_revenue": 80000.0,
    "rd_expense": (2700.0, 2850.0, 3000.0),
    "invention_patents": 30,
    "rd_institution_level": "provincial",
}


def test_lingjun_sample():
    row = one(**LEADER)
    assert (row["lingjun_eligible"], row["tier"]) == ("yes", "lingjun")
    assert failed(one(**dict(LEADER, invention_patents=29)), "lingjun") == ["invention_patents"]
    assert failed(one(**dict(LEADER, rd_institution_level="municipal")), "lingjun") == ["rd_institution"]


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        (LEADER, "lingjun"),
        ({"hightech_cert_until": VALID, "main_business_revenue": {2024: 2000.0}}, "guishang_gaoqi"),
        ({"hightech_cert_until": VALID, "main_business_revenue": {2024: 1999.0}}, "gaoqi"),
        ({"hightech_cert_until": VALID, "industry_code": "I6510"}, "gaoqi"),
        ({"hightech_cert_until": dt.date(2024, 12, 31), "kexiao_registered_year": 2024}, "guishang_gaoqi"),
        ({"hightech_cert_until": dt.date(2024, 12, 30), "kexiao_registered_year": 2024}, "kexiao"),
        ({"kexiao_registered_year": 2023}, "none"),
        ({}, "none"),
    ],
)
def test_tier_is_what_the_enterprise_holds_top_of_the_ladder_first(changes, tier):
    assert one(**changes)["tier"] == tier


def test_tier_does_not_predict_a_certificate():
    row = one()  # qualifies as 科小 and is 高企 possible, but holds neither
    assert (row["kexiao_eligible"], row["gaoqi_eligible"], row["tier"]) == ("yes", "possible", "none")


# ---------------------------------------------------------------- output shape


def test_output_columns_are_exactly_the_issue_s():
    reg, facts = frames(enterprise("A"), enterprise("B"))
    out = qualify(reg, facts, YEAR, rulesets())
    expected = ["credit_code"]
    for code in ("kexiao", "gaoqi", "guishang", "gazelle", "lingjun"):
        expected += [f"{code}_eligible", f"{code}_score_min", f"{code}_score_max", f"{code}_failed"]
    assert out.columns == [*expected, "tier"] == output_schema(rulesets())
    assert out.schema["kexiao_score_min"] == pl.Float64 and out.schema["tier"] == pl.Utf8


def test_an_enterprise_without_any_facts_is_unknown_or_no_but_present():
    reg, _ = frames(enterprise("A"))
    out = qualify(
        reg, pl.DataFrame(schema={"credit_code": pl.Utf8, "year": pl.Int32}), YEAR, rulesets()
    ).to_dicts()[0]
    assert out["kexiao_eligible"] == "unknown" and out["gaoqi_eligible"] in ("unknown", "no")
    assert "size_employees:missing" in out["kexiao_failed"]


def test_duplicate_fact_rows_are_refused_in_chinese():
    reg, facts = frames(enterprise("A"))
    with pytest.raises(ValueError, match="重复行"):
        qualify(reg, pl.concat([facts, facts]), YEAR, rulesets())


def test_many_enterprises_at_once_keep_registry_order():
    parts = [enterprise(f"E{i:03d}", employees={2024: 400 + i}, tech_staff={2024: 200}) for i in range(150)]
    rows = run(*parts)
    assert [r["credit_code"] for r in rows] == [f"E{i:03d}" for i in range(150)]
    assert [r["kexiao_eligible"] for r in rows] == ["yes"] * 101 + ["no"] * 49


def test_explain_covers_every_rule_set_and_agrees_with_qualify():
    reg, facts = frames(enterprise("A", tech_staff={2024: 9}), enterprise("B"))
    table = {r["credit_code"]: r for r in qualify(reg, facts, YEAR, rulesets()).to_dicts()}
    verdicts = explain((reg, facts), rulesets(), YEAR, credit_code="A")
    assert [v.code for v in verdicts] == ["kexiao", "gaoqi", "guishang", "gazelle", "lingjun"]
    for v in verdicts:
        assert v.eligible == table["A"][f"{v.code}_eligible"]
        assert v.failed == table["A"][f"{v.code}_failed"]
        assert v.score_min == table["A"][f"{v.code}_score_min"]
    lingjun = verdicts[-1]
    assert lingjun.sample and lingjun.sample_note


def test_explain_accepts_a_derived_row_for_what_if_forms():
    from kechuang.engine.rules import derive

    reg, facts = frames(enterprise("A"))
    row = derive(reg, facts, YEAR).to_dicts()[0]
    row["tech_staff_share"] = 0.05
    kexiao = explain(row, rulesets(), YEAR)[0]
    assert kexiao.eligible == "no" and "tech_staff_nonzero" in kexiao.failed
