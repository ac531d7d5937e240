"""The review's ranking contract: conflicts, trimmed means, ties, null scores, the funding line."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.projects.ranking import (
    RankingInputError,
    as_records,
    rank_applications,
    read_rank_inputs,
)


def apps(**requested) -> pl.DataFrame:
    return pl.DataFrame({"application": list(requested), "requested": [float(v) for v in requested.values()]})


def marks(*rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["application", "expert", "score"], orient="row")


def conflicts(*rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["expert", "application"], orient="row")


def by_app(result: pl.DataFrame) -> dict[str, dict]:
    return {r["application"]: r for r in as_records(result)}


def test_scores_of_an_expert_with_a_declared_conflict_are_left_out():
    got = by_app(
        rank_applications(
            apps(A=10, B=10),
            marks(("A", "e1", 100), ("A", "e2", 70), ("B", "e1", 80)),
            conflicts(("e1", "A")),
            budget=100,
        )
    )
    assert got["A"]["score"] == 70 and got["A"]["experts"] == 1
    assert got["B"]["score"] == 80 and got["B"]["experts"] == 1  # e1's conflict is only on A


def test_one_highest_and_one_lowest_are_dropped_from_five_scores_but_not_from_four():
    five = marks(*[("A", f"e{i}", s) for i, s in enumerate([100, 80, 70, 60, 0])])
    four = marks(*[("B", f"e{i}", s) for i, s in enumerate([100, 80, 70, 0])])
    got = by_app(rank_applications(apps(A=1, B=1), pl.concat([five, four]), budget=0))
    assert got["A"]["score"] == pytest.approx(70.0) and got["A"]["experts"] == 3
    assert got["B"]["score"] == pytest.approx(62.5) and got["B"]["experts"] == 4


def test_trimming_counts_what_remains_after_conflicts():
    # six scores, one by a conflicted expert: five remain, so the trim applies to those five
    six = marks(*[("A", f"e{i}", s) for i, s in enumerate([100, 90, 80, 70, 60, 0])])
    got = by_app(rank_applications(apps(A=1), six, conflicts(("e0", "A")), budget=0))
    assert got["A"]["score"] == pytest.approx(70.0) and got["A"]["experts"] == 3  # 90 and 0 dropped
    # five scores, one conflicted: four remain, no trim
    five = marks(*[("B", f"e{i}", s) for i, s in enumerate([100, 90, 80, 70, 60])])
    got = by_app(rank_applications(apps(B=1), five, conflicts(("e0", "B")), budget=0))
    assert got["B"]["score"] == pytest.approx(75.0) and got["B"]["experts"] == 4


def test_scores_within_1e_9_share_a_rank_and_the_next_rank_skips():
    scores = marks(("A", "e", 90.0), ("B", "e", 80.0), ("C", "e", 80.0 + 5e-10), ("D", "e", 70.0),
                   ("E", "e", 80.0 - 2e-9))  # fmt: skip
    result = rank_applications(apps(A=1, B=1, C=1, D=1, E=1), scores, budget=0)
    ranks = {r["application"]: r["rank"] for r in as_records(result)}
    assert ranks == {"A": 1, "C": 2, "B": 2, "E": 4, "D": 5}


def test_applications_without_scores_share_the_rank_after_the_last_scored_and_are_not_funded():
    scores = marks(("A", "e", 90), ("B", "e", 70), ("C", "e", 80))
    result = rank_applications(
        apps(A=1, B=1, C=3, N2=5, N1=5, N0=1), scores, conflicts(("e", "C")), budget=1000
    )
    rows = as_records(result)
    assert [r["application"] for r in rows] == ["A", "B", "N0", "C", "N1", "N2"]  # by request, then code
    nulls = [r for r in rows if r["score"] is None]
    assert {r["rank"] for r in nulls} == {3} and all(not r["funded"] and r["amount"] == 0 for r in nulls)
    assert [r["experts"] for r in nulls] == [0, 0, 0, 0]


def test_the_pass_mark_is_reached_within_1e_9():
    scores = marks(("A", "e", 60.0 - 5e-10), ("B", "e", 60.0 - 2e-9), ("C", "e", 60.0))
    got = by_app(rank_applications(apps(A=1, B=1, C=1), scores, budget=100, pass_mark=60))
    assert got["A"]["funded"] and got["C"]["funded"] and not got["B"]["funded"]
    got = by_app(rank_applications(apps(A=1, B=1, C=1), scores, budget=100, pass_mark=0))
    assert all(r["funded"] for r in got.values())


def test_an_application_that_does_not_fit_is_skipped_and_later_smaller_ones_are_funded():
    scores = marks(("A", "e", 95), ("B", "e", 90), ("C", "e", 85), ("D", "e", 80))
    result = rank_applications(apps(A=60, B=50, C=30, D=10), scores, budget=100)
    rows = as_records(result)
    assert [(r["application"], r["funded"], r["amount"]) for r in rows] == [
        ("A", True, 60.0),
        ("B", False, 0.0),
        ("C", True, 30.0),
        ("D", True, 10.0),
    ]


def test_equal_scores_are_funded_in_order_of_smaller_request_then_code():
    scores = marks(("B", "e", 80), ("A", "e", 80), ("C", "e", 80), ("D", "e", 80 + 1e-10))
    result = rank_applications(apps(A=40, B=40, C=20, D=50), scores, budget=60)
    rows = as_records(result)
    assert [r["application"] for r in rows] == ["C", "A", "B", "D"]
    assert [r["funded"] for r in rows] == [True, True, False, False]
    assert {r["rank"] for r in rows} == {1}


def test_exact_money_at_the_end_of_the_budget_is_funded():
    scores = marks(("A", "e", 90), ("B", "e", 80), ("C", "e", 70))
    result = rank_applications(apps(A=33.3, B=33.3, C=33.4), scores, budget=100)
    assert all(r["funded"] for r in as_records(result))


def write(path, text, bom=False):
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_the_reader_accepts_a_bom_and_spaces_around_headers(tmp_path):
    a = write(tmp_path / "a.csv", " application , requested \nA1, 10\nA2,5.5\n", bom=True)
    s = write(tmp_path / "s.csv", "application,expert, score\nA1,e1,80\n")
    c = write(tmp_path / "c.csv", "expert ,application\ne1,A1\n", bom=True)
    got_apps, got_scores, got_conflicts = read_rank_inputs(a, s, c)
    assert got_apps.to_dicts() == [
        {"application": "A1", "requested": 10.0},
        {"application": "A2", "requested": 5.5},
    ]
    assert got_scores["score"].to_list() == [80.0]
    assert got_conflicts.to_dicts() == [{"expert": "e1", "application": "A1"}]


def test_the_reader_names_file_row_and_column_of_every_problem(tmp_path):
    a = write(tmp_path / "a.csv", "application,requested\nA1,abc\nA2,-5\nA1,3\nA3,1\n")
    s = write(tmp_path / "s.csv", "application,expert,score\nA1,e1,101\nA1,e1,50\nZZ,e2,x\nA2,e3,-1\n")
    c = write(tmp_path / "c.csv", "expert,application\ne9,QQ\n")
    with pytest.raises(RankingInputError) as caught:
        read_rank_inputs(a, s, c)
    text = str(caught.value)
    assert f"申请文件 {a} 第 2 行，列 requested：申请金额「abc」不是数字" in text
    assert f"申请文件 {a} 第 3 行，列 requested：申请金额 -5 为负数" in text
    assert f"申请文件 {a} 第 4 行，列 application：申请编号「A1」重复（第 2 行已出现）" in text
    assert f"评分文件 {s} 第 2 行，列 score：评分 101 不在 0–100 之间" in text
    assert f"评分文件 {s} 第 3 行，列 expert：专家「e1」对申请「A1」的评分重复（第 2 行已出现）" in text
    assert f"评分文件 {s} 第 4 行，列 application：申请编号「ZZ」不在申请文件中" in text
    assert f"评分文件 {s} 第 4 行，列 score：评分「x」不是数字" in text
    assert f"评分文件 {s} 第 5 行，列 score：评分 -1 不在 0–100 之间" in text
    assert f"回避声明文件 {c} 第 2 行，列 application：申请编号「QQ」不在申请文件中" in text
    assert len(caught.value.errors) == 9


def test_a_missing_column_is_named(tmp_path):
    a = write(tmp_path / "a.csv", "application,amount\nA1,1\n")
    s = write(tmp_path / "s.csv", "application,expert,score\n")
    with pytest.raises(RankingInputError) as caught:
        read_rank_inputs(a, s)
    assert caught.value.errors == [
        f"申请文件 {a} 第 1 行（表头）：缺少列 requested（应有 application, requested）"
    ]
