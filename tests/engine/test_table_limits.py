"""The one table reader refuses hostile files before reading them: zip bombs, renamed binaries, oversize
cells, rows and columns; and an error never quotes more than a short prefix of a value."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from kechuang.engine import tables
from kechuang.engine.enterprise_import import check_upload
from kechuang.engine.observation_import import IndicatorInfo, check_observations
from kechuang.engine.tables import MAX_CELL_CHARS, RowError, TableReadError, quote, read_table


def small_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return path


def patch(path: Path, member: str, old: bytes, new: bytes) -> Path:
    """Rewrite one member of an archive (XlsxWriter itself keeps to Excel's limits)."""
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    assert old in members[member]
    members[member] = members[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A small .xlsx whose sheet unpacks to ~300 MB of zeros (written in chunks, never held whole)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    good = small_xlsx(path.with_name("good.xlsx"), [["统一社会信用代码"], ["x"]])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info))
        chunk = b"0" * (1 << 20)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(300):
                fh.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(zip_bomb):
    assert zip_bomb.stat().st_size < 2 * 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(TableReadError, match="解压后有 300 MB，超过 200 MB 的上限"):
        read_table(zip_bomb)
    assert time.perf_counter() - start < 1  # the declared sizes only: nothing decompressed


def test_the_enterprise_reader_reports_the_bomb_as_a_file_error(zip_bomb):
    checked, errors = check_upload([zip_bomb], region_lookup={})
    assert not checked and "超过 200 MB 的上限" in errors["bomb.xlsx"][0].message


def test_a_member_that_unpacks_far_more_than_it_compresses_is_refused(tmp_path):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/worksheets/sheet1.xml", b"0" * (20 << 20))
    with pytest.raises(TableReadError, match="压缩比异常"):
        read_table(path)


def test_a_member_that_lies_about_its_size_is_refused(tmp_path, monkeypatch):
    """Declared 1 KB, holding 1 MB: zipfile stops at the declared size and fails the CRC check."""
    path = small_xlsx(tmp_path / "liar.xlsx", [["指标"], ["x"]])
    payload = b"<x>" + b"0" * (1 << 20) + b"</x>"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/media/big.xml", payload)
    raw = bytearray(path.read_bytes())
    # Rewrite the member's uncompressed size (local header and central directory) to 1,024 bytes.
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/media/big.xml")
    true_size = info.file_size.to_bytes(4, "little")
    assert raw.count(true_size) >= 2
    raw = raw.replace(true_size, (1024).to_bytes(4, "little"))
    path.write_bytes(bytes(raw))
    monkeypatch.setattr(tables, "DEFLATE_MAX_RATIO", 10**9)  # treat the small file as able to hide a bomb
    with pytest.raises(TableReadError, match="不是有效的 Excel 文件"):
        read_table(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_a_renamed_binary_is_refused_clearly(tmp_path, suffix):
    path = tmp_path / f"photo{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    with pytest.raises(TableReadError, match=f"无法读取 Excel 文件 photo{suffix}：它不是有效的 Excel 文件"):
        read_table(path)


def test_a_40000_character_cell_is_refused_naming_its_row_and_column(tmp_path):
    path = small_xlsx(tmp_path / "cell.xlsx", [["指标", "备注"], ["a", "b"], ["c", "PLACEHOLDER"]])
    patch(path, "xl/sharedStrings.xml", b"PLACEHOLDER", ("长" * 40_000).encode())
    with pytest.raises(TableReadError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "第 3 行「备注」" in message and "40,000 个字符" in message and f"{MAX_CELL_CHARS:,}" in message
    assert len(message) < 300  # the cell is quoted, not echoed


def test_a_long_cell_in_a_csv_is_refused_too(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text("统一社会信用代码,企业名称\n91441900MA51234567," + "x" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(TableReadError, match="第 2 行「企业名称」"):
        read_table(path)
    checked, errors = check_upload([path], region_lookup={})
    assert not checked and "40,000 个字符" in errors["cell.csv"][0].message


def test_a_sheet_declaring_more_rows_than_excel_allows_is_refused(tmp_path):
    path = small_xlsx(tmp_path / "rows.xlsx", [["指标"], ["x"]])
    patch(path, "xl/worksheets/sheet1.xml", b'<dimension ref="A1:A2"/>', b'<dimension ref="A1:B2000000"/>')
    with pytest.raises(TableReadError, match="2,000,000 行"):
        read_table(path)


def test_too_many_columns_are_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(16_385)) + "\n" + ",".join("1" * 16_385) + "\n")
    with pytest.raises(TableReadError, match="16,385 列"):
        read_table(path)


def test_an_ordinary_workbook_still_reads(tmp_path):
    path = small_xlsx(tmp_path / "ok.xlsx", [["指标", "数值"], ["rd", "4.1"]])
    assert read_table(path).rows() == [("rd", "4.1")]


def test_errors_quote_a_short_prefix():
    assert quote("x" * 100) == "x" * 50 + "…" and quote("短") == "短"
    err = RowError(2, "企业名称", "y" * 20_000_000, "z" * 10_000)
    assert len(err.value) == 51 and len(err.message) == 501


def test_an_unknown_indicator_is_quoted_not_echoed():
    raw = pl.DataFrame({"指标": ["q" * 10_000], "地区": ["东莞市"], "年份": ["2025"], "数值": ["1"]})
    _, errors = check_observations(raw, {"rd": IndicatorInfo("rd", "研发", "%")}, {"东莞市": "441900"})
    assert errors and all(len(e.message) < 120 and len(e.value) <= 51 for e in errors)


def test_a_sheet_with_empty_rows_above_its_header_is_refused_naming_them(tmp_path):
    # The Excel reader skips those rows, so "第 4 行" would point at the wrong row: the user is asked
    # to delete them instead. A title row above the header is not empty and is left to the caller.
    book = xlsxwriter.Workbook(str(tmp_path / "空行.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_string(2, 0, "名称")
    sheet.write_string(3, 0, "甲")
    book.close()
    with pytest.raises(TableReadError) as caught:
        read_table(tmp_path / "空行.xlsx")
    assert "第 1–2 行是空行，表头在第 3 行" in str(caught.value)
    assert "没有写入任何数据" in str(caught.value)

    titled = small_xlsx(tmp_path / "标题.xlsx", [["企业名录（示例）"], ["名称"], ["甲"]])
    assert read_table(titled).columns == ["企业名录（示例）"]


def test_a_csv_with_empty_lines_above_its_header_is_refused(tmp_path):
    path = tmp_path / "空行.csv"
    path.write_bytes("\ufeff\r\n\n名称,数值\n甲,1\n".encode())
    with pytest.raises(TableReadError, match="第 1–2 行是空行，表头在第 3 行"):
        read_table(path)
    path.write_bytes("名称,数值\n\n甲,1\n".encode())  # an empty line among the data is the caller's
    assert read_table(path).columns == ["名称", "数值"]
