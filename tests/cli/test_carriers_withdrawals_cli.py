"""`kechuang carriers withdrawals` run as a user runs it: the installed script on a real database whose
withdrawals were made by the services the page and the API use (one undone, one standing)."""

from __future__ import annotations

import csv
import json

import pytest

SETUP = """
from kechuang.accounts.models import OrgKind, OrgUnit
from kechuang.carriers import services
from kechuang.carriers.models import Carrier
org = OrgUnit.objects.create(code="op_cli", name="运营方", kind=OrgKind.CARRIER)
a = Carrier.objects.create(code="CA", name="甲孵化器", kind="incubator", level="国家级", operator=org,
                           region_code="441900401")
b = Carrier.objects.create(code="CB", name="乙众创空间", kind="maker_space", level="市级", operator=org,
                           region_code="441900121")
services.withdraw(a, "连续两年运营评价不合格", None)
services.revoke_withdrawal(a, "复核后恢复", None)
services.withdraw(b, "=弄虚作假", None)
"""


@pytest.fixture
def with_withdrawals(kc, fresh_var):
    made = kc(fresh_var, "manage", "shell", "-c", SETUP)
    assert made.returncode == 0, made
    return fresh_var


def test_the_table_lists_every_withdrawal_with_its_undoing(kc, with_withdrawals):
    run = kc(with_withdrawals, "carriers", "withdrawals")
    assert run.returncode == 0, run
    assert "撤销认定记录：2 条（仍然有效 1 条）" in run.stdout
    for text in ("CA", "甲孵化器", "国家级", "连续两年运营评价不合格", "复核后恢复", "CB", "=弄虚作假"):
        assert text in run.stdout


def test_csv_and_json_files(kc, with_withdrawals, tmp_path):
    out = tmp_path / "导出" / "withdrawals.csv"
    run = kc(with_withdrawals, "carriers", "withdrawals", "--out", out)  # the suffix picks CSV
    assert run.returncode == 0, run
    assert f"已写入 2 条撤销认定记录：{out}" in run.stderr
    rows = {r["carrier"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["CA"]["level"] == "国家级" and rows["CA"]["revoke_reason"] == "复核后恢复"
    assert rows["CA"]["revoked_at"] and rows["CB"]["revoked_at"] == ""
    assert rows["CB"]["reason"] == "'=弄虚作假"  # a formula start is neutralised for Excel
    run = kc(with_withdrawals, "carriers", "withdrawals", "--format", "json")
    assert run.returncode == 0, run
    listed = json.loads(run.stdout)
    assert [r["carrier"] for r in listed] == ["CB", "CA"]  # newest decision first
    assert listed[1]["decided_on"] and listed[1]["revoke_reason"] == "复核后恢复"


def test_an_empty_database_says_so(kc, fresh_var):
    run = kc(fresh_var, "carriers", "withdrawals")
    assert run.returncode == 0 and "没有撤销认定记录" in run.stdout


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(kc, with_withdrawals, tmp_path):
    out = tmp_path / "withdrawals.xlsx"
    run = kc(with_withdrawals, "carriers", "withdrawals", "--out", out)
    assert run.returncode == 2 and "--out 文件应以 .csv 或 .json 结尾" in run.stderr
    assert not out.exists()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    run = kc(with_withdrawals, "carriers", "withdrawals", "--format", "csv", "--out", folder)
    assert run.returncode == 1 and "无法写入" in run.stderr and "Traceback" not in run.output
    run = kc(with_withdrawals, "carriers", "withdrawals", "--format", "xml")
    assert run.returncode == 2 and "xml" in run.stderr
