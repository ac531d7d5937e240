"""The scoring contract of issue 10 §2 on small hand-computed populations (Polars engine)."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.points import FIXED_COLUMNS, load_model, parse_model, sample_model_path, score

YEAR = 2024

MODEL = """
code: test-model
name: 测试模型
status: sample
scale: 100
stages:
  - {code: small, name: 小型, when: "revenue < 1000"}
  - {code: large, name: 大型, when: "TRUE"}
indicators:
  - {code: rd, name: 研发费用, group: tech_innovation, expr: "rd_expense", weights: {small: 60, large: 50}}
  - {code: tc, name: 技术合同成交额, group: growth_operation, expr: "tech_contract_income",
     weights: {small: 40, large: 50}}
exclusions:
  - {code: abnormal, name: 经营异常, when: "abnormal_listed"}
  - {code: restricted, name: 限制类, when: "restricted_industry"}
tiers:
  - {code: leading, name: 创新领跑, top: 0.25}
  - {code: racing, name: 创新竞跑, top: 0.5}
"""


def _frames(rows: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of {code, flags…, facts…}; a row with facts=None has no facts row for YEAR."""
    reg = pl.DataFrame(
        [
            {
                "credit_code": r["code"],
                "abnormal_listed": r.get("abnormal"),
                "restricted_industry": r.get("restricted"),
            }
            for r in rows
        ],
        schema={"credit_code": pl.Utf8, "abnormal_listed": pl.Boolean, "restricted_industry": pl.Boolean},
    )
    facts = pl.DataFrame(
        [{"credit_code": r["code"], "year": YEAR, **r["facts"]} for r in rows if r.get("facts") is not None],
        schema={
            "credit_code": pl.Utf8,
            "year": pl.Int32,
            "revenue": pl.Float64,
            "rd_expense": pl.Float64,
            "tech_contract_income": pl.Float64,
        },
    )
    return reg, facts


def _facts(revenue=500.0, rd=None, tc=None) -> dict:
    return {"revenue": revenue, "rd_expense": rd, "tech_contract_income": tc}


def _score(rows: list[dict], model: str = MODEL) -> dict[str, dict]:
    reg, facts = _frames(rows)
    out = score(reg, facts, YEAR, parse_model(model))
    assert out["credit_code"].to_list() == [r["code"] for r in rows]  # registry order
    return {r["credit_code"]: r for r in out.to_dicts()}


def test_the_output_columns_are_exactly_the_contracts_in_order():
    reg, facts = _frames([{"code": "A", "facts": _facts(rd=1.0)}])
    out = score(reg, facts, YEAR, parse_model(MODEL))
    assert out.columns == [*FIXED_COLUMNS, "rd_points", "tc_points"]
    assert out.columns[:8] == [
        "credit_code", "stage", "excluded", "points", "rank", "cohort_size", "top_share", "tier",
    ]  # fmt: skip


def test_hand_computed_cohort_with_ties_zeros_negatives_and_missing_values():
    rows = [
        {"code": "A", "facts": _facts(rd=10.0, tc=0.0)},
        {"code": "B", "facts": _facts(rd=10.0, tc=-5.0)},
        {"code": "C", "facts": _facts(rd=5.0, tc=2.0)},
        {"code": "D", "facts": _facts(rd=None, tc=None)},
    ]
    got = _score(rows)
    # rd: positive values 10, 10, 5 → m = 3; ranks 5 → 1, 10 and 10 → 2.5 each.
    assert got["A"]["rd_points"] == pytest.approx(60 * 2.5 / 3)
    assert got["B"]["rd_points"] == pytest.approx(60 * 2.5 / 3)
    assert got["C"]["rd_points"] == pytest.approx(60 * 1 / 3)
    assert got["D"]["rd_points"] == 0.0  # missing → 0
    # tc: only C is positive (0 and negative and missing give 0) → m = 1, r = 1: the full weight.
    assert [got[c]["tc_points"] for c in "ABD"] == [0.0, 0.0, 0.0]
    assert got["C"]["tc_points"] == pytest.approx(40)
    assert got["A"]["points"] == pytest.approx(50) and got["C"]["points"] == pytest.approx(60)
    assert got["D"]["points"] == 0.0
    # rank = 1 + members with more points; A and B tie.
    assert [got[c]["rank"] for c in "ABCD"] == [2, 2, 1, 4]
    assert {got[c]["cohort_size"] for c in "ABCD"} == {4}
    assert got["C"]["top_share"] == pytest.approx(0.25) and got["C"]["tier"] == "leading"
    assert got["A"]["top_share"] == pytest.approx(0.5) and got["A"]["tier"] == "racing"
    assert got["D"]["top_share"] == 1.0 and got["D"]["tier"] is None
    assert all(got[c]["stage"] == "small" and got[c]["excluded"] is None for c in "ABCD")


def test_the_highest_value_gets_the_full_weight_and_each_stage_is_its_own_cohort():
    rows = [
        {"code": "S1", "facts": _facts(revenue=10.0, rd=1.0, tc=1.0)},
        {"code": "S2", "facts": _facts(revenue=20.0, rd=3.0, tc=2.0)},
        {"code": "L1", "facts": _facts(revenue=5000.0, rd=100.0, tc=100.0)},
    ]
    got = _score(rows)
    assert got["S2"]["points"] == pytest.approx(100) and got["S2"]["rank"] == 1
    assert got["S1"]["rd_points"] == pytest.approx(30) and got["S1"]["tc_points"] == pytest.approx(20)
    assert got["L1"]["stage"] == "large" and got["L1"]["cohort_size"] == 1
    assert got["L1"]["points"] == pytest.approx(100) and got["L1"]["rank"] == 1
    assert got["S1"]["cohort_size"] == 2 and got["S1"]["top_share"] == 1.0


def test_points_within_one_billionth_are_equal_in_the_rank():
    import numpy as np

    from kechuang.engine.points.ranks import greater_counts

    stage = np.array([0, 0, 0, 0])
    points = np.array([10.0, 10.0 + 5e-10, 10.0 + 2e-9, 9.0])
    counts = greater_counts(stage, points, np.array([True, True, True, True]), 1)
    # 10 and 10 + 5e-10 are equal; 10 + 2e-9 is more than both (by 2e-9 and 1.5e-9).
    assert counts.tolist() == [1, 1, 0, 3]


def test_exclusions_first_matching_code_then_no_facts_and_no_points():
    rows = [
        {"code": "OK", "facts": _facts(rd=1.0, tc=1.0)},
        {"code": "BOTH", "abnormal": True, "restricted": True, "facts": _facts(rd=100.0)},
        {"code": "RESTRICTED", "restricted": True, "facts": _facts(rd=100.0)},
        {"code": "NOFACTS", "facts": None},
        {"code": "NOFACTS_ABNORMAL", "abnormal": True, "facts": None},
        {"code": "NULL_FLAG", "abnormal": None, "facts": _facts(rd=2.0)},
    ]
    got = _score(rows)
    assert got["BOTH"]["excluded"] == "abnormal"
    assert got["RESTRICTED"]["excluded"] == "restricted"
    assert got["NOFACTS"]["excluded"] == "no_facts"
    assert got["NOFACTS_ABNORMAL"]["excluded"] == "abnormal"
    assert got["NULL_FLAG"]["excluded"] is None  # a NULL condition is false
    for code in ("BOTH", "RESTRICTED", "NOFACTS", "NOFACTS_ABNORMAL"):
        row = got[code]
        assert [row[k] for k in ("points", "rank", "cohort_size", "top_share", "tier")] == [None] * 5
        assert row["rd_points"] is None and row["tc_points"] is None
    # The excluded do not count in the cohort or in m.
    assert got["OK"]["cohort_size"] == 2 and got["NULL_FLAG"]["rd_points"] == pytest.approx(60)
    assert got["OK"]["rd_points"] == pytest.approx(30)


def test_a_null_stage_condition_is_false_and_no_stage_means_no_points():
    model = MODEL.replace('when: "TRUE"', 'when: "revenue >= 1000"')
    rows = [
        {"code": "NULL_REVENUE", "facts": _facts(revenue=None, rd=1.0)},
        {"code": "SMALL", "facts": _facts(revenue=10.0, rd=1.0)},
    ]
    got = _score(rows, model)
    assert got["NULL_REVENUE"]["stage"] is None and got["NULL_REVENUE"]["excluded"] is None
    assert got["NULL_REVENUE"]["points"] is None and got["NULL_REVENUE"]["rd_points"] is None
    assert got["SMALL"]["cohort_size"] == 1
    # With a TRUE last stage the NULL revenue falls through to it.
    got = _score(rows)
    assert got["NULL_REVENUE"]["stage"] == "large" and got["NULL_REVENUE"]["points"] == pytest.approx(50)


def test_a_value_that_is_not_a_number_counts_as_missing():
    model = MODEL.replace('expr: "rd_expense"', 'expr: "rd_expense / tech_contract_income"')
    rows = [
        {"code": "NAN", "facts": _facts(rd=0.0, tc=0.0)},  # 0 / 0
        {"code": "ONE", "facts": _facts(rd=1.0, tc=1.0)},
        {"code": "TWO", "facts": _facts(rd=4.0, tc=2.0)},
    ]
    got = _score(rows, model)
    assert got["NAN"]["rd_points"] == 0.0
    assert got["ONE"]["rd_points"] == pytest.approx(30) and got["TWO"]["rd_points"] == pytest.approx(60)


def test_zero_weight_and_bonus_indicators():
    model = MODEL.replace("{small: 40, large: 50}}", "{small: 40, large: 50}}\n  - {code: bonus, name: 加分, "
                          'group: local, expr: "rd_expense", bonus: true, weights: {small: 10, large: 0}}')  # fmt: skip
    rows = [{"code": "A", "facts": _facts(rd=1.0)}, {"code": "B", "facts": _facts(revenue=5000.0, rd=1.0)}]
    got = _score(rows, model)
    assert got["A"]["bonus_points"] == pytest.approx(10) and got["A"]["points"] == pytest.approx(70)
    assert got["B"]["bonus_points"] == 0.0 and got["B"]["points"] == pytest.approx(50)


def test_tiers_use_the_first_tier_whose_top_covers_the_share():
    rows = [{"code": f"E{i}", "facts": _facts(rd=float(i + 1))} for i in range(8)]
    got = _score(rows)
    by_rank = {got[f"E{i}"]["rank"]: got[f"E{i}"]["tier"] for i in range(8)}
    # shares 1/8 … 8/8: ≤ 0.25 leading, ≤ 0.5 racing, else none.
    assert by_rank == {
        1: "leading",
        2: "leading",
        3: "racing",
        4: "racing",
        5: None,
        6: None,
        7: None,
        8: None,
    }


def test_an_empty_cohort_and_an_empty_registry():
    reg, facts = _frames([])
    out = score(reg, facts, YEAR, parse_model(MODEL))
    assert out.height == 0 and out.columns[:8] == list(FIXED_COLUMNS)


def test_duplicate_facts_rows_are_refused():
    from kechuang.engine.rules import DataError

    reg, facts = _frames([{"code": "A", "facts": _facts(rd=1.0)}])
    with pytest.raises(DataError, match="重复"):
        score(reg, pl.concat([facts, facts]), YEAR, parse_model(MODEL))


def test_the_shipped_sample_model_scores_a_synthetic_population():
    from pathlib import Path

    import kechuang
    from kechuang.engine.synth import synthesize

    towns = pl.read_csv(Path(kechuang.__file__).parent / "data" / "dongguan-towns.csv")
    reg, facts = synthesize(3000, range(2022, 2025), 11, towns)
    model = load_model(sample_model_path())
    out = score(reg, facts, 2024, model)
    assert out.height == 3000 and out["credit_code"].to_list() == reg["credit_code"].to_list()
    assert set(out["stage"].drop_nulls()) == {"startup", "growth", "mature"}
    assert set(out["tier"].drop_nulls()) == {"leading", "racing", "striving"}
    scored = out.filter(pl.col("excluded").is_null())
    assert scored["points"].max() <= 1000 + 1e-6 and scored["points"].min() >= 0
    assert (out["funded_projects_points"].drop_nulls() > 0).any()
