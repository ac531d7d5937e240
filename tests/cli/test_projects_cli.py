"""`kechuang projects rank` run as a user runs it: real CSV files, a subprocess, no database."""

from __future__ import annotations

import json

import pytest

APPS = "\ufeff application , requested \nA1,50\nA2,30\nA3,20\nA4,40\nA5,10\n"
SCORES = """application,expert,score
A1,e1,90
A1,e2,80
A1,e3,70
A1,e4,100
A1,e5,60
A2,e1,80
A2,e2,80
A3,e1,80
A3,e2,80
A4,e1,50
"""
CONFLICTS = "expert,application\ne1,A4\n"


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, text in (("apps", APPS), ("scores", SCORES), ("conflicts", CONFLICTS)):
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8")
    return out


def rank_args(files, *more):
    return ["projects", "rank", "--applications", files["apps"], "--scores", files["scores"], *more]


def test_ranking_as_json_without_a_database(kc, empty_var, files):
    result = kc(empty_var, *rank_args(files, "--conflicts", files["conflicts"], "--budget", 60))
    assert result.returncode == 0, result
    rows = json.loads(result.stdout)
    assert [list(r) for r in rows][0] == ["application", "score", "experts", "rank", "funded", "amount"]
    assert [
        (r["application"], r["score"], r["experts"], r["rank"], r["funded"], r["amount"]) for r in rows
    ] == [
        ("A3", 80.0, 2, 1, True, 20),  # equal scores: smaller request first
        ("A2", 80.0, 2, 1, True, 30),
        ("A1", 80.0, 3, 1, False, 0),  # five scores, 100 and 60 dropped; 50 does not fit in 10
        ("A5", None, 0, 4, False, 0),  # no score: null, last shared rank, by request
        ("A4", None, 0, 4, False, 0),  # its only expert declared a conflict
    ]
    assert "true" in result.stdout and "null" in result.stdout
    assert not (empty_var / "kechuang.sqlite3").exists()  # no database was created


def test_ranking_as_a_table(kc, empty_var, files):
    result = kc(empty_var, *rank_args(files, "--budget", 100, "--pass-mark", 70, "--format", "table"))
    assert result.returncode == 0, result
    assert "评审排序与资助线（预算 100 万元，及格线 70 分）" in result.stdout
    assert "共 5 项申请，资助 3 项，合计 100 万元，预算余额 0 万元" in result.stdout
    lines = [line for line in result.stdout.splitlines() if " A" in line]
    assert [line.split()[3] for line in lines] == ["A3", "A2", "A1", "A4", "A5"]


def test_help_states_the_default_format(kc, empty_var):
    result = kc(empty_var, "projects", "rank", "--help")
    assert result.returncode == 0, result
    assert "json（默认" in result.stdout


def test_bad_files_are_refused_naming_file_row_and_column(kc, empty_var, files, tmp_path):
    bad_apps = tmp_path / "bad-apps.csv"
    bad_apps.write_text("application,requested\nA1,abc\nA2,-5\nA1,3\nA3,1\n", encoding="utf-8")
    bad_scores = tmp_path / "bad-scores.csv"
    bad_scores.write_text(
        "application,expert,score\nA1,e1,101\nA3,e1,50\nA3,e1,60\nZZ,e2,x\n", encoding="utf-8"
    )
    result = kc(empty_var, "projects", "rank", "--applications", bad_apps, "--scores", bad_scores,
                "--budget", 10)  # fmt: skip
    assert result.returncode == 1, result
    assert "Traceback" not in result.output and result.stdout == ""
    assert "输入文件有 7 处错误，未计算" in result.stderr
    assert f"申请文件 {bad_apps} 第 2 行，列 requested：申请金额「abc」不是数字" in result.stderr
    assert f"申请文件 {bad_apps} 第 3 行，列 requested：申请金额 -5 为负数" in result.stderr
    assert f"申请文件 {bad_apps} 第 4 行，列 application：申请编号「A1」重复" in result.stderr
    assert f"评分文件 {bad_scores} 第 2 行，列 score：评分 101 不在 0–100 之间" in result.stderr
    assert f"评分文件 {bad_scores} 第 4 行，列 expert：专家「e1」对申请「A3」的评分重复" in result.stderr
    assert f"评分文件 {bad_scores} 第 5 行，列 application：申请编号「ZZ」不在申请文件中" in result.stderr
    assert f"评分文件 {bad_scores} 第 5 行，列 score：评分「x」不是数字" in result.stderr


def test_a_missing_column_and_a_negative_budget_are_refused(kc, empty_var, files, tmp_path):
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text("expert,app\ne1,A1\n", encoding="utf-8")
    result = kc(empty_var, *rank_args(files, "--conflicts", conflicts, "--budget", 10))
    assert result.returncode == 1, result
    assert f"回避声明文件 {conflicts} 第 1 行（表头）：缺少列 application" in result.stderr
    result = kc(empty_var, *rank_args(files, "--budget", -1))
    assert result.returncode == 1, result
    assert "--budget 不能为负数" in result.stderr and result.stdout == ""
