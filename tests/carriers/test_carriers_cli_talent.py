"""`kechuang carriers recognise` with the talent rule sets (人才分类评价, 认定 per class), run as a user
runs it: one row per person with the stated facts → yes / no / unknown and the failed conditions; a bad
fact is refused naming row and column; carrier and talent rule sets are not mixed."""

from __future__ import annotations

import csv
from pathlib import Path

import kechuang
from tests.cli.kit import run_in

DATA = Path(kechuang.__file__).parent / "carriers" / "data"
CLASS_E = DATA / "talent_rules" / "talent_e.yaml"
CLASS_F = DATA / "talent_rules" / "talent_f.yaml"
STANDARD = DATA / "rulesets" / "incubator_standard.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_recognise_checks_people_against_the_class_rules(tmp_path):
    data = write(
        tmp_path / "people.csv",
        "id,annual_salary,years_in_dongguan,full_time_dongguan,title_level,degree_level,age\n"
        "on_line,50,2,是,4,,\n"
        "short,49.99,2,是,3,4,46\n"
        "unknown,60,,是,3,4,\n",
    )
    run = run_in(
        tmp_path,
        "carriers",
        "recognise",
        "--ruleset",
        CLASS_E,
        "--ruleset",
        CLASS_F,
        "--input",
        data,
        "--format",
        "csv",
    )
    assert run.returncode == 0, run
    rows = {r["id"]: r for r in csv.DictReader(run.stdout.splitlines())}
    assert (rows["on_line"]["talent_e_eligible"], rows["on_line"]["talent_f_eligible"]) == ("yes", "yes")
    assert (rows["short"]["talent_e_eligible"], rows["short"]["talent_e_failed"]) == ("no", "salary")
    assert rows["short"]["talent_f_eligible"] == "no"  # a doctorate, but 46
    assert rows["unknown"]["talent_e_eligible"] == "unknown"  # years in Dongguan not stated
    assert rows["unknown"]["talent_f_eligible"] == "unknown"  # age not stated
    assert "E类人才认定条件（示例）：no 1，unknown 1，yes 1" in run.stderr


def test_recognise_refuses_a_bad_fact_and_mixed_rule_sets(tmp_path):
    data = write(tmp_path / "people.csv", "id,annual_salary,full_time_dongguan\nx,50,也许\n")
    run = run_in(tmp_path, "carriers", "recognise", "--ruleset", CLASS_E, "--input", data)
    assert run.returncode == 1
    assert "第 2 行 full_time_dongguan（在莞全职工作）：「也许」不是有效的值" in run.stderr
    run = run_in(
        tmp_path, "carriers", "recognise", "--ruleset", CLASS_E, "--ruleset", STANDARD, "--input", data
    )
    assert run.returncode == 2 and "载体的认定条件与人才的认定条件所用的列不同" in run.stderr
    assert run.stdout == ""


def test_recognise_refuses_an_impossible_fact_as_an_application_would(tmp_path):
    for text, message in (
        (
            "id,annual_salary,degree_level\nx,50,9\n",
            "第 2 行 degree_level（最高学历学位）：取值 9 不在可选范围内",
        ),
        ("id,annual_salary,age\nx,50,30\ny,50,200\n", "第 3 行 age（年龄）：取值 200 须在 16 到 100 之间"),
    ):
        data = write(tmp_path / "people.csv", text)
        out = tmp_path / "out.csv"
        run = run_in(
            tmp_path, "carriers", "recognise", "--ruleset", CLASS_F, "--input", data, "--output", out
        )
        assert run.returncode == 1 and message in run.stderr, run
        assert not out.exists() and "yes" not in run.stdout


def test_a_talent_rule_set_with_a_typo_says_what_each_vocabulary_refused(tmp_path):
    typo = write(
        tmp_path / "e.yaml", CLASS_E.read_text(encoding="utf-8").replace("annual_salary", "anual_salary")
    )
    data = write(tmp_path / "people.csv", "id,annual_salary\nx,50\n")
    run = run_in(tmp_path, "carriers", "recognise", "--ruleset", typo, "--input", data)
    assert run.returncode == 1 and run.stdout == ""
    assert "按人才的列（人才认定条件，kechuang.engine.evaluation.people）" in run.stderr
    assert "未知的列 anual_salary" in run.stderr and "按载体的列（载体认定条件）" in run.stderr
