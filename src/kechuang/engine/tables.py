"""Reading department files (CSV or XLSX) as text, and the row errors every import reports.

Shared by the enterprise import and the observation import: cells are read as typed, so a bad cell
can be reported as it was written; a RowError names the spreadsheet row (header = row 1), the
column's Chinese header, the cell and why, in Chinese.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# Limits every reader checks before (and right after) reading a file; Excel's own limits for cells,
# rows and columns. Not settings: a hostile file must be refused the same way everywhere.
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes an .xlsx may unpack to (sum of its members)
MAX_RATIO = 200  # uncompressed / compressed of one member larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576  # Excel's row limit (the header counts); CSV files may be longer
MAX_COLUMNS = 16_384
QUOTE_CHARS = 50  # an error quotes at most this much of a value, then "…"
MAX_MESSAGE_CHARS = 500
DEFLATE_MAX_RATIO = 1032  # the most deflate can expand
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A value as an error may show it: at most ``limit`` characters, then "…"."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def quote_expr(expr: pl.Expr, limit: int = QUOTE_CHARS) -> pl.Expr:
    """quote() as a Polars expression (text in, text out)."""
    return (
        pl.when(expr.str.len_chars() > limit)
        .then(pl.concat_str([expr.str.slice(0, limit), pl.lit("…")]))
        .otherwise(expr)
    )


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file: spreadsheet row (header = 1), Chinese header, cell, why."""

    row: int
    column: str
    value: str
    message: str
    kind: str = ""

    def __post_init__(self) -> None:
        # An error never carries a huge value into a page or a stored report.
        object.__setattr__(self, "value", quote(self.value))
        object.__setattr__(self, "message", quote(self.message, MAX_MESSAGE_CHARS))

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
    """A CSV or Excel file as text columns (header = first row); empty cells are null.

    An Excel archive is checked before it is read (check_workbook), and every table after it is
    read (check_limits): a hostile file is refused with a Chinese message, never unpacked."""
    p = Path(path)
    suffix = p.suffix.lower()
    if p.stat().st_size == 0:
        raise TableReadError(empty_file_message(p.name))
    if suffix in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}:
        import fastexcel

        check_workbook(p)
        try:
            sheet = fastexcel.read_excel(str(p)).load_sheet(0, dtypes="string")
            df = sheet.to_polars()
        except Exception as exc:  # calamine raises several types
            raise TableReadError(f"无法读取 Excel 文件 {p.name}：{quote(exc, 200)}") from exc
        return check_limits(df, p.name, max_rows=MAX_ROWS)
    return check_limits(_read_csv(p), p.name)


def _read_csv(p: Path) -> pl.DataFrame:
    # Read straight from the file (memory-mapped, multi-threaded); only a file that is not UTF-8 is
    # decoded in Python. Polars drops a UTF-8 byte-order mark itself.
    with p.open("rb") as fh:
        head = fh.read(1 << 16)
    sep = csv_separator(head)
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    blank = next((i for i, line in enumerate(lines[:-1]) if line.strip()), 0)
    if blank:  # Polars skips the empty lines above the header, and the row numbers with them
        raise TableReadError(_header_not_first(p.name, blank + 1))
    if head_is_utf8(head):  # Polars reads a header that is not UTF-8 lossily, so look first
        try:
            return pl.read_csv(p, infer_schema=False, separator=sep)
        except pl.exceptions.ComputeError as exc:
            if "utf-8" not in str(exc).lower():
                raise TableReadError(f"无法按表格读取 {p.name}：{quote(exc, 200)}") from exc
        except pl.exceptions.PolarsError as exc:
            raise TableReadError(f"无法按表格读取 {p.name}：{quote(exc, 200)}") from exc
    try:
        raw = p.read_bytes().decode("gb18030").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"{p.name} 的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    try:
        return pl.read_csv(io.BytesIO(raw), infer_schema=False, separator=sep)
    except pl.exceptions.PolarsError as exc:
        raise TableReadError(f"无法按表格读取 {p.name}：{quote(exc, 200)}") from exc


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


# --- limits ---------------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def check_workbook(path: str | Path) -> None:
    """Refuse an Excel file that is not what its name says, or that would unpack to too much, before
    any of it is decompressed: the archive's declared sizes (in total and per member, and the
    compression ratio), then the first sheet's declared dimension. A member that unpacks to more
    than it declares is caught by reading it through zipfile (which stops at the declared size)
    whenever the archive is large enough for that to matter. Raises TableReadError (Chinese)."""
    p = Path(path)
    suffix = p.suffix.lower()
    with p.open("rb") as fh:
        magic = fh.read(8)
    if suffix == ".xls":
        if magic != OLE_MAGIC:
            raise TableReadError(_not_excel(p.name))
        return
    if suffix not in ZIP_SUFFIXES:
        return
    if not magic.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(p):
        raise TableReadError(_not_excel(p.name))
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise TableReadError(
                    f"{p.name} 含有 {len(infos):,} 个内部文件，不像正常的 Excel 文件，未读取"
                )
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNCOMPRESSED:
                raise TableReadError(
                    f"{p.name} 解压后有 {_mb(declared)}，超过 {_mb(MAX_UNCOMPRESSED)} 的上限，未读取"
                    "（可能是压缩炸弹，或单元格内容过大）。请删去多余内容，或另存为 CSV 后分批上传"
                )
            for i in infos:
                if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    raise TableReadError(
                        f"{p.name} 的内部文件 {quote(i.filename)} 压缩比异常"
                        f"（{i.compress_size:,} 字节解压为 {i.file_size:,} 字节），不像正常的 Excel 文件，未读取"
                    )
            if suffix in {".xlsx", ".xlsm"}:
                _check_dimension(zf, p.name)
                _check_header_row(zf, p.name)
            compressed = sum(i.compress_size for i in infos)
            if compressed * DEFLATE_MAX_RATIO > MAX_UNCOMPRESSED:
                _check_true_sizes(zf, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise TableReadError(f"{_not_excel(p.name)}（{quote(exc, 100)}）") from exc


def _not_excel(name: str) -> str:
    return (
        f"无法读取 Excel 文件 {name}：它不是有效的 Excel 文件（可能是改了扩展名的其他文件或已损坏），"
        "请用 Excel 另存为 .xlsx 后再上传"
    )


def _check_true_sizes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Read every member through zipfile, which stops at the declared size and then fails the CRC
    check when the member holds more: at most the declared sizes are ever unpacked."""
    for info in infos:
        with zf.open(info) as member:
            while member.read(1 << 20):
                pass


_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,4})\$?(\d{1,9})(?::\$?([A-Z]{1,4})\$?(\d{1,9}))?"'
)
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*?>")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _first_sheet(zf: zipfile.ZipFile) -> str | None:
    names = set(zf.namelist())
    try:
        book = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    except KeyError:
        return None
    first = _SHEET.search(book)
    if first:
        for rel in _REL.findall(rels):
            rid = re.search(rb'\bId="([^"]+)"', rel)
            target = re.search(rb'\bTarget="([^"]+)"', rel)
            if rid and target and rid.group(1) == first.group(1):
                t = target.group(1).decode()
                path = t.lstrip("/") if t.startswith("/") else "xl/" + t
                return path if path in names else None
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None


def _check_dimension(zf: zipfile.ZipFile, name: str) -> None:
    """The first sheet's declared range (<dimension ref="A1:N100"/>, near the start of its XML)."""
    sheet = _first_sheet(zf)
    if sheet is None:
        return
    with zf.open(sheet) as fh:
        head = fh.read(1 << 14)
    match = _DIMENSION.search(head)
    if not match:
        return
    last_col, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
    rows, cols = int(last_row), _column_number(last_col)
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise TableReadError(_too_big(name, rows, cols))


_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)\b[^>]*>[^<]")  # a cell's value or inline text, not empty
HEADER_SCAN_BYTES = 1 << 20


def _check_header_row(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a sheet whose header is not on row 1. The Excel reader skips the empty rows above the
    first filled one, so every row number an error names would be off by as many rows; the user is
    asked to delete them instead (nothing is read). Looks at most HEADER_SCAN_BYTES of the sheet."""
    sheet = _first_sheet(zf)
    if sheet is None:
        return
    with zf.open(sheet) as fh:
        head = fh.read(HEADER_SCAN_BYTES)
    for n, row in enumerate(_ROW.finditer(head), start=1):
        if not _VALUE.search(row.group(2) or b""):
            continue
        number = _ROW_NUMBER.search(row.group(1))
        first = int(number.group(1)) if number else n
        if first > 1:
            raise TableReadError(_header_not_first(name, first))
        return


def _header_not_first(name: str, first: int) -> str:
    blank = "第 1 行" if first == 2 else f"第 1–{first - 1} 行"
    return (
        f"{name} 的{blank}是空行，表头在第 {first} 行：表头须在第 1 行，"
        "请删去表头上方的空行后重新上传（否则错误提示的行号会对不上），没有写入任何数据"
    )


def _too_big(name: str, rows: int, cols: int) -> str:
    return (
        f"{name} 的第一个工作表有 {rows:,} 行、{cols:,} 列，超过 Excel 的上限"
        f"（{MAX_ROWS:,} 行、{MAX_COLUMNS:,} 列），未读取"
    )


def check_limits(df: pl.DataFrame, name: str, *, max_rows: int | None = None) -> pl.DataFrame:
    """Refuse a table with more columns (or, for Excel, rows) than Excel allows, or a cell longer
    than Excel's 32,767 characters, naming the first such cell's row and column."""
    rows = df.height + 1  # the header is row 1
    if df.width > MAX_COLUMNS or (max_rows is not None and rows > max_rows):
        raise TableReadError(_too_big(name, rows, df.width))
    for i, header in enumerate(df.columns, start=1):
        if len(header) > MAX_CELL_CHARS:
            raise TableReadError(
                f"{name} 第 1 行第 {i} 列的表头有 {len(header):,} 个字符，超过单元格上限 "
                f"{MAX_CELL_CHARS:,} 个字符，未读取。该表头开头为：{quote(header)}"
            )
    text = [c for c, t in df.schema.items() if t == pl.Utf8]
    if not text or not df.height:
        return df
    # Bytes first (from the offsets, no scan): only a cell over MAX_CELL_CHARS bytes can be too long.
    longest = df.select(pl.col(c).str.len_bytes().max() for c in text).row(0)
    for column, size in zip(text, longest, strict=True):
        if size is None or size <= MAX_CELL_CHARS:
            continue
        chars = df[column].str.len_chars()
        over = (chars > MAX_CELL_CHARS).arg_true()
        if over.len():
            i = int(over[0])
            raise TableReadError(
                f"{name} 第 {i + 2} 行「{quote(column, 30)}」的单元格有 {int(chars[i]):,} 个字符，"
                f"超过单元格上限 {MAX_CELL_CHARS:,} 个字符，未读取。该单元格开头为：{quote(df[column][i])}"
            )
    return df


# --- bad characters and empty files ---------------------------------------------------------------
# A cell that cannot be read often holds a character nobody sees: a control character pasted from
# another system, a full-width space, a zero-width space. The error names it, so the user can find it.

_INVISIBLE = {
    "\u00a0": "不换行空格",
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u2028": "行分隔符",
    "\u2029": "段分隔符",
    "\u202a": "方向控制符",
    "\u202b": "方向控制符",
    "\u202c": "方向控制符",
    "\u202d": "方向控制符",
    "\u202e": "方向控制符",
    "\u2060": "零宽不换行符",
    "\u3000": "全角空格",
    "\ufeff": "字节顺序标记（BOM）",
}
BAD_CHAR_NAMES = {chr(i): "控制字符" for i in (*range(0x20), 0x7F)} | _INVISIBLE
BAD_CHARS_PATTERN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(BAD_CHAR_NAMES)) + "]"
_BAD_CHARS_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(BAD_CHAR_NAMES)) + "]")


def _char_label(c: str) -> str:
    code = ord(c)
    escaped = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return f"“{escaped}”（{BAD_CHAR_NAMES[c]}）"


_BAD_CHAR_LABELS = {c: _char_label(c) for c in BAD_CHAR_NAMES}


def bad_chars(text: object) -> str:
    """「含非法字符 “\\x07”（控制字符）、“\\u3000”（全角空格）」 for a value holding such characters, else ""."""
    found = dict.fromkeys(_BAD_CHARS_RE.findall("" if text is None else str(text)))
    return ("含非法字符 " + "、".join(_BAD_CHAR_LABELS[c] for c in found)) if found else ""


def bad_chars_expr(expr: pl.Expr) -> pl.Expr:
    """bad_chars() as a Polars expression (text in, text out: "" when the value has none), followed
    by "，" when not empty so that it can lead a message."""
    labels = (
        expr.fill_null("")
        .str.extract_all(BAD_CHARS_PATTERN)
        .list.unique(maintain_order=True)
        .list.eval(pl.element().replace_strict(_BAD_CHAR_LABELS, default="", return_dtype=pl.Utf8))
        .list.join("、")
    )
    return (
        pl.when(labels != "")
        .then(pl.concat_str([pl.lit("含非法字符 "), labels, pl.lit("，")]))
        .otherwise(pl.lit(""))
    )


EMPTY_FILE = "是空文件，没有可导入的数据，没有写入任何数据"
NO_DATA_ROWS = "只有表头、没有数据行（空模板），没有写入任何数据；请在表头下方填写数据后再上传"


def empty_file_message(name: str, header_only: bool = False) -> str:
    """What every upload says for a file without data: 「文件「x.csv」只有表头、没有数据行…」."""
    return f"文件「{name}」{NO_DATA_ROWS if header_only else EMPTY_FILE}"


def blank_rows(df: pl.DataFrame) -> pl.Expr:
    """True for a row whose every cell is empty or spaces (a spreadsheet's trailing blank rows)."""
    if not df.width:
        return pl.lit(True)
    return pl.all_horizontal(
        pl.col(c).cast(pl.Utf8).str.strip_chars().fill_null("").eq("") for c in df.columns
    )
