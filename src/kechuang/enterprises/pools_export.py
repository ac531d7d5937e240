"""A pool as an Excel workbook (XlsxWriter): Chinese headers, and above them the pool, the data year,
the export date, the filters applied, the definition and the data source. Cells are written by
kechuang.web.xlsx.Cells: an enterprise name "=HYPERLINK(…)" stays text, never a formula."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import xlsxwriter

from kechuang.enterprises.pools_config import KINDS, Filters
from kechuang.web.xlsx import Cells

# (column in the pool frame, Chinese header, width, number format or None)
COLUMNS = [
    ("credit_code", "统一社会信用代码", 22, None),
    ("name", "企业名称", 34, None),
    ("region_name", "所属镇街", 16, None),
    ("industry_code", "行业代码", 10, None),
    ("section_name", "行业门类", 18, None),
    ("tech_field", "技术领域", 14, None),
    ("status_label", "状态", 16, None),
    ("failed_labels", "不符合的条件", 24, None),
    ("gap_text", "差距说明", 60, None),
    ("revenue", "营业收入（万元）", 14, "#,##0.00"),
    ("main_business_revenue", "主营业务收入（万元）", 16, "#,##0.00"),
    ("employees", "职工总数（人）", 12, "#,##0"),
    ("score_range", "评价得分（最低–最高）", 16, None),
    ("hightech_cert_until", "高企证书有效期至", 14, None),
]


def _score_range(frame: pl.DataFrame) -> pl.Expr:
    if "score_min" not in frame.columns:
        return pl.lit("").alias("score_range")
    lo, hi = pl.col("score_min").round(0).cast(pl.Int64), pl.col("score_max").round(0).cast(pl.Int64)
    return (
        pl.when(lo.is_null())
        .then(pl.lit(""))
        .when(lo == hi)
        .then(lo.cast(pl.Utf8))
        .otherwise(pl.concat_str([lo, pl.lit("–"), hi]))
        .alias("score_range")
    )


def write_xlsx(
    frame: pl.DataFrame,
    kind: str,
    year: int,
    filters: Filters,
    definition: list[str],
    source_note: str = "",
    today: date | None = None,
) -> bytes:
    """The pool rows (already scoped and filtered) as .xlsx bytes."""
    rows = frame.with_columns(
        _score_range(frame), pl.col("hightech_cert_until").cast(pl.Utf8).fill_null("")
    ).select([c for c, *_ in COLUMNS])
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    cells = Cells(book)
    sheet = book.add_worksheet(KINDS[kind])
    note = {"font_color": "#555555", "text_wrap": False}
    head = {"bold": True, "bg_color": "#F0F3F6", "border": 1, "text_wrap": True, "valign": "top"}
    wrap, top = {"text_wrap": True, "valign": "top"}, {"valign": "top"}
    day = (today or date.today()).isoformat()
    cells.write(sheet, 0, 0, f"{KINDS[kind]}（{year} 年度数据）", {"bold": True, "font_size": 14})
    described = f"数据年度：{year}；导出日期：{day}；共 {rows.height} 家；筛选：{filters.describe()}"
    cells.write(sheet, 1, 0, described, note)
    cells.write(sheet, 2, 0, "入库口径：" + " ".join(definition), note)
    source = "数据来源：企业库（kechuang 资格计算）" + (f"；{source_note}" if source_note else "")
    cells.write(sheet, 3, 0, source, note)
    header_row = 5
    for col, (_, label, width, _fmt) in enumerate(COLUMNS):
        cells.write(sheet, header_row, col, label, head)
        sheet.set_column(col, col, width)
    for r, values in enumerate(rows.iter_rows(), start=header_row + 1):
        for col, value in enumerate(values):
            key, _, _, fmt = COLUMNS[col]
            if value is None or value == "":
                continue
            if fmt:
                cells.write(sheet, r, col, float(value), {"num_format": fmt, "valign": "top"})
            else:
                cells.write_text(sheet, r, col, str(value), wrap if key == "gap_text" else top)
    sheet.freeze_panes(header_row + 1, 2)
    sheet.autofilter(header_row, 0, header_row + max(rows.height, 1), len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()
