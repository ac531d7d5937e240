"""Reading department files (CSV or XLSX) into frames of text, so every bad cell can be reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl

ENCODINGS = ("utf-8-sig", "gb18030")


class TableReadError(ValueError):
    """The file itself cannot be read (wrong format, empty, unknown encoding)."""


def read_text_table(path: str | Path, sheet: int | str = 0) -> pl.DataFrame:
    """Every column as text (Utf8), header from the first row; CSV in UTF-8 (with or without BOM) or GBK."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        import fastexcel

        try:
            reader = fastexcel.read_excel(str(path))
            sheet_obj = reader.load_sheet(sheet, dtypes="string")
        except Exception as exc:  # fastexcel raises its own error types
            raise TableReadError(f"无法读取 Excel 文件 {path.name}：{exc}") from exc
        df = sheet_obj.to_polars()
        return df.with_columns(pl.all().cast(pl.Utf8)) if df.width else df
    if suffix not in {".csv", ".txt"}:
        raise TableReadError(f"不支持的文件类型「{suffix or path.name}」：请上传 .csv 或 .xlsx")
    data = path.read_bytes()
    if not data.strip():
        raise TableReadError(f"文件 {path.name} 是空的")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return pl.read_csv(text.encode("utf-8"), infer_schema=False, truncate_ragged_lines=False)
        except pl.exceptions.ComputeError as exc:
            raise TableReadError(f"CSV 文件 {path.name} 格式有误：{exc}") from exc
    raise TableReadError(f"无法识别文件 {path.name} 的编码：请另存为 UTF-8 或 GBK 编码的 CSV")
