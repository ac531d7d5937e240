"""Reading an achievements file: Chinese headers or English names, CSV or XLSX, every bad cell
reported with its row and column, nothing returned when anything is wrong."""

from __future__ import annotations

import polars as pl

from kechuang.engine.transfer.achievements import COLUMNS, published, read_achievements

GOOD = {
    "成果编号": ["DGUT-2025-001", "DGUT-2025-002"],
    "成果名称": ["石墨烯导热膜", "协作机器人柔性装配系统"],
    "技术领域": ["新材料", "先进制造与自动化技术"],
    "技术就绪水平": ["6", "8"],
    "意向价格": ["面议", "120"],
    "转化方式": ["许可、先用后转", "转让"],
    "状态": ["可转化", "已转化"],
}


def test_chinese_headers_csv_and_english_names_xlsx(tmp_path):
    csv = tmp_path / "a.csv"
    pl.DataFrame(GOOD).write_csv(csv)
    frame, errors = read_achievements(csv)
    assert not errors
    assert list(frame.columns) == list(COLUMNS)
    assert frame["field"].to_list() == ["新材料", "先进制造与自动化"]
    assert frame["trl"].to_list() == [6, 8]
    assert frame["asking_price"].to_list() == [None, 120.0]
    assert published(frame)["code"].to_list() == ["DGUT-2025-001"]
    xlsx = tmp_path / "a.xlsx"
    english = {k: GOOD[v] for k, v in COLUMNS.items() if v in GOOD}
    pl.DataFrame(english).write_excel(xlsx)
    again, errors = read_achievements(xlsx)
    assert not errors
    assert again.equals(frame)


def test_every_bad_cell_named_by_row_and_column(tmp_path):
    bad = dict(GOOD)
    bad["成果编号"] = ["X-1", "X-1", None]
    bad["成果名称"] = ["a", None, "c"]
    bad["技术领域"] = ["化工", "新材料", "新材料"]
    bad["技术就绪水平"] = ["0", "10", "七"]
    bad["意向价格"] = ["-5", "面议", "abc"]
    bad["转化方式"] = ["许可", "赠送", "转让"]
    bad["状态"] = ["可转化", "已售出", "已撤回"]
    path = tmp_path / "bad.csv"
    pl.DataFrame(bad).write_csv(path)
    frame, errors = read_achievements(path)
    assert frame.height == 0
    shown = [str(e) for e in errors]
    expected = [
        "第 2 行「成果编号」：成果编号「X-1」重复（第 2、3 行）",
        "第 2 行「技术领域」：技术领域「化工」不是八大国家重点支持的高新技术领域之一",
        "第 2 行「技术就绪水平」：技术就绪水平「0」应为 1–9 的整数",
        "第 2 行「意向价格」：意向价格「-5」",
        "第 3 行「成果名称」：成果名称为空",
        "第 3 行「技术就绪水平」：技术就绪水平「10」",
        "第 3 行「转化方式」：转化方式「赠送」",
        "第 3 行「状态」：状态「已售出」应为 可转化 / 洽谈中 / 已转化 / 已撤回",
        "第 4 行「成果编号」：成果编号为空",
        "第 4 行「技术就绪水平」：技术就绪水平「七」",
        "第 4 行「意向价格」：意向价格「abc」",
    ]
    for text in expected:
        assert any(s.startswith(text) for s in shown), (text, shown)
    assert errors.total == len(shown) == 12  # the duplicate is reported on both rows


def test_missing_required_columns(tmp_path):
    path = tmp_path / "a.csv"
    pl.DataFrame({"技术领域": ["新材料"]}).write_csv(path)
    frame, errors = read_achievements(path)
    assert frame.height == 0
    assert str(errors[0]).startswith("第 1 行：缺少必填列：成果编号、成果名称")


def test_a_file_that_is_not_a_table(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a workbook")
    frame, errors = read_achievements(path)
    assert frame.height == 0 and errors.total == 1
    assert "Excel" in str(errors[0])
