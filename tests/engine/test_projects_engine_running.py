"""The pure parts of running a project: tranche plans, negative-list flags, acceptance, warnings."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.projects import running


def test_tranches_add_up_to_the_grant_in_every_mode():
    before = running.tranche_plan("before", 333.33)
    assert [t.trigger for t in before] == ["start", "midterm", "acceptance"]
    assert sum(t.amount for t in before) == pytest.approx(333.33)
    during = running.tranche_plan("during", 100, milestones=3)
    assert [t.milestone for t in during] == [1, 2, 3] and sum(t.amount for t in during) == pytest.approx(100)
    assert running.tranche_plan("after", 50) == [running.Tranche(1, 50, "results")]
    with pytest.raises(ValueError, match="未知的资助方式"):
        running.tranche_plan("sometimes", 1)


def test_spending_is_flagged_by_category_or_by_a_word_of_the_description():
    spending = pl.DataFrame(
        {
            "category": ["equipment", "fines", "travel", "travel"],
            "description": ["设备", "罚款", "宴请客户", None],
        }
    )
    negative = [
        {"code": "fines", "label": "罚款", "words": ["罚款"]},
        {"code": "fun", "label": "招待", "words": ["宴请"]},
    ]
    out = running.flag_spending(spending, negative)
    assert out["flagged"].to_list() == [False, True, True, False]
    assert out["reason"].to_list() == [None, "负面清单：罚款", "负面清单：招待", None]


def test_acceptance_outcome_by_key_and_other_targets():
    def outcome(measured):
        frame = pl.DataFrame(
            {
                "target": [95.0, 1.2],
                "measured": measured,
                "higher_is_better": [True, False],
                "key": [True, False],
            },
            schema_overrides={"measured": pl.Float64},
        )
        return running.acceptance_outcome(frame)[0]

    assert outcome([95.0, 1.2]) == "passed"
    assert outcome([96.0, 2.0]) == "conditional"
    assert outcome([94.9, 1.0]) == "failed"
    assert outcome([None, 1.0]) == "failed"


def test_warning_levels_both_directions_and_missing_values():
    readings = pl.DataFrame({"indicator": ["up", "up", "up", "down", "down", "up"],
                             "value": [10.0, 30.0, 50.0, 45.0, 15.0, None]})  # fmt: skip
    indicators = pl.DataFrame(
        {
            "code": ["up", "down"],
            "yellow": [30.0, 40.0],
            "red": [50.0, 20.0],
            "higher_is_worse": [True, False],
        }
    )
    levels = running.warning_levels(readings, indicators)["level"].to_list()
    assert levels == ["green", "yellow", "red", "green", "red", None]


def test_exemption_gaps_are_all_listed():
    good = running.ExemptionEvidence(5, 4, True, "force_majeure", "台风导致产线停工", 0, True)
    assert running.exemption_gaps(good) == []
    bad = running.ExemptionEvidence(0, 0, True, "", "", 2, False)
    assert running.exemption_gaps(bad) == [
        "没有任何里程碑记录，无法证明按期报告",
        "失败原因未认定为技术路线或不可抗力",
        "缺少失败原因的书面说明",
        "有 2 笔支出触及负面清单",
        "须伦理审查的项目缺少伦理委员会批准",
    ]


def test_the_stage_gate_ranks_by_targets_reached_then_by_how_close():
    milestones = pl.DataFrame(
        {
            "project": ["A", "A", "B", "B", "C", "C"],
            "target": [10.0, 5.0, 10.0, 5.0, 10.0, 5.0],
            "reported_value": [10.0, 6.0, 12.0, 4.0, 9.0, None],
            "higher_is_better": [True, False, True, False, True, False],
        }
    )
    out = running.stage_gate(milestones, keep=2)
    assert out.select("project", "reached_share", "kept").rows() == [
        ("B", 1.0, True),  # both reached, further beyond the targets
        ("A", 0.5, True),
        ("C", 0.0, False),
    ]
