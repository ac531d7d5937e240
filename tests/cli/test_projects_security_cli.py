"""`kechuang projects security load FILE` and `kechuang projects security board`, run as a user runs
them: the shipped indicator file and changed copies of it, a subprocess, the rows it wrote."""

from __future__ import annotations

import json
import sqlite3

from kechuang.projects.security import DEFAULT_PATH
from tests.cli.kit import db_rows, run_in

SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")


def _thresholds(var) -> dict:
    rows = db_rows(var, "SELECT code, yellow, red FROM projects_securityindicator ORDER BY code")
    return {code: (yellow, red) for code, yellow, red in rows}


def test_load_writes_the_indicators_and_a_reload_keeps_the_readings(kc, fresh_var, tmp_path):
    result = kc(fresh_var, "projects", "security", "load")
    assert result.returncode == 0, result
    assert "校验通过：6 项指标（版本 2026-12）" in result.stdout and "新增 6 项" in result.stdout
    assert _thresholds(fresh_var)["single_supplier"] == (30.0, 50.0)
    assert db_rows(
        fresh_var, "SELECT sample, name_en FROM projects_securityindicator WHERE code = 'ethics_missing'"
    ) == [(1, "Running projects in sensitive fields without ethics approval")]
    english = db_rows(
        fresh_var,
        "SELECT department_en, source_en, substr(note_en, 1, 30) FROM projects_securityindicator "
        "WHERE code = 'rd_talent_outflow'",
    )
    assert english == [
        ("Human Resources and Social Security Bureau", "Sample thresholds", "Researchers in key positions o")
    ]
    # a department's reading, then the file with a new yellow threshold
    con = sqlite3.connect(fresh_var / "kechuang.sqlite3")
    con.execute(
        "INSERT INTO projects_securityreading (indicator_id, period, value, source) "
        "SELECT id, '2025', 36.5, '工信局填报' FROM projects_securityindicator WHERE code = 'single_supplier'"
    )
    con.commit()
    con.close()
    again = kc(fresh_var, "projects", "security", "load")
    assert again.returncode == 0 and "更新 0 项，未变化 6 项" in again.stdout, again

    changed = tmp_path / "指标-修订.yaml"
    changed.write_text(SHIPPED.replace("    yellow: 30\n", "    yellow: 35\n", 1), encoding="utf-8")
    third = kc(fresh_var, "projects", "security", "load", changed)
    assert third.returncode == 0, third
    assert "更新 1 项" in third.stdout and "single_supplier：yellow 30 → 35" in third.stdout
    assert _thresholds(fresh_var)["single_supplier"] == (35.0, 50.0)
    assert db_rows(fresh_var, "SELECT period, value FROM projects_securityreading") == [("2025", 36.5)]
    audit = db_rows(
        fresh_var,
        "SELECT action, user_name FROM audit_objectchange WHERE object_type = 'projects.securityindicator' "
        "ORDER BY id",
    )
    assert audit[-1] == ("update", "cli:projects security load") and len(audit) == 7

    # the board: 36.5 % is at or above yellow 35 and below red 50
    board = kc(fresh_var, "projects", "security", "board", "--format", "json")
    assert board.returncode == 0, board
    row = next(r for r in json.loads(board.stdout) if r["indicator"] == "single_supplier")
    assert (row["value"], row["period"], row["level"]) == (36.5, "2025", "yellow")
    assert row["reason"] == "36.5% ≥ 黄色阈值 35%，< 红色阈值 50%"
    table = kc(fresh_var, "projects", "security", "board")
    assert table.returncode == 0 and "黄色预警" in table.stdout and "黄色预警 1 项" in table.stdout, table


def test_a_bad_file_is_refused_naming_indicator_and_field_and_nothing_is_written(kc, fresh_var, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = SHIPPED.replace("    red: 15\n", "    red: 高\n", 1).replace("    red: 50\n", "    red: 20\n", 1)
    text = text.replace("    note_en: Number of milestones", "    note_en: [Number of milestones", 1)
    text = text.replace("not yet reported.\n", "not yet reported.]\n", 1)
    bad.write_text(text.replace("    department: 人社局\n", "", 1), encoding="utf-8")
    result = kc(fresh_var, "projects", "security", "load", bad)
    assert result.returncode == 1, result
    assert "指标文件有 4 处错误，未加载" in result.stderr
    assert "指标「key_core_overdue」 note_en（说明英文）：应为文字" in result.stderr
    assert (
        "指标「single_supplier」 red（红色阈值）：越高越危险的指标红色阈值应大于黄色阈值（黄 30，红 20）"
        in result.stderr
    )
    assert "指标「rd_talent_outflow」 red（红色阈值）：应为数字" in result.stderr
    assert "指标「rd_talent_outflow」 department（填报部门）：非平台计算的指标须填写填报部门" in result.stderr
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM projects_securityindicator") == [(0,)]
    missing = kc(fresh_var, "projects", "security", "load", tmp_path / "无此文件.yaml")
    assert missing.returncode == 2 and "找不到文件" in missing.stderr, missing


def test_check_needs_no_database(empty_var):
    result = run_in(empty_var, "projects", "security", "load", "--check")
    assert result.returncode == 0 and "校验通过：6 项指标" in result.stdout, result
