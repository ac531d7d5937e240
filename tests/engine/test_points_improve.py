"""Improvement suggestions (精准画像: 提升建议) on a hand-computed cohort."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.points import parse_model, score
from kechuang.engine.points.improve import improvements
from kechuang.engine.points.score import score_detailed
from tests.engine.test_points_score import MODEL, YEAR, _facts, _frames

# 初创 cohort (revenue < 1000), rd weight 60, tc weight 40:
#   rd: A 10, B 20, C 20, D 40, E missing → m = 4, points A 15, B = C 37.5, D 60
#   tc: A 5, the others missing → m = 1, A 40
# F is alone in the large cohort.
ROWS = [
    {"code": "A", "facts": _facts(rd=10.0, tc=5.0)},
    {"code": "B", "facts": _facts(rd=20.0)},
    {"code": "C", "facts": _facts(rd=20.0)},
    {"code": "D", "facts": _facts(rd=40.0)},
    {"code": "E", "facts": _facts()},
    {"code": "F", "facts": _facts(revenue=5000.0, rd=1000.0)},
    {"code": "G", "abnormal": True, "facts": _facts(rd=5.0)},
]


@pytest.fixture
def suggested() -> dict[str, list[tuple]]:
    model = parse_model(MODEL)
    reg, facts = _frames(ROWS)
    detail = score_detailed(reg, facts, YEAR, model)
    out = pl.concat([detail.select("credit_code"), improvements(detail, model, top=3)], how="horizontal")
    result = {}
    for row in out.iter_rows(named=True):
        result[row["credit_code"]] = [
            (
                row[f"improve{j}_indicator"],
                row[f"improve{j}_value"],
                row[f"improve{j}_target"],
                row[f"improve{j}_gain"],
            )
            for j in (1, 2)
            if row[f"improve{j}_indicator"] is not None
        ]
    return result


def test_detailed_scores_are_the_contract_plus_the_values():
    model = parse_model(MODEL)
    reg, facts = _frames(ROWS)
    detail = score_detailed(reg, facts, YEAR, model)
    assert detail.select(model.output_columns()).equals(score(reg, facts, YEAR, model))
    assert detail["rd_value"].to_list() == [10.0, 20.0, 20.0, 40.0, None, 1000.0, 5.0]


def test_the_next_higher_cohort_member_and_the_points_it_brings(suggested):
    # A (rd 10 → 20): ties with B and C, rank 2 of 4 → 30 points, +15; already highest in tc.
    assert suggested["A"] == [("rd", 10.0, 20.0, pytest.approx(15.0))]
    # B (rd 20 → 40): rank 3.5 of 4 → 52.5, +15; tc 0 → 5: rank 1.5 of 2 → 30, +30 (best first).
    assert suggested["B"] == [("tc", None, 5.0, pytest.approx(30.0)), ("rd", 20.0, 40.0, pytest.approx(15.0))]
    # E has no rd: the smallest positive value 10 → rank 1.5 of 5 → 18 points.
    assert suggested["E"] == [("tc", None, 5.0, pytest.approx(30.0)), ("rd", None, 10.0, pytest.approx(18.0))]
    # D holds the highest rd: only tc is proposed.
    assert suggested["D"] == [("tc", None, 5.0, pytest.approx(30.0))]


def test_other_cohorts_and_excluded_enterprises_get_nothing(suggested):
    assert suggested["F"] == []  # alone in its stage: its values are not compared with the small cohort
    assert suggested["G"] == []  # excluded
