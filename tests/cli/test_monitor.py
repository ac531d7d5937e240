"""`kechuang monitor`: the plan's evaluation from the database, or from a file without any database."""

from __future__ import annotations

import json

from tests.cli.kit import DB_NAME

FILE = "指标,地区,年份,数值\nrd_intensity,东莞市,2024,4.01\nrd_intensity,东莞市,2025,4.05\n"


def test_json_and_table_from_the_database(kc, demo_copy):
    result = kc(demo_copy, "monitor", "--format", "json")
    assert result.returncode == 0, result
    data = json.loads(result.stdout)
    assert data["plan"] == "dongguan-2026-2030" and data["region"] == "441900"
    assert data["as_of"] == 2024  # the latest official year (the demo simulates 2025–2027)
    assert data["as_of_simulated"] is False
    assert len(data["indicators"]) == 9 and 0 <= data["index"] <= 100
    rd = next(i for i in data["indicators"] if i["code"] == "rd_intensity")
    assert rd["baseline_value"] == 4.01 and rd["target_value"] == 4.1

    table = kc(demo_copy, "monitor", "--region", "虎门镇", "--as-of", 2025)
    assert table.returncode == 0, table
    assert "虎门镇 · 评估年份 2025" in table.stdout
    assert "全社会研发投入强度" in table.stdout and "规划指数" in table.stdout


def test_a_file_is_evaluated_without_a_database(kc, empty_var, tmp_path):
    file = tmp_path / "观测值.csv"
    file.write_text(FILE, encoding="utf-8")
    result = kc(empty_var, "monitor", "--observations", file, "--format", "json")
    assert result.returncode == 0, result
    data = json.loads(result.stdout)
    assert data["as_of"] == 2025  # the file's latest year
    rd = next(i for i in data["indicators"] if i["code"] == "rd_intensity")
    assert rd["latest_value"] == 4.05 and rd["latest_year"] == 2025
    assert not (empty_var / DB_NAME).exists()


def test_a_bad_file_names_its_rows(kc, empty_var, tmp_path):
    file = tmp_path / "坏文件.csv"
    file.write_text("指标,地区,年份,数值\nrd_intensity,东莞市,2025,很高\n", encoding="utf-8")
    result = kc(empty_var, "monitor", "--observations", file)
    assert result.returncode == 1, result
    assert "第 2 行「数值」：数值「很高」不是数字" in result.stderr

    no_year = tmp_path / "无年份.csv"
    no_year.write_text("x\n1\n", encoding="utf-8")
    result = kc(empty_var, "monitor", "--observations", no_year)
    assert result.returncode == 1, result
    assert "缺少必填列：指标、地区、年份、数值" in result.stderr
    assert "Traceback" not in result.output


def test_missing_files_and_a_bad_plan_file(kc, empty_var, tmp_path):
    missing = kc(empty_var, "monitor", "--observations", tmp_path / "none.csv")
    assert missing.returncode == 2 and "--observations 找不到文件" in missing.stderr, missing
    file = tmp_path / "观测值.csv"
    file.write_text(FILE, encoding="utf-8")
    bad_plan = tmp_path / "plan.yaml"
    bad_plan.write_text("schema_version: 1\nplan: {code: x}\n", encoding="utf-8")
    result = kc(empty_var, "monitor", "--observations", file, "--plan-file", bad_plan)
    assert result.returncode == 1 and "规划文件有" in result.stderr and "plan." in result.stderr, result
    alone = kc(empty_var, "monitor", "--plan-file", bad_plan)
    assert alone.returncode == 2 and "只能与 --observations 同用" in alone.stderr, alone
    assert "Traceback" not in missing.output + result.output + alone.output


def test_unknown_region_format_and_plan(kc, demo_copy):
    region = kc(demo_copy, "monitor", "--region", "火星")
    assert region.returncode == 2 and "未知地区「火星」" in region.stderr, region
    fmt = kc(demo_copy, "monitor", "--format", "xml")
    assert fmt.returncode == 2 and "未知格式「xml」" in fmt.stderr, fmt
    year = kc(demo_copy, "monitor", "--as-of", 1800)
    assert year.returncode == 2 and "--as-of 应在 2000–2100 之间" in year.stderr, year
    plan = kc(demo_copy, "monitor", "--plan", "nope")
    assert plan.returncode == 1 and "找不到规划「nope」" in plan.stderr, plan
    assert "Traceback" not in region.output + fmt.output + plan.output
