"""`kechuang carriers evaluate` and `kechuang carriers recognise`, run as a user runs them (a real
subprocess, real files), with good input and bad."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import kechuang
from tests.cli.kit import run_in

DATA = Path(kechuang.__file__).parent / "carriers" / "data"
TEMPLATE = DATA / "templates" / "incubator_operation.yaml"
STANDARD = DATA / "rulesets" / "incubator_standard.yaml"
INSTITUTION = DATA / "rulesets" / "institution_basic.yaml"

HEADER = (
    "id,class,level,incubated_count,occupancy_rate,mentors_per_10,graduated_count,hightech_count,funded_share,"
    "revenue_growth,industry_share,non_rent_share,new_national_title,listed_graduates,new_hightech_count\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_writes_grades_ranks_and_the_change_from_history(tmp_path):
    data = write(
        tmp_path / "in.csv",
        HEADER + "a,comprehensive,国家级,60,95,2,12,10,30,40,50,55,1,1,4\n"
        "b,comprehensive,国家级,20,70,1,3,4,10,10,40,20,0,0,1\n",
    )
    history = write(tmp_path / "h.csv", "id,period,total,grade\nb,2024,50,D\na,2024,80,B\n")
    out = tmp_path / "out" / "result.csv"
    run = run_in(
        tmp_path,
        "carriers",
        "evaluate",
        "--template",
        TEMPLATE,
        "--input",
        data,
        "--period",
        "2025",
        "--history",
        history,
        "--format",
        "csv",
        "--output",
        out,
    )
    assert run.returncode == 0, run
    assert "已写入 2 行" in run.stderr and "优秀 1" in run.stderr
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["a"]["grade"] == "A" and rows["a"]["rank"] == "1" and rows["a"]["previous_grade"] == "B"
    assert rows["b"]["grade"] == "D" and rows["b"]["consecutive_failures"] == "2"
    assert rows["b"]["consequence"] == "true"  # 国家级, D twice
    assert rows["b"]["lift"].startswith("距「合格」还差")
    assert float(rows["a"]["reward_total"]) == 28  # 运营评价 20 + 孵化成效 4 × 2


def test_the_operation_reward_goes_to_national_level_carriers_only(tmp_path):
    """东科〔2022〕55号: 运营评价奖励 for carriers of national level or above rated 优秀; 孵化成效奖励
    follows the grade whatever the level."""
    same = "60,95,2,12,10,30,40,50,55,1,1,4\n"
    data = write(
        tmp_path / "in.csv",
        HEADER + f"n,comprehensive,国家级,{same}s,comprehensive,标准级,{same}c,comprehensive,市级,{same}",
    )
    run = run_in(
        tmp_path, "carriers", "evaluate", "--template", TEMPLATE, "--input", data, "--period", "2025"
    )
    assert run.returncode == 0, run
    rows = {r["id"]: r for r in json.loads(run.stdout)}
    assert {r["grade"] for r in rows.values()} == {"A"}
    assert [rows[k]["reward_operation"] for k in "nsc"] == [20, 20, 0]
    assert [rows[k]["reward_incubation"] for k in "nsc"] == [8, 8, 8]


def test_evaluate_json_to_the_screen(tmp_path):
    data = write(tmp_path / "in.csv", HEADER + "a,specialised,省级,60,95,2,12,10,30,40,80,55,0,0,0\n")
    run = run_in(
        tmp_path, "carriers", "evaluate", "--template", TEMPLATE, "--input", data, "--period", "2025"
    )
    assert run.returncode == 0, run
    [row] = json.loads(run.stdout)
    assert row["class"] == "specialised" and row["grade_label"] == "优秀"


def test_evaluate_refuses_bad_input_naming_row_and_field_and_writes_nothing(tmp_path):
    data = write(tmp_path / "in.csv", HEADER + "a,comprehensive,国家级,六十,95,2,12,10,30,40,50,55,1,1,4\n")
    out = tmp_path / "result.json"
    run = run_in(
        tmp_path,
        "carriers",
        "evaluate",
        "--template",
        TEMPLATE,
        "--input",
        data,
        "--period",
        "2025",
        "--output",
        out,
    )
    assert run.returncode == 1
    assert "第 2 行 incubated_count（在孵企业数）：「六十」不是数字" in run.stderr
    assert not out.exists()


def test_evaluate_refuses_a_bad_template_and_a_missing_file(tmp_path):
    bad = write(
        tmp_path / "t.yaml", TEMPLATE.read_text(encoding="utf-8").replace("method: rank", "method: guess")
    )
    data = write(tmp_path / "in.csv", HEADER)
    run = run_in(tmp_path, "carriers", "evaluate", "--template", bad, "--input", data, "--period", "2025")
    assert run.returncode == 1 and "指标 hightech 的 method：取值不在允许范围内" in run.stderr
    run = run_in(
        tmp_path,
        "carriers",
        "evaluate",
        "--template",
        TEMPLATE,
        "--input",
        tmp_path / "no.csv",
        "--period",
        "2025",
    )
    assert run.returncode == 2 and "找不到文件" in run.stderr


def test_recognise_checks_both_rule_sets(tmp_path):
    data = write(
        tmp_path / "in.csv",
        "id,incubated_count,invested_count,funded_count,growing_count,total_income,non_rent_income\n"
        "ok,50,5,0,15,100,30\n"
        "short,50,4,9,15,100,30\n"
        "gap,50,5,0,15,,\n",
    )
    run = run_in(tmp_path, "carriers", "recognise", "--ruleset", STANDARD, "--input", data, "--format", "csv")
    assert run.returncode == 0, run
    rows = {r["id"]: r for r in csv.DictReader(run.stdout.splitlines())}
    assert rows["ok"]["incubator_standard_eligible"] == "yes"
    assert rows["short"]["incubator_standard_eligible"] == "no"
    assert rows["short"]["incubator_standard_failed"] == "investment"
    assert rows["gap"]["incubator_standard_eligible"] == "unknown"


def test_recognise_refuses_a_bad_value_and_an_enterprise_rule_set(tmp_path):
    data = write(tmp_path / "in.csv", "id,instrument_value,independent_legal_person\nx,两百,是\n")
    run = run_in(tmp_path, "carriers", "recognise", "--ruleset", INSTITUTION, "--input", data)
    assert run.returncode == 1
    assert "第 2 行 instrument_value（自有科研仪器设备原价）：「两百」不是有效的值" in run.stderr
    kexiao = Path(kechuang.__file__).parent / "enterprises" / "rulesets" / "kexiao.yaml"
    run = run_in(tmp_path, "carriers", "recognise", "--ruleset", kexiao, "--input", data)
    assert run.returncode == 1 and "未知的列" in run.stderr
