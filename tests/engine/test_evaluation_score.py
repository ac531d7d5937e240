"""The evaluation engine: each method's points at and around its bounds, grades at cut-offs, bonus
items and their cap, rank-in-cohort ties, the previous period and two consecutive failures, rewards."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.evaluation import EvaluationInputError, load_template, score

TEMPLATE = """
code: t
name: 测试模板
version: "1"
subject: incubator
classes: {comprehensive: 综合, specialised: 专业}
indicators:
  - id: steps
    label: 毕业企业数
    column: graduated
    unit: 家
    weights: {comprehensive: 40, specialised: 20}
    method: thresholds
    steps: [{min: 10, share: 1.0}, {min: 5, share: 0.5}, {share: 0}]
  - id: line
    label: 场地使用率
    column: occupancy
    unit: "%"
    weights: {comprehensive: 30, specialised: 30}
    method: linear
    low: 50
    high: 90
  - id: ranked
    label: 高企数
    column: hightech
    weights: {comprehensive: 30, specialised: 50}
    method: rank
bonus:
  - {id: title, label: 新获国家级称号, column: title, points: 4}
  - {id: listed, label: 毕业企业上市, column: listed, points: 3}
bonus_cap: 5
grades:
  - {code: A, label: 优秀, min: 85}
  - {code: B, label: 良好, min: 70}
  - {code: C, label: 合格, min: 60}
  - {code: D, label: 不合格, failing: true}
consequence: {consecutive_failures: 2, text: 取消国家级资格, applies_to: [国家级]}
rewards:
  - {id: operation, label: 运营评价奖励, grades: [A], amount: 20}
  - {id: incubation, label: 孵化成效奖励, grades: [A, B], column: new_hightech, per_unit: 2, cap: 10}
"""


@pytest.fixture(scope="module")
def template():
    return load_template(TEMPLATE)


def frame(**cols) -> pl.DataFrame:
    n = max(len(v) for v in cols.values() if isinstance(v, list))
    base = {
        "id": [f"c{i}" for i in range(n)],
        "class": ["comprehensive"] * n,
        "graduated": [0] * n,
        "occupancy": [50.0] * n,
        "hightech": [0] * n,
        "title": [0] * n,
        "listed": [0] * n,
        "new_hightech": [0] * n,
    }
    base.update(cols)
    return pl.DataFrame(base, strict=False)


def test_threshold_points_at_and_around_each_bound(template):
    r = score(template, frame(graduated=[4, 5, 9, 10, 11, None]), "2025")
    assert r["steps_points"].to_list() == [0, 20, 20, 40, 40, 0]
    assert r["missing"].to_list()[-1] == "毕业企业数"


def test_thresholds_use_the_weight_of_the_class(template):
    r = score(template, frame(graduated=[10, 10], **{"class": ["comprehensive", "specialised"]}), "2025")
    assert r["steps_points"].to_list() == [40, 20]


def test_linear_points_between_bounds_and_clipped_outside(template):
    r = score(template, frame(occupancy=[40, 50, 70, 89.9, 90, 120]), "2025")
    assert r["line_points"].to_list() == [0, 0, 15, 29.93, 30, 30]


def test_rank_in_cohort_ties_share_the_better_place_and_classes_rank_apart(template):
    r = score(
        template,
        frame(
            hightech=[9, 5, 5, 1, 7],
            **{"class": ["comprehensive"] * 4 + ["specialised"]},
        ),
        "2025",
    )
    # comprehensive cohort of 4: 9 → 1st, the two 5s tie at 2nd, 1 → 4th
    assert r["ranked_points"].to_list() == [30, 20, 20, 0, 50]  # alone in its class: all points
    assert r["rank"].to_list()[:4] == [1, 2, 2, 4]
    assert r["cohort_size"].to_list() == [4, 4, 4, 4, 1]


def test_bonus_items_and_their_cap(template):
    r = score(template, frame(title=[1, 0, 1, 0], listed=[0, 1, 1, 0]), "2025")
    assert r["bonus_points"].to_list() == [4, 3, 5, 0]


@pytest.mark.parametrize(
    ("graduated", "occupancy", "total", "grade", "label"),
    [
        (10, 70, 85, "A", "优秀"),  # 40 + 15 + 30, exactly on the cut-off
        (10, 69.96, 84.97, "B", "良好"),
        (10, 50, 70, "B", "良好"),
        (5, 76.6, 69.95, "C", "合格"),
        (0, 90, 60, "C", "合格"),
        (0, 89.96, 59.97, "D", "不合格"),
    ],
)
def test_grades_at_cut_offs(template, graduated, occupancy, total, grade, label):
    r = score(template, frame(graduated=[graduated], hightech=[1], occupancy=[occupancy]), "2025")
    assert r["total"][0] == total
    assert (r["grade"][0], r["grade_label"][0]) == (grade, label)


def test_what_would_lift_the_grade_names_the_gap_and_the_steps(template):
    r = score(template, frame(graduated=[5], hightech=[1], occupancy=[50]), "2025")
    # 20 + 0 + 30 = 50 → D; 合格 needs 60
    assert r["grade"][0] == "D" and r["points_to_next"][0] == 10
    lift = r["lift"][0]
    assert lift.startswith("距「合格」还差 10 分")
    assert "毕业企业数达到 10 家（+20 分）" in lift
    assert "场地使用率达到 63.33%（+10 分）" in lift
    top = score(template, frame(graduated=[10], hightech=[1], occupancy=[90]), "2025")
    assert top["lift"][0] == "已是最高等级"


def test_the_advice_is_also_given_in_english_with_the_templates_english_names(template):
    english = load_template(
        TEMPLATE.replace("label: 毕业企业数\n", "label: 毕业企业数\n    label_en: Graduated enterprises\n")
        .replace("unit: 家\n", "unit: 家\n    unit_en: enterprises\n")
        .replace("label: 场地使用率\n", "label: 场地使用率\n    label_en: Space occupancy\n")
        .replace("{code: C, label: 合格,", "{code: C, label: 合格, label_en: Pass,")
    )
    r = score(english, frame(graduated=[5], hightech=[1], occupancy=[50]), "2025")
    lift = r["lift_en"][0]
    assert lift.startswith("10 points short of 'Pass': ")
    assert "Graduated enterprises reaches 10 enterprises (+20 points)" in lift
    assert "Space occupancy reaches 63.33% (+10 points)" in lift
    assert r["lift"][0].startswith("距「合格」还差 10 分")  # the Chinese advice is unchanged
    # without English names the English sentence falls back to the Chinese names
    plain = score(template, frame(graduated=[5], hightech=[1], occupancy=[50]), "2025")
    assert "毕业企业数 reaches 10 家 (+20 points)" in plain["lift_en"][0]
    top = score(english, frame(graduated=[10], hightech=[1], occupancy=[90]), "2025")
    assert top["lift_en"][0] == "Already the top grade"
    close = score(english, frame(graduated=[5], hightech=[1], occupancy=[62]), "2025")  # 59 points
    assert close["lift_en"][0].startswith("1 point short of 'Pass': ")
    assert "Space occupancy reaches 63.33% (+1 point)" in close["lift_en"][0]


def test_previous_period_change_and_two_consecutive_failures_withdraw_a_national_title(template):
    current = frame(graduated=[0, 0, 0, 10], hightech=[0, 0, 0, 0], occupancy=[50, 50, 50, 90]).with_columns(
        level=pl.Series(["国家级", "国家级", "省级", "国家级"])
    )
    history = pl.DataFrame(
        {
            "id": ["c0", "c1", "c1", "c2", "c3"],
            "period": ["2024", "2023", "2024", "2024", "2024"],
            "grade": ["D", "D", "C", "D", "D"],
            "total": [50.0, 40.0, 61.0, 30.0, 55.0],
        }
    )
    r = score(template, current, "2025", history).sort("id")
    # each is in a cohort of 4 all tied on hightech = 0 → rank points 30 each
    assert r["grade"].to_list() == ["D", "D", "D", "A"]
    assert r["consecutive_failures"].to_list() == [2, 1, 2, 0]
    # c0: national, D then D → withdrawn; c1: D, C, D → not consecutive; c2: 省级 → the rule does not apply
    assert r["consequence"].to_list() == [True, False, False, False]
    assert r["previous_grade"].to_list() == ["D", "C", "D", "D"]
    assert r["change"].to_list() == [r["total"][0] - 50, r["total"][1] - 61, r["total"][2] - 30, 100 + 0 - 55]


def test_history_after_the_period_is_ignored(template):
    history = pl.DataFrame({"id": ["c0"], "period": ["2026"], "grade": ["D"], "total": [1.0]})
    r = score(template, frame(graduated=[0]), "2025", history)
    assert r["previous_grade"][0] is None and r["consecutive_failures"][0] == 1


def test_rewards_follow_the_grade_and_the_results(template):
    r = score(
        template,
        frame(graduated=[10, 10, 10], hightech=[1, 1, 1], occupancy=[90, 60, 50], new_hightech=[3, 9, 4]),
        "2025",
    )
    assert r["grade"].to_list() == ["A", "B", "B"]
    assert r["reward_operation"].to_list() == [20, 0, 0]
    assert r["reward_incubation"].to_list() == [6, 10, 8]  # 3 × 2; 9 × 2 capped at 10; 4 × 2
    assert r["reward_total"].to_list() == [26, 10, 8]


def test_no_reward_for_a_grade_not_listed(template):
    r = score(template, frame(graduated=[0], occupancy=[50], new_hightech=[5]), "2025")
    assert r["grade"][0] == "D" and r["reward_total"][0] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"class": ["综合"]}, "第 2 行 class：不认识的类别「综合」"),
        ({"graduated": ["十"]}, "第 2 行 graduated（毕业企业数）：「十」不是数字"),
        ({"id": [None]}, "第 2 行：id 为空"),
    ],
)
def test_bad_input_names_the_row_and_the_field(template, change, message):
    with pytest.raises(EvaluationInputError, match=message):
        score(
            template,
            frame(graduated=[1]).with_columns(**{k: pl.Series(v) for k, v in change.items()}),
            "2025",
        )


def test_a_missing_column_is_named(template):
    with pytest.raises(EvaluationInputError, match="输入缺少列：occupancy"):
        score(template, frame(graduated=[1]).drop("occupancy"), "2025")
