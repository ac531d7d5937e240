"""Reading department files (CSV or XLSX) as text, and the row errors every import reports.

Shared by the enterprise import and the observation import: cells are read as typed, so a bad cell
can be reported as it was written; a RowError names the spreadsheet row (header = row 1), the
column's Chinese header, the cell and why, in Chinese.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file: spreadsheet row (header = 1), Chinese header, cell, why."""

    row: int
    column: str
    value: str
    message: str
    kind: str = ""

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.message}"


class RowErrors(list):
    """The errors found (at most ``max_errors`` of them) and ``total``, the number found in all."""

    def __init__(self, items=(), total: int | None = None) -> None:
        super().__init__(items)
        self.total = len(self) if total is None else total

    @property
    def rejected(self) -> bool:
        return self.total > 0

    def summary(self) -> str:
        if not self.total:
            return "检查通过"
        shown = "" if len(self) >= self.total else f"（列出前 {len(self)} 处）"
        return f"发现 {self.total} 处错误{shown}，整批未导入"


class TableReadError(ValueError):
    """The file cannot be read as a table (message in Chinese)."""


def read_table(path: str | Path) -> pl.DataFrame:
    """A CSV or Excel file as text columns (header = first row); empty cells are null."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}:
        import fastexcel

        try:
            sheet = fastexcel.read_excel(str(p)).load_sheet(0, dtypes="string")
            return sheet.to_polars()
        except Exception as exc:  # calamine raises several types
            raise TableReadError(f"无法读取 Excel 文件 {p.name}：{exc}") from exc
    raw = p.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    else:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                raw = raw.decode("gb18030").encode("utf-8")
            except UnicodeDecodeError as exc:
                raise TableReadError(f"{p.name} 的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    first = raw.split(b"\n", 1)[0]
    sep = "\t" if b"\t" in first and b"," not in first else ","
    try:
        return pl.read_csv(io.BytesIO(raw), infer_schema=False, separator=sep)
    except pl.exceptions.PolarsError as exc:
        raise TableReadError(f"无法按表格读取 {p.name}：{exc}") from exc
