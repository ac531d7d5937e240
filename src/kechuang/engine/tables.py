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
    # Read straight from the file (memory-mapped, multi-threaded); only a file that is not UTF-8 is
    # decoded in Python. Polars drops a UTF-8 byte-order mark itself.
    with p.open("rb") as fh:
        head = fh.read(1 << 16)
    sep = csv_separator(head)
    if head_is_utf8(head):  # Polars reads a header that is not UTF-8 lossily, so look first
        try:
            return pl.read_csv(p, infer_schema=False, separator=sep)
        except pl.exceptions.ComputeError as exc:
            if "utf-8" not in str(exc).lower():
                raise TableReadError(f"无法按表格读取 {p.name}：{exc}") from exc
        except pl.exceptions.PolarsError as exc:
            raise TableReadError(f"无法按表格读取 {p.name}：{exc}") from exc
    try:
        raw = p.read_bytes().decode("gb18030").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"{p.name} 的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    try:
        return pl.read_csv(io.BytesIO(raw), infer_schema=False, separator=sep)
    except pl.exceptions.PolarsError as exc:
        raise TableReadError(f"无法按表格读取 {p.name}：{exc}") from exc


def csv_separator(head: bytes) -> str:
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return "\t" if b"\t" in first and b"," not in first else ","


def head_is_utf8(head: bytes) -> bool:
    """Whether the first bytes of a file (up to the last whole line) are UTF-8."""
    if len(head) == 1 << 16 and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
