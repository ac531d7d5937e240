"""`kechuang plan load [FILE] [--check]` and `kechuang plan versions`."""

from __future__ import annotations

from kechuang.plans.schema import default_plan_path
from tests.cli.kit import db_rows

PLAN = "dongguan-2026-2030"


def _plan_text() -> str:
    return default_plan_path().read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line == needle)


def test_check_validates_without_writing(kc, fresh_var, empty_var):
    result = kc(fresh_var, "plan", "load", "--check")
    assert result.returncode == 0, result
    assert "校验通过：9 项指标，69 项重点任务" in result.stdout
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM plans_plan") == [(0,)]
    before_setup = kc(empty_var, "plan", "load", "--check")  # no database needed to check a file
    assert before_setup.returncode == 0 and "校验通过" in before_setup.stdout, before_setup


def test_load_writes_the_plan_and_a_changed_file_becomes_version_2(kc, fresh_var, tmp_path):
    result = kc(fresh_var, "plan", "load")
    assert result.returncode == 0, result
    assert "已加载为第 1 版" in result.stdout
    assert db_rows(fresh_var, "SELECT code, start_year, end_year FROM plans_plan") == [(PLAN, 2026, 2030)]
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM plans_indicator") == [(9,)]
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM plans_task") == [(69,)]

    again = kc(fresh_var, "plan", "load")
    assert again.returncode == 0 and "内容未变化，仍为第 1 版" in again.stdout, again

    text = _plan_text().replace("    target_value: 4.1\n", "    target_value: 4.2\n", 1)
    changed = tmp_path / "规划-修订.yaml"
    changed.write_text(text, encoding="utf-8")
    third = kc(fresh_var, "plan", "load", changed, "--note", "研发强度目标改为 4.2")
    assert third.returncode == 0, third
    assert "已加载为第 2 版" in third.stdout and "rd_intensity" in third.stdout
    assert db_rows(fresh_var, "SELECT number, note FROM plans_planversion ORDER BY number") == [
        (1, ""),
        (2, "研发强度目标改为 4.2"),
    ]
    assert db_rows(fresh_var, "SELECT target_value FROM plans_indicator WHERE code = 'rd_intensity'") == [
        (4.2,)
    ]

    versions = kc(fresh_var, "plan", "versions")
    assert versions.returncode == 0, versions
    assert "东莞市科技创新“十五五”规划" in versions.stdout
    assert "研发强度目标改为 4.2" in versions.stdout and "规划-修订.yaml" in versions.stdout


def test_a_bad_file_is_refused_naming_line_and_field_and_nothing_is_written(kc, fresh_var, tmp_path):
    text = _plan_text()
    line = _line_of(text, "    target_value: 4.1")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    target_value: 4.1\n", "    target_value: 很多\n", 1), encoding="utf-8")
    result = kc(fresh_var, "plan", "load", bad)
    assert result.returncode == 1, result
    assert "规划文件有 1 处错误，未加载" in result.stderr
    assert f"第 {line} 行 indicators[0].target_value" in result.stderr and "很多" in result.stderr
    assert "Traceback" not in result.output
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM plans_plan") == [(0,)]


def test_broken_yaml_and_a_missing_file(kc, loaded_var, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("plan: [\n", encoding="utf-8")
    result = kc(loaded_var, "plan", "load", broken)
    assert result.returncode == 1 and "YAML 语法错误" in result.stderr, result
    missing = kc(loaded_var, "plan", "load", tmp_path / "none.yaml")
    assert missing.returncode == 1 and "无法读取文件" in missing.stderr, missing
    assert db_rows(loaded_var, "SELECT COUNT(*) FROM plans_planversion") == [(1,)]


def test_versions_of_an_unknown_plan(kc, loaded_var):
    result = kc(loaded_var, "plan", "versions", "--plan", "nope")
    assert result.returncode == 1, result
    assert "找不到规划「nope」" in result.stderr and PLAN in result.stderr
    assert "Traceback" not in result.output


def test_versions_before_any_plan_is_loaded(kc, fresh_var):
    result = kc(fresh_var, "plan", "versions")
    assert result.returncode == 1, result
    assert "尚未加载任何规划" in result.stderr and "kechuang plan load" in result.stderr
