"""`kechuang transfer match` run as a user runs it: a demand against an achievements file (CSV and
XLSX, no database), the field and top options, a bad file, an empty demand, no file and no database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.cli.kit import DB_NAME, run_in

DATA = Path(__file__).resolve().parents[1] / "engine" / "data" / "transfer_match"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("achievements")
    shutil.copy(DATA / "achievements.csv", folder / "成果.csv")
    pl.read_csv(DATA / "achievements.csv", infer_schema=False).write_excel(folder / "成果.xlsx")
    return folder


def _match(var: Path, *args) -> list[dict]:
    result = run_in(var, "transfer", "match", *args)
    assert result.returncode == 0, result
    assert "Traceback" not in result.output and result.stderr == ""
    return json.loads(result.stdout)


def test_a_plain_demand_against_a_csv_file_without_a_database(empty_var, files):
    found = _match(empty_var, "--demand", "装配线招工难，想用机器换人", "--achievements", files / "成果.csv")
    assert len(found) == 10  # the default --top
    assert all(set(item) == {"achievement", "title", "score", "terms"} for item in found)
    assert "协作机器人" in found[0]["title"]
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
    published = pl.read_csv(files / "成果.csv", infer_schema=False).filter(pl.col("状态") == "可转化")
    assert {r["achievement"] for r in found} <= set(published["成果编号"])
    assert not (empty_var / DB_NAME).exists()  # no database was set up


def test_the_xlsx_file_gives_the_same_answer(empty_var, files):
    demand = ("--demand", "手机用久了发烫，需要散热")
    from_csv = _match(empty_var, *demand, "--achievements", files / "成果.csv", "--top", 5)
    from_xlsx = _match(empty_var, *demand, "--achievements", files / "成果.xlsx", "--top", 5)
    assert from_xlsx == from_csv
    assert len(from_csv) == 5 and "导热膜" in from_csv[0]["title"]


def test_field_restricts_and_top_limits(empty_var, files):
    found = _match(
        empty_var, "--demand", "电池 储能 节能", "--achievements", files / "成果.csv",
        "--field", "新能源及节能技术", "--top", 3,
    )  # fmt: skip
    fields = dict(
        pl.read_csv(files / "成果.csv", infer_schema=False).select("成果编号", "技术领域").iter_rows()
    )
    assert len(found) == 3 and {fields[r["achievement"]] for r in found} == {"新能源与节能"}
    table = run_in(empty_var, "transfer", "match", "--demand", "电镀废水", "--achievements",
                   files / "成果.csv", "--format", "table", "--top", 2)  # fmt: skip
    assert table.returncode == 0, table
    assert "成果编号" in table.stdout and "电镀废水" in table.stdout


def test_nothing_shared_is_an_empty_list(empty_var, files):
    assert _match(empty_var, "--demand", "qwertyuiop", "--achievements", files / "成果.csv") == []


def test_a_bad_file_names_row_and_column(empty_var, tmp_path):
    path = tmp_path / "坏.csv"
    pl.DataFrame({"成果编号": ["A-1", "A-2"], "成果名称": ["x", "y"], "技术就绪水平": ["3", "12"]}).write_csv(
        path
    )
    result = run_in(empty_var, "transfer", "match", "--demand", "电池", "--achievements", path)
    assert result.returncode == 1, result
    assert "第 3 行「技术就绪水平」" in result.stderr and "1–9" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_usage_errors(empty_var, files):
    for args, message in [
        (("--demand", "  "), "--demand 不能为空"),
        ((), "--demand 不能为空"),
        (("--demand", "电池", "--top", 0), "--top 应为正整数"),
        (("--demand", "电池", "--field", "化工"), "--field「化工」不是技术领域"),
        (("--demand", "电池", "--format", "xml"), "--format 应为 json 或 table"),
    ]:
        result = run_in(empty_var, "transfer", "match", *args, "--achievements", files / "成果.csv")
        assert result.returncode == 2, result
        assert message in result.stderr and "Traceback" not in result.output
    missing = run_in(empty_var, "transfer", "match", "--demand", "电池", "--achievements", "无此文件.csv")
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


def test_without_a_file_it_needs_the_database(empty_var):
    result = run_in(empty_var, "transfer", "match", "--demand", "电池续航")
    assert result.returncode == 1, result
    assert "数据库尚未建立" in result.stderr and "Traceback" not in result.output
