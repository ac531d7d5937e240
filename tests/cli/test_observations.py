"""`kechuang observations import FILE`: CSV or XLSX, all or nothing, errors by row and column."""

from __future__ import annotations

import openpyxl

from tests.cli.kit import db_rows

HEADER = "指标,地区,年份,数值,来源\n"


def _observations(var) -> list[tuple]:
    return db_rows(
        var,
        "SELECT i.code, o.region_code, o.year, o.value, o.source, o.revision, o.is_latest "
        "FROM plans_observation o JOIN plans_indicator i ON i.id = o.indicator_id "
        "WHERE o.source LIKE '测试%' ORDER BY o.region_code, o.revision",
    )


def test_a_good_csv_is_imported_and_a_changed_value_becomes_a_revision(kc, loaded_var, tmp_path):
    file = tmp_path / "观测值.csv"
    file.write_text(
        HEADER + "rd_intensity,东莞市,2025,4.2,测试来源\nrd_intensity,虎门镇,2025,3.1,测试来源\n",
        encoding="utf-8",
    )
    result = kc(loaded_var, "observations", "import", file)
    assert result.returncode == 0, result
    assert "已导入：新增 2 条，修订 0 条，未变 0 条" in result.stdout
    assert _observations(loaded_var) == [
        ("rd_intensity", "441900", 2025, 4.2, "测试来源", 1, 1),
        ("rd_intensity", "441900121", 2025, 3.1, "测试来源", 1, 1),
    ]

    same = kc(loaded_var, "observations", "import", file)
    assert same.returncode == 0 and "新增 0 条，修订 0 条，未变 2 条" in same.stdout, same

    file.write_text(HEADER + "rd_intensity,东莞市,2025,4.3,测试来源\n", encoding="utf-8")
    revised = kc(loaded_var, "observations", "import", file)
    assert revised.returncode == 0 and "修订 1 条" in revised.stdout, revised
    assert _observations(loaded_var)[:2] == [
        ("rd_intensity", "441900", 2025, 4.2, "测试来源", 1, 0),
        ("rd_intensity", "441900", 2025, 4.3, "测试来源", 2, 1),
    ]


def test_a_good_xlsx_is_imported(kc, loaded_var, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "地区", "年份", "数值", "来源", "备注"])
    sheet.append(["basic_research_share", "松山湖", 2025, 2.5, "测试表格", "导入测试"])
    file = tmp_path / "观测值.xlsx"
    book.save(file)
    result = kc(loaded_var, "observations", "import", file)
    assert result.returncode == 0, result
    assert "新增 1 条" in result.stdout
    assert _observations(loaded_var) == [("basic_research_share", "441900401", 2025, 2.5, "测试表格", 1, 1)]


def test_a_bad_file_names_every_row_and_column_and_writes_nothing(kc, loaded_var, tmp_path):
    before = db_rows(loaded_var, "SELECT COUNT(*) FROM plans_observation")
    batches = db_rows(loaded_var, "SELECT COUNT(*) FROM plans_observationbatch")
    file = tmp_path / "坏文件.csv"
    file.write_text(
        HEADER + "rd_intensity,虎门镇,2025,3.2,测试来源\n"  # a good row: not written either
        "rd_intensity,东莞市,2025,abc,测试来源\n"
        "nope,火星,20x5,1,测试来源\n",
        encoding="utf-8",
    )
    result = kc(loaded_var, "observations", "import", file)
    assert result.returncode == 1, result
    err = result.stderr
    assert "发现 4 处错误，整个文件未导入（没有写入任何数据）" in err
    assert "第 3 行「数值」：数值「abc」不是数字" in err
    assert "第 4 行「地区」：未知地区「火星」" in err
    assert "第 4 行「年份」：年份「20x5」不是整数" in err
    assert "第 4 行「指标」：未知指标「nope」" in err
    assert "Traceback" not in result.output
    assert db_rows(loaded_var, "SELECT COUNT(*) FROM plans_observation") == before
    assert db_rows(loaded_var, "SELECT COUNT(*) FROM plans_observationbatch") == batches


def test_unknown_columns_and_an_unreadable_workbook(kc, loaded_var, tmp_path):
    wrong = tmp_path / "列名.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    result = kc(loaded_var, "observations", "import", wrong)
    assert result.returncode == 1, result
    assert "无法识别的列「a」" in result.stderr and "缺少必填列：指标、地区、年份、数值" in result.stderr

    broken = tmp_path / "坏表.xlsx"
    broken.write_bytes(b"not a workbook")
    result = kc(loaded_var, "observations", "import", broken)
    assert result.returncode == 1, result
    assert "无法读取 Excel 文件 坏表.xlsx" in result.stderr
    assert "Traceback" not in result.output
    assert _observations(loaded_var) == []


def test_no_plan_an_unknown_plan_and_a_missing_file(kc, fresh_var, tmp_path):
    file = tmp_path / "obs.csv"
    file.write_text(HEADER + "rd_intensity,东莞市,2025,4.2,测试来源\n", encoding="utf-8")
    result = kc(fresh_var, "observations", "import", file)
    assert result.returncode == 1 and "尚未加载任何规划" in result.stderr, result
    result = kc(fresh_var, "observations", "import", file, "--plan", "nope")
    assert result.returncode == 1 and "找不到规划「nope」" in result.stderr, result
    result = kc(fresh_var, "observations", "import", tmp_path / "none.csv")
    assert result.returncode == 2 and "找不到文件" in result.stderr and "none.csv" in result.stderr, result
    result = kc(fresh_var, "observations", "import", tmp_path)
    assert result.returncode == 2 and "不是文件" in result.stderr, result
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM plans_observation") == [(0,)]
