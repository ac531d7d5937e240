"""Recognition conditions of carriers run by the existing rule engine over the carrier vocabulary:
the 标准级 incubator checks and the new R&D institution conditions, each at its thresholds."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kechuang
from kechuang.engine.evaluation.recognise import (
    explain_carrier,
    load_carrier_ruleset,
    load_carrier_rulesets,
    recognise,
)
from kechuang.engine.rules import RulesetError, load_ruleset

FOLDER = Path(kechuang.__file__).parent / "carriers" / "data" / "rulesets"


@pytest.fixture(scope="module")
def standard():
    return load_carrier_ruleset(FOLDER / "incubator_standard.yaml")


@pytest.fixture(scope="module")
def institution():
    return load_carrier_ruleset(FOLDER / "institution_basic.yaml")


def incubator(**kw):
    row = dict(
        incubated_count=50,
        invested_count=5,
        funded_count=0,
        growing_count=15,
        total_income=100.0,
        non_rent_income=30.0,
    )
    row.update(kw)
    return row


def run(rs, *rows):
    frame = pl.DataFrame([{"id": str(i), **r} for i, r in enumerate(rows)], infer_schema_length=None)
    return recognise(frame, [rs])


@pytest.mark.parametrize(
    ("change", "eligible", "failed"),
    [
        ({}, "yes", None),  # 5/50 = 10% invested, 15/50 = 30% growing, 30% non-rent: all exactly on the line
        ({"invested_count": 4}, "no", "investment"),
        ({"invested_count": 4, "funded_count": 10}, "yes", None),  # or 20% funded
        ({"invested_count": 0, "funded_count": 9}, "no", "investment"),
        ({"growing_count": 14}, "no", "growth"),
        ({"non_rent_income": 29.99}, "no", "non_rent_income"),
        ({"total_income": None}, "unknown", "non_rent_income:missing"),
        ({"total_income": 0.0, "non_rent_income": 0.0}, "unknown", "non_rent_income:missing"),
    ],
)
def test_standard_level_checks_at_their_thresholds(standard, change, eligible, failed):
    r = run(standard, incubator(**change))
    assert r["incubator_standard_eligible"][0] == eligible
    assert r["incubator_standard_failed"][0] == (failed or "")


def institution_row(**kw):
    row = dict(
        independent_legal_person=True,
        years_operating=1.0,
        instrument_value=200.0,
        research_area=600.0,
        resident_rd_staff=20.0,
        employees=50.0,
        rd_spending=500.0,
        income=2500.0,
        operating_income=1000.0,
        transfer_income=300.0,
    )
    row.update(kw)
    return row


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        ({}, None),
        ({"instrument_value": 199.9}, "instruments"),
        ({"research_area": 599.0}, "space"),
        ({"resident_rd_staff": 19.0, "employees": 40.0}, "rd_staff"),
        ({"employees": 51.0}, "rd_staff_share"),  # 20/51 < 40%
        ({"rd_spending": 499.0, "income": 2000.0}, "rd_spending"),
        ({"income": 2501.0}, "rd_spending_share"),
        ({"transfer_income": 299.0}, "transfer_share"),
        ({"years_operating": 0.5}, "legal_person"),
    ],
)
def test_institution_conditions_at_their_thresholds(institution, change, failed):
    r = run(institution, institution_row(**change))
    assert r["institution_basic_eligible"][0] == ("yes" if failed is None else "no")
    assert r["institution_basic_failed"][0] == (failed or "")


def test_the_gap_is_explained_in_chinese(standard):
    [v] = explain_carrier(incubator(growing_count=12), [standard])
    assert v.eligible == "no"
    growth = next(c for c in v.conditions if c.id == "growth")
    assert "还差 3 家增长超过 20% 的在孵企业" in growth.text
    [v] = explain_carrier(incubator(total_income=None), [standard])
    nr = next(c for c in v.conditions if c.id == "non_rent_income")
    assert nr.status == "missing" and nr.missing == ["载体总收入"]
    [v] = explain_carrier(incubator(total_income=0.0), [standard])
    nr = next(c for c in v.conditions if c.id == "non_rent_income")
    assert nr.missing == ["载体总收入为 0"]


def test_the_enterprise_vocabulary_refuses_a_carrier_rule_set_and_the_other_way_round():
    with pytest.raises(RulesetError, match="未知的列 invested_share"):
        load_ruleset(FOLDER / "incubator_standard.yaml")
    enterprise = Path(kechuang.__file__).parent / "enterprises" / "rulesets" / "kexiao.yaml"
    with pytest.raises(RulesetError, match="未知的列"):
        load_carrier_ruleset(enterprise)


def test_every_shipped_carrier_rule_set_loads():
    codes = {rs.code for rs in load_carrier_rulesets(FOLDER)}
    assert {"incubator_standard", "institution_basic"} <= codes
