"""Reading and checking departments' enterprise files (企业名录, 企业年度数据), all or nothing.

``read_table`` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX with every cell as text, so a
bad cell can be reported as it was typed. ``map_headers`` maps English or Chinese headers to the
vocabulary (and rejects units other than 万元). ``check_registry`` and ``check_facts`` parse and
check every cell with whole-column Polars operations — a fast pass over the raw cells, then a
thorough one over only the cells it could not read — and return ``(clean, errors)``: ``clean`` has the
vocabulary's dtypes and is empty whenever ``errors`` is not (``errors.rejected``). ``errors`` lists
at most ``max_errors`` entries in row order; ``errors.total`` counts them all. ``clean`` holds the
columns the file supplied (a file may update only some fields), with towns as division codes.

Tolerated and normalised: surrounding spaces, full-width digits and letters, thousands separators
("1,234.5"), dates as 2019-03-05, 2019/3/5, 20190305, 2019年3月5日 (with or without a time), Excel
date cells and Excel date serials (43529 = 2019-03-05),
flags as 是/否, Y/N, true/false, 1/0, institution levels in Chinese, years as "2023年", towns by
name, short name or division code (stored as the code). Placeholders such as "—" or "N/A" are
errors: leave a cell empty when there is no value.

``check_upload`` is the one reader of enterprise files: the upload page and `kechuang enterprises
import` (through kechuang.enterprises.importing) and `kechuang qualify --input DIR` all call it, so
they accept and refuse the same files with the same report.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from kechuang.engine import credit_code
from kechuang.engine.tables import (
    RowError,
    RowErrors,
    TableReadError,
    bad_chars_expr,
    check_limits,
    csv_separator,
    empty_file_message,
    head_is_utf8,
    quote_expr,
    read_table,
)
from kechuang.engine.vocabulary import (
    FACT_COLUMNS,
    RD_INSTITUTION_LEVELS,
    REGISTRY_COLUMNS,
    SIGNED_FACTS,
    TECH_FIELDS,
    Column,
    header_map,
)
from kechuang.engine.years import YEAR_MAX, YEAR_MIN

MAX_ERRORS = 1000
EXCEL_EPOCH = dt.date(1899, 12, 30)

ERROR_KINDS: dict[str, str] = {
    "header": "表头有误",
    "credit_code": "统一社会信用代码有误",
    "duplicate": "重复",
    "unknown_code": "企业不在名录中",
    "region": "镇街不存在",
    "number": "数字无法识别",
    "date": "日期无法识别",
    "boolean": "是/否无法识别",
    "negative": "不能为负数",
    "consistency": "数值前后矛盾",
    "year": "年度超出范围",
    "missing": "必填项为空",
    "tech_field": "技术领域不在八大领域内",
    "rd_institution_level": "研发机构级别无法识别",
    "industry_code": "行业代码格式有误",
    "length": "内容过长",
}
# The kinds a row can have in the synthetic dirty files (synth_dirty); over-long text is hostile
# input, tested on its own (tests/foundation/test_hostile_input.py).
ROW_ERROR_KINDS = frozenset(ERROR_KINDS) - {"header", "length"}

CONSISTENCY: tuple[tuple[str, str], ...] = (
    ("tech_staff", "employees"),
    ("rd_staff", "employees"),
    ("rd_expense_domestic", "rd_expense"),
    ("hightech_revenue", "revenue"),
    ("invention_patents", "ip_class1"),
    ("high_value_invention_patents", "invention_patents"),
)
# The longest text a column may hold: the registry's column sizes (enterprises.models.Enterprise;
# tests/engine/test_table_limits.py keeps them equal), checked here because SQLite does not.
MAX_LENGTHS = {"name": 200}
IGNORABLE_HEADERS = frozenset({"序号", "备注"})  # common in government sheets; dropped
# A column the platform's own export adds as a computed result (梯队（2025 年，计算列）): ignored on
# upload and named in the preview, so that an export uploads back unchanged.
COMPUTED_MARKS = ("计算列", "computed")
_BLANK_HEADER = re.compile(r"^(|__UNNAMED__\d+|Unnamed: ?\d+|column_\d+)$")
_LEVEL_ZH = {"无": "none", "市级": "municipal", "省级": "provincial", "国家级": "national"}
_BOOLEANS = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "true": True,
             "false": False, "1": True, "0": False, "1.0": True, "0.0": False}  # fmt: skip
_FW_FROM = [chr(0xFF10 + i) for i in range(10)] + [chr(0xFF21 + i) for i in range(26)]
_FW_FROM += [chr(0xFF41 + i) for i in range(26)] + ["．", "，", "－", "＋", "／", "：", "（", "）", "％"]
_FW_FROM += ["\u3000", "\u2212", "\u00a0"]  # ideographic space, minus sign, no-break space
_FW_TO = [str(i) for i in range(10)] + [chr(0x41 + i) for i in range(26)]
_FW_TO += [chr(0x61 + i) for i in range(26)] + [".", ",", "-", "+", "/", ":", "(", ")", "%"]
_FW_TO += [" ", "-", " "]
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_MONEY_UNITS = {"元", "万元", "亿元", "千元", "百万元", "十万元", "万", "亿", "千", "万美元", "美元"}


# --- headers ------------------------------------------------------------------------------------


def _norm_header(h: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", h)).lower()


def computed_headers(columns: list[str]) -> list[str]:
    """The headers of computed columns (see COMPUTED_MARKS), which an upload ignores."""
    return [h for h in columns if any(mark in _norm_header(h) for mark in COMPUTED_MARKS)]


def map_headers(df: pl.DataFrame, kind: Literal["registry", "facts"]) -> tuple[pl.DataFrame, RowErrors]:
    """Rename the file's headers to the vocabulary's English names; header problems as row-1 errors."""
    if kind not in ("registry", "facts"):
        raise ValueError(f"kind must be 'registry' or 'facts', not {kind!r}")
    cols = REGISTRY_COLUMNS if kind == "registry" else FACT_COLUMNS
    by_name = {c.name: c for c in cols}
    lookup = {_norm_header(k): v for k, v in header_map(cols).items()}
    errors: list[RowError] = []
    rename: dict[str, str] = {}
    drop: list[str] = []

    def err(header: str, message: str) -> None:
        errors.append(RowError(1, header, header, message, "header"))

    for h in df.columns:
        dup = re.match(r"^(.*)_duplicated_\d+$", h)
        norm = _norm_header(h)
        if dup:
            err(h, f"列“{dup.group(1)}”出现了不止一次")
            continue
        if any(mark in norm for mark in COMPUTED_MARKS):
            drop.append(h)  # a computed column of an export: not data
            continue
        if _BLANK_HEADER.match(h.strip()) or norm in IGNORABLE_HEADERS:
            if (
                norm not in IGNORABLE_HEADERS
                and df[h].cast(pl.Utf8).str.strip_chars().fill_null("").ne("").any()
            ):
                err(h, f"第 {df.columns.index(h) + 1} 列没有表头，但有数据")
            drop.append(h)
            continue
        name = lookup.get(norm)
        if name is None:
            m = re.match(r"^(.*)\(([^()]*)\)$", norm)
            if m and m.group(1) in lookup:
                name = lookup[m.group(1)]
                unit = re.sub(r"^单位[:]?", "", m.group(2))
                expected = by_name[name].unit
                if unit not in {expected, f"{expected}人民币", f"人民币{expected}"} or not expected:
                    if expected and (unit in _MONEY_UNITS or expected != "万元"):
                        err(h, f"列“{h}”的单位是{unit}，本系统要求{expected}，请换算后再上传")
                    else:
                        err(h, f"列“{h}”不是本系统认识的表头")
                    continue
        if name is None:
            err(h, f"列“{h}”不是本系统认识的表头（请使用模板中的中文或英文表头）")
            continue
        if name in rename.values():
            first = next(k for k, v in rename.items() if v == name)
            err(h, f"列“{h}”与列“{first}”是同一项（{by_name[name].header_zh}），只能保留一列")
            continue
        rename[h] = name
    required = ["credit_code"] if kind == "registry" else ["credit_code", "year"]
    for r in required:
        if r not in rename.values() and not any(r == lookup.get(_norm_header(h)) for h in df.columns):
            errors.append(
                RowError(1, by_name[r].header_zh, "", f"缺少必需的列“{by_name[r].header_zh}”", "header")
            )
    out = df.drop(drop).select(list(rename)).rename(rename)
    return out, RowErrors(errors)


# --- cell parsing -------------------------------------------------------------------------------
# Each column is parsed in two passes: a fast one over the raw cells (a clean file is done after it)
# and a thorough one — full-width folding, spaces, thousands separators, other date and flag
# spellings — over only the cells the fast pass could not read.

_INDUSTRY = r"^[A-T](\d{2}|\d{3}|\d{4})?$"
_LEVELS = {k: k for k in RD_INSTITUTION_LEVELS} | _LEVEL_ZH
_BOOLEANS_ANY_CASE = _BOOLEANS | {k.upper(): v for k, v in _BOOLEANS.items()} | {"True": True, "False": False}

Parse = Callable[[pl.Expr], pl.Expr]


def _clean(x: pl.Expr) -> pl.Expr:
    """Full-width characters folded, spaces stripped; blank → null."""
    s = x.str.replace_many(_FW_FROM, _FW_TO).str.strip_chars()
    return pl.when(s != "").then(s)


def _number(x: pl.Expr) -> pl.Expr:
    v = x.cast(pl.Float64, strict=False)
    return pl.when(v.is_finite()).then(v)  # "inf", "nan" are not numbers here


def _number_thorough(x: pl.Expr) -> pl.Expr:
    return _number(
        pl.when(x.str.contains(_THOUSANDS)).then(x.str.replace_all(",", "", literal=True)).otherwise(x)
    )


def _date(x: pl.Expr) -> pl.Expr:
    return x.str.to_date("%Y-%m-%d", strict=False)


def _date_thorough(s: pl.Expr) -> pl.Expr:
    x = s.str.replace(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "").str.replace_all(r"[年月/.]", "-")
    x = x.str.replace(r"日$", "")
    x = (
        pl.when(x.str.contains(r"^\d{8}$"))
        .then(pl.concat_str([x.str.slice(0, 4), x.str.slice(4, 2), x.str.slice(6, 2)], separator="-"))
        .otherwise(x)
    )
    g = x.str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    iso = pl.concat_str(
        [g.struct.field("1"), g.struct.field("2").str.zfill(2), g.struct.field("3").str.zfill(2)],
        separator="-",
    )
    # An Excel date serial (days since 1899-12-30), as a date cell formatted "General" shows it:
    # five digits, 1927-05-18 (10000) to 2173-10-14 (99999).
    serial = s.str.extract(r"^([1-9]\d{4})(\.0+)?$").cast(pl.Int64)
    return pl.coalesce(_date(iso), pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))


def _parsers(c: Column, region_lookup: dict[str, str] | None) -> tuple[Parse, Parse]:
    """(fast, thorough) parsers of a column; thorough gets folded, stripped, non-blank text."""
    if c.name == "region":
        f = lambda x: x.replace_strict(region_lookup or {}, default=None, return_dtype=pl.Utf8)  # noqa: E731
        return f, f
    if c.name == "industry_code":
        f = lambda x: pl.when(x.str.contains(_INDUSTRY)).then(x)  # noqa: E731
        return f, lambda x: f(x.str.to_uppercase())
    if c.name == "tech_field":
        f = lambda x: pl.when(x.is_in(TECH_FIELDS)).then(x)  # noqa: E731
        return f, f
    if c.name == "rd_institution_level":
        f = lambda x: x.replace_strict(_LEVELS, default=None, return_dtype=pl.Utf8)  # noqa: E731
        return f, lambda x: f(x.str.to_lowercase())
    if c.dtype == pl.Date:
        return _date, _date_thorough
    if c.dtype == pl.Boolean:
        f = lambda x: x.replace_strict(_BOOLEANS_ANY_CASE, default=None, return_dtype=pl.Boolean)  # noqa: E731
        return f, lambda x: f(x.str.to_lowercase())
    if c.dtype == pl.Int32:  # years; "2024年" and "2024年度" are read too
        return _number, lambda x: _number_thorough(x.str.replace(r"年度?$", ""))
    return _number, _number_thorough


def _apply(expr: pl.Expr, s: pl.Series) -> pl.Series:
    return pl.DataFrame({"x": s}).select(expr.alias("x")).to_series()


def _numeric(c: Column) -> bool:
    return c.dtype in (pl.Int32, pl.Int64, pl.Float64)


def _read_as(c: Column) -> type[pl.DataType] | pl.DataType | None:
    """The type the CSV reader itself parses a column as on the fast path (None: as text)."""
    if _numeric(c):
        return pl.Float64
    return c.dtype if c.dtype in (pl.Date, pl.Boolean) else None


def _typed(df: pl.DataFrame, c: Column) -> bool:
    return _read_as(c) is not None and df.schema[c.name] == _read_as(c)


_CODE_VALUE = np.zeros(256, dtype=np.int32)
_CODE_VALUE[np.frombuffer(credit_code.CHARSET.encode(), dtype=np.uint8)] = np.arange(len(credit_code.CHARSET))
_CODE_LEGAL = np.zeros(256, dtype=bool)
_CODE_LEGAL[np.frombuffer(credit_code.CHARSET.encode(), dtype=np.uint8)] = True
_CODE_CHECK = np.frombuffer(credit_code.CHARSET.encode(), dtype=np.uint8)
_CODE_WEIGHTS = np.array(credit_code.WEIGHTS, dtype=np.int32)


def _valid_codes_mask(codes: pl.Series) -> np.ndarray | None:
    """Per row, whether the code is valid (GB 32100 check character), read straight from the Arrow
    buffer as an n × 18 byte matrix; None when not every cell has exactly 18 bytes (then
    credit_code.reasons does the work). Only a quick sieve: reasons() words every bad code."""
    if codes.null_count() or not codes.len():
        return None
    arr = codes.to_arrow(compat_level=pl.CompatLevel.oldest())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    if offsets[-1] - offsets[0] != 18 * len(arr) or not (np.diff(offsets) == 18).all():
        return None
    m = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(-1, 18)
    expected = _CODE_CHECK[(31 - (_CODE_VALUE[m[:, :17]] @ _CODE_WEIGHTS) % 31) % 31]
    return _CODE_LEGAL[m].all(axis=1) & (m[:, 17] == expected)


def _code_reasons(codes: pl.Series, valid: pl.Series | None = None) -> tuple[pl.Series, pl.Series | None]:
    """credit_code.reasons per row, and which rows hold one of the ``valid`` codes (codes already
    checked, e.g. the same upload's clean registry; None when not given). Only the codes that a
    quick sieve cannot pass are worded by credit_code.reasons."""
    empty = pl.Series(codes.name, [], dtype=pl.Utf8).extend_constant(None, codes.len())
    known = None
    if valid is not None:
        known = codes.is_in(valid.implode()).fill_null(False)
        rest = (~known).arg_true()
        reason = empty.scatter(rest, credit_code.reasons(codes.gather(rest))) if rest.len() else empty
        return reason, known
    sieve = _valid_codes_mask(codes)
    if sieve is None:
        return credit_code.reasons(codes), known
    bad = np.flatnonzero(~sieve)
    return (empty.scatter(bad, credit_code.reasons(codes.gather(bad))) if bad.size else empty), known


def _parse_columns(
    t: pl.DataFrame,
    cols: tuple[Column, ...],
    region_lookup: dict[str, str] | None,
    valid_codes: pl.Series | None = None,
) -> pl.DataFrame:
    """Adds __t_<name> (the cell's text, null when blank) and __v_<name> (its value, null when
    blank or unreadable) for every column, and __code_reason for the credit code.

    The fast parsers of all columns run in one pass (Polars spreads the columns over the cores); the
    thorough ones only over the cells the fast pass could not read, column by column."""
    x = pl.col("x")
    present = [c for c in cols if c.name in t.columns]
    fast_exprs: list[pl.Expr] = []
    redo_cols: list[Column] = []
    for c in present:
        raw = pl.col(c.name)
        if c.name == "credit_code":
            continue
        if c.dtype == pl.Utf8 and c.name == "name":  # free text: kept as typed, spaces stripped
            value = pl.when(raw.str.strip_chars() != "").then(raw.str.strip_chars())
            fast_exprs += [value.alias(f"__t_{c.name}"), value.alias(f"__v_{c.name}")]
            continue
        if _typed(t, c):  # read by the CSV reader ("inf" and "NaN" are refused in _cell_checks)
            fast_exprs += [raw.alias(f"__t_{c.name}"), raw.alias(f"__v_{c.name}")]
            continue
        fast, _ = _parsers(c, region_lookup)
        fast_exprs += [raw.alias(f"__t_{c.name}"), fast(raw).alias(f"__v_{c.name}")]
        redo_cols.append(c)
    t = t.with_columns(fast_exprs)
    new: dict[str, pl.Series] = {}
    if "credit_code" in t.columns:
        raw = t["credit_code"]
        (value, (reason, known)) = raw, _code_reasons(raw, valid_codes)
        if known is not None:
            new["__valid_code"] = known
        redo = (reason.is_not_null() & raw.is_not_null()).arg_true()
        if redo.len():
            sub = _apply(_clean(x).str.to_uppercase(), raw.gather(redo))
            value, reason = value.scatter(redo, sub), reason.scatter(redo, credit_code.reasons(sub))
        new["__code_reason"], new["__t_credit_code"], new["__v_credit_code"] = reason, value, value
    unread = (
        t.select(
            (pl.col(c.name).is_not_null() & pl.col(f"__v_{c.name}").is_null()).sum().alias(c.name)
            for c in redo_cols
        ).row(0, named=True)
        if redo_cols
        else {}
    )
    for c in redo_cols:
        if not unread[c.name]:
            continue
        _, thorough = _parsers(c, region_lookup)
        raw, value = t[c.name], t[f"__v_{c.name}"]
        redo = (raw.is_not_null() & value.is_null()).arg_true()
        sub = _apply(_clean(x), raw.gather(redo))
        new[f"__v_{c.name}"] = value.scatter(redo, _apply(thorough(x), sub))
        new[f"__t_{c.name}"] = raw.scatter(redo, sub)
    return t.with_columns(**new) if new else t


@dataclass
class _Check:
    column: str  # English name of the column the error is shown in
    kind: str
    mask: pl.Expr
    message: pl.Expr  # evaluated on the failing rows only
    value: pl.Expr | None = None  # default: the raw cell
    aux: tuple[pl.Expr, ...] = ()  # helper columns computed on all rows before the masks


def _raw(c: str) -> pl.Expr:
    return pl.col(c).cast(pl.Utf8).fill_null("")


def _at(c: Column) -> list[pl.Expr]:
    return [pl.lit("第 "), pl.col("__row").cast(pl.Utf8), pl.lit(f" 行「{c.header_zh}」")]


def _say(c: Column, *parts: str | pl.Expr) -> pl.Expr:
    """「第 N 行「header」= value …」"""
    rest = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return pl.concat_str([*_at(c), pl.lit("= "), quote_expr(_raw(c.name)), pl.lit(" "), *rest])


def _fmt(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.Utf8).str.replace(r"\.0$", "")


_WHY = {
    "region": ("region", "不是东莞的镇街（可填镇街名称或区划代码）"),
    "industry_code": ("industry_code", "不是国民经济行业代码（GB/T 4754-2017，如 C3971）"),
    "tech_field": ("tech_field", "不是八大国家重点支持的高新技术领域之一（" + "、".join(TECH_FIELDS) + "）"),
    "rd_institution_level": ("rd_institution_level", "应为 无/市级/省级/国家级（或 none/municipal/provincial/national）"),
    pl.Date: ("date", "不是有效日期（可写 2019-03-05、2019/3/5 或 20190305）"),
    pl.Boolean: ("boolean", "应填 是/否（或 Y/N、true/false、1/0）"),
    pl.Int32: ("number", "不是年份（应为四位数字，如 2024）"),
    pl.Int64: ("number", "不是数字（无数据请留空，不要填“—”“N/A”等）"),
    pl.Float64: ("number", "不是数字（无数据请留空，不要填“—”“N/A”等）"),
}  # fmt: skip


def _cell_checks(t: pl.DataFrame, cols: tuple[Column, ...]) -> list[_Check]:
    checks: list[_Check] = []
    for c in cols:
        if c.name not in t.columns:
            continue
        text, v = pl.col(f"__t_{c.name}"), pl.col(f"__v_{c.name}")
        if c.name == "credit_code":
            reason = pl.col("__code_reason")
            message = (
                pl.when(text.is_null())
                .then(pl.concat_str([*_at(c), pl.lit("为空")]))
                .otherwise(_say(c, reason))
            )
            checks.append(_Check(c.name, "credit_code", reason.is_not_null(), message))
            continue
        if c.name in MAX_LENGTHS:
            limit, length = MAX_LENGTHS[c.name], text.str.len_chars()
            message = pl.concat_str(
                [
                    *_at(c),
                    pl.lit("有 "),
                    length.cast(pl.Utf8),
                    pl.lit(f" 个字符，超过 {limit} 个字符的上限："),
                ]
                + [quote_expr(_raw(c.name))]
            )
            checks.append(_Check(c.name, "length", length > limit, message))
        why = _WHY.get(c.name) or _WHY.get(c.dtype)
        if why is None:
            continue
        unread = v.is_null()
        if t.schema[f"__t_{c.name}"] == pl.Float64:  # a number the CSV reader parsed
            unread = v.is_nan() | v.is_infinite()
        elif t.schema[f"__t_{c.name}"] != pl.Utf8:  # a date or a flag the CSV reader parsed
            unread = pl.lit(False)
        # An unreadable cell often holds a character nobody sees (a control character, a full-width
        # space): the message names it. Computed for the failing rows only.
        hidden = bad_chars_expr(_raw(c.name))
        checks.append(_Check(c.name, why[0], text.is_not_null() & unread, _say(c, hidden, why[1])))
        if c.dtype == pl.Int32:
            checks.append(
                _Check(
                    c.name,
                    "year",
                    (v < YEAR_MIN) | (v > YEAR_MAX),
                    _say(c, f"不在 {YEAR_MIN}–{YEAR_MAX} 之间"),
                )
            )
        if c.dtype in (pl.Int32, pl.Int64):
            checks.append(_Check(c.name, "number", v != v.round(0), _say(c, "应为整数")))
        if c.dtype in (pl.Int64, pl.Float64) and c.name not in SIGNED_FACTS:
            checks.append(_Check(c.name, "negative", v < 0, _say(c, "不能为负数")))
    return checks


def _run(
    t: pl.DataFrame, cols: tuple[Column, ...], checks: list[_Check], max_errors: int
) -> tuple[pl.DataFrame, RowErrors]:
    by_name = {c.name: c for c in cols}
    present = [c for c in cols if c.name in t.columns]
    # Blank rows (every cell empty) are skipped; there are none when every row has a credit code.
    if "__t_credit_code" not in t.columns or t["__t_credit_code"].null_count():
        nonblank = pl.any_horizontal([pl.col(f"__t_{c.name}").is_not_null() for c in present])
        if not t.select(nonblank.all()).item():
            t = t.filter(nonblank)
    # One pass counts every check's failures (Polars evaluates the masks in parallel); the rows and
    # messages are built only for the checks that failed.
    counts = (
        t.select(ch.mask.fill_null(False).sum().alias(f"__m{i}") for i, ch in enumerate(checks)).row(0)
        if checks
        else ()
    )
    total = int(sum(counts))
    if not total:
        clean = t.select(pl.col(f"__v_{c.name}").cast(c.dtype).alias(c.name) for c in present)
        return clean, RowErrors()
    failed = [(i, ch) for i, (ch, k) in enumerate(zip(checks, counts, strict=True)) if k]
    aux = [a for _, ch in failed for a in ch.aux]
    if aux:
        t = t.with_columns(aux)
    found = [
        t.filter(ch.mask.fill_null(False))
        .head(max_errors)
        .select(
            pl.col("__row").cast(pl.Int64).alias("row"),
            pl.lit(by_name[ch.column].header_zh).alias("column"),
            quote_expr((ch.value if ch.value is not None else _raw(ch.column)).cast(pl.Utf8)).alias("value"),
            ch.message.cast(pl.Utf8).alias("message"),
            pl.lit(ch.kind).alias("kind"),
            pl.lit(i).alias("order"),
        )
        for i, ch in failed
    ]
    rows = pl.concat(found).sort("row", "order").head(max_errors).drop("order")
    errors = RowErrors([RowError(**r) for r in rows.iter_rows(named=True)], total)
    return pl.DataFrame(schema={c.name: c.dtype for c in present}), errors


def _prepare(
    df: pl.DataFrame,
    cols: tuple[Column, ...],
    region_lookup: dict[str, str] | None,
    valid_codes: pl.Series | None = None,
) -> pl.DataFrame:
    """Known columns as text with spreadsheet row numbers (header = row 1), parsed. A column that the
    CSV reader already parsed (see _read_typed) keeps its type."""
    known = [c for c in cols if c.name in df.columns]
    t = df.select(
        *[pl.col(c.name) if _typed(df, c) else pl.col(c.name).cast(pl.Utf8) for c in known],
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("__row"),
    )
    return _parse_columns(t, cols, region_lookup, valid_codes)


def check_registry(
    df: pl.DataFrame, region_lookup: dict[str, str], *, max_errors: int = MAX_ERRORS
) -> tuple[pl.DataFrame, RowErrors]:
    """Parse and check a registry (English column names, text cells). Region becomes its code."""
    t = _prepare(df, REGISTRY_COLUMNS, region_lookup)
    checks = _cell_checks(t, REGISTRY_COLUMNS)
    if "credit_code" in t.columns:
        checks.append(_duplicate_check(["__v_credit_code"], REGISTRY_COLUMNS[0]))
    return _run(t, REGISTRY_COLUMNS, checks, max_errors)


def check_facts(
    df: pl.DataFrame,
    known_codes: set[str] | pl.Series | None,
    *,
    max_errors: int = MAX_ERRORS,
    valid_codes: pl.Series | None = None,
) -> tuple[pl.DataFrame, RowErrors]:
    """Parse and check yearly facts. ``known_codes``: the registry's codes plus those of the same
    upload's registry (None skips that check). ``valid_codes`` (optional, a subset of the known
    codes that passed the check already, such as the same upload's clean registry) spares the
    checksum of every row that names one of them."""
    cols = FACT_COLUMNS
    by = {c.name: c for c in cols}
    t = _prepare(df, cols, None, valid_codes)
    checks = _cell_checks(t, cols)
    if "year" in t.columns:
        empty = pl.concat_str([*_at(by["year"]), pl.lit("为空")])
        checks.append(_Check("year", "missing", pl.col("__t_year").is_null(), empty))
    if "credit_code" in t.columns and "year" in t.columns:
        checks.append(_duplicate_check(["__v_credit_code", "__v_year"], by["credit_code"]))
    if "credit_code" in t.columns and known_codes is not None:
        codes = known_codes if isinstance(known_codes, pl.Series) else list(known_codes)
        known = pl.Series("known", codes, dtype=pl.Utf8)
        named = t["__v_credit_code"]
        if "__valid_code" in t.columns:  # rows naming a checked registry code are known
            named = named.filter(~t["__valid_code"])
        named = named.unique().drop_nulls()
        strangers = named.filter(~named.is_in(known.implode()))  # usually none: checked once per code
        unknown = pl.col("__code_reason").is_null() & (
            pl.col("__v_credit_code").is_in(strangers.implode()) if strangers.len() else pl.lit(False)
        )
        why = "不在企业名录中（也不在本次上传的企业名录里），请先上传该企业的名录信息"
        checks.append(_Check("credit_code", "unknown_code", unknown, _say(by["credit_code"], why)))
    for small, big in CONSISTENCY:
        if small in t.columns and big in t.columns:
            a, b = pl.col(f"__v_{small}"), pl.col(f"__v_{big}")
            msg = pl.concat_str(
                [*_at(by[small]), pl.lit("= "), _fmt(a), pl.lit(f" 大于「{by[big].header_zh}」= "), _fmt(b)]
            )
            checks.append(_Check(small, "consistency", (b >= 0) & (a > b + 1e-9), msg))
    return _run(t, cols, checks, max_errors)


def _duplicate_check(keys: list[str], c: Column) -> _Check:
    """Every row whose key (valid code[, year]) appeared in an earlier row."""
    complete = pl.all_horizontal([pl.col(k).is_not_null() for k in keys]) & pl.col("__code_reason").is_null()
    name = "__first_" + "_".join(keys)
    # The row the key first appeared in: only computed when a duplicate was found (for the message).
    aux = pl.when(complete).then(pl.col("__row")).min().over(keys).alias(name)
    first = pl.col(name).cast(pl.Utf8)
    key = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
    mask = complete & ~key.is_first_distinct()
    if "__v_year" in keys:
        parts = ["的 ", pl.col("__v_year").cast(pl.Int64).cast(pl.Utf8), " 年度数据与第 ", first, " 行重复"]
    else:
        parts = ["与第 ", first, " 行重复"]
    return _Check(c.name, "duplicate", mask, _say(c, *parts), aux=(aux,))


def region_lookup_from_towns(towns: pl.DataFrame) -> dict[str, str]:
    """Name, short name (without 镇/街道/新区/高新技术产业开发区) and code → code, for every town."""
    out: dict[str, str] = {}
    for code, name, kind in towns.select(pl.col("code").cast(pl.Utf8), "name", "kind").iter_rows():
        if kind == "city":
            continue
        out[code] = out[name] = code
        short = re.sub(r"(高新技术产业开发区|新区|街道|镇)$", "", name)
        out.setdefault(short, code)
    return out


def check_file(
    path: str | Path,
    kind: Literal["registry", "facts"],
    *,
    region_lookup: dict[str, str] | None = None,
    known_codes: set[str] | pl.Series | None = None,
    max_errors: int = MAX_ERRORS,
) -> tuple[pl.DataFrame, RowErrors]:
    """read_table + map_headers + check_registry/check_facts; header errors stop before the rows."""
    try:
        df = read_table(path)
    except TableReadError as exc:
        return pl.DataFrame(), RowErrors([RowError(1, "", str(path), str(exc), "header")])
    mapped, errors = map_headers(df, kind)
    if errors:
        return pl.DataFrame(), errors
    if kind == "registry":
        return check_registry(mapped, region_lookup or {}, max_errors=max_errors)
    return check_facts(mapped, known_codes, max_errors=max_errors)


# --- a whole upload -----------------------------------------------------------------------------
# The one reader of enterprise files: the upload page and `kechuang enterprises import` (through
# kechuang.enterprises.importing) and `kechuang qualify --input DIR` all call check_upload().

Known = set[str] | pl.Series | Iterable[str]


@dataclass
class CheckedTable:
    name: str
    kind: Literal["registry", "facts"]
    clean: pl.DataFrame
    ignored: tuple[str, ...] = ()  # computed columns of an export, not read (COMPUTED_MARKS)


def kind_of(df: pl.DataFrame) -> Literal["registry", "facts"]:
    """A file with a 年度 (year) column is yearly facts, any other a registry."""
    year_headers = {_norm_header(k) for k, v in header_map(FACT_COLUMNS).items() if v == "year"}
    return "facts" if any(_norm_header(h) in year_headers for h in df.columns) else "registry"


def check_upload(
    paths: list[str | Path],
    names: list[str] | None = None,
    *,
    region_lookup: dict[str, str],
    known_codes: Callable[[], Known] | Known | None = None,
    known_among: Callable[[pl.Series], Known] | None = None,
    max_errors: int = MAX_ERRORS,
) -> tuple[list[CheckedTable], dict[str, RowErrors]]:
    """Read and check every file of one upload: (clean tables, registry files first; errors by file).

    Each file is CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or Excel, with English or Chinese headers;
    its kind (registry or facts) comes from its headers. ``known_codes`` are the codes already in the
    registry (or a function returning them, called only when there is a facts file); the codes that
    the upload's registry files name count as known too, even when such a file has errors, so that a
    facts file is not flooded with 「企业不在名录中」. ``known_among(codes)``, when given instead, returns
    which of the codes a facts file names are in the registry (the caller looks up only those, in
    SQL, rather than every code of a large registry). The upload is good when ``errors`` is empty."""
    names = names or [Path(p).name for p in paths]
    errors: dict[str, RowErrors] = {}
    mapped: list[tuple[str, Literal["registry", "facts"], pl.DataFrame]] = []
    for path, name in zip(paths, names, strict=True):
        raw = _read_typed(path)
        if raw is None:
            try:
                raw = read_table(path)
            except TableReadError as exc:
                errors[name] = RowErrors([RowError(1, "", name, str(exc), "header")])
                continue
        kind = kind_of(raw)
        df, header_errors = map_headers(raw, kind)
        if header_errors:
            # The rows are checked too, over the columns that were recognised: one report holds
            # every problem of the file, not only its header's.
            errors[name] = header_errors
        mapped.append((path, name, kind, df, tuple(computed_headers(raw.columns))))
    checked: list[CheckedTable] = []
    upload_codes: list[pl.Series] = []
    valid: list[pl.Series] = []  # codes of the upload's clean registry files: checked already
    known: pl.Series | None = None
    for path, name, kind, df, ignored in sorted(mapped, key=lambda m: m[2] != "registry"):
        if not df.width:
            continue  # no recognised column: the header errors say it all
        if kind == "registry":
            clean, errs = check_registry(df, region_lookup, max_errors=max_errors)
            if errs.rejected and any(t != pl.Utf8 for t in df.schema.values()):
                df, _ = map_headers(read_table(path), kind)  # every bad cell reported as typed
                clean, errs = check_registry(df, region_lookup, max_errors=max_errors)
            if "credit_code" in df.columns:
                codes = clean["credit_code"] if not errs.rejected else _upper_codes(df["credit_code"])
                upload_codes.append(codes)
                if not errs.rejected:
                    valid.append(codes.rename("code"))
        else:
            if known_among is not None:
                named = (
                    _upper_codes(df["credit_code"].cast(pl.Utf8)).unique()
                    if "credit_code" in df.columns
                    else pl.Series([], dtype=pl.Utf8)
                )
                given = known_among(named)
                given = given if isinstance(given, pl.Series) else pl.Series(list(given or ()), dtype=pl.Utf8)
                known = pl.concat(
                    [given.cast(pl.Utf8).rename("code"), *(c.rename("code") for c in upload_codes)]
                )
            elif known is None:
                given = known_codes() if callable(known_codes) else known_codes
                given = given if isinstance(given, pl.Series) else pl.Series(list(given or ()), dtype=pl.Utf8)
                known = pl.concat(
                    [given.cast(pl.Utf8).rename("code"), *(c.rename("code") for c in upload_codes)]
                )
            checked_codes = pl.concat(valid) if valid else None
            clean, errs = check_facts(df, known, max_errors=max_errors, valid_codes=checked_codes)
            if errs.rejected and any(t != pl.Utf8 for t in df.schema.values()):
                df, _ = map_headers(read_table(path), kind)
                clean, errs = check_facts(df, known, max_errors=max_errors, valid_codes=checked_codes)
        if name in errors:  # header errors first, then the rows'
            head = errors[name]
            errs = RowErrors([*head, *errs][:max_errors], head.total + errs.total)
        if errs.rejected:
            errors[name] = errs
        elif not clean.height:
            message = empty_file_message(name, header_only=True)
            errors[name] = RowErrors([RowError(1, "", "", message, "missing")])
        else:
            checked.append(CheckedTable(name, kind, clean, ignored))
    return checked, errors


def _read_typed(path: str | Path) -> pl.DataFrame | None:
    """The fast path for a large clean CSV in UTF-8: the CSV reader parses the numbers, dates and
    flags itself (several times faster than reading text and converting it). None when the file is
    not such a CSV or any such cell is not in the reader's plain form — a number, 2019-03-05 or
    2019/3/5, true/false (then read_table reads every cell as text, and the
    thorough parsers and the error report see the cells as typed). A file read this way that fails
    any check is read again as text, so that its errors are reported exactly as for any other file."""
    p = Path(path)
    if p.suffix.lower() not in {".csv", ".tsv", ".txt"}:
        return None
    try:
        with p.open("rb") as fh:
            head = fh.read(1 << 16)
        if not head_is_utf8(head):
            return None
        sep = csv_separator(head)
        header = pl.read_csv(p, n_rows=0, infer_schema=False, separator=sep).columns
        read_as = {c.name: _read_as(c) for c in (*REGISTRY_COLUMNS, *FACT_COLUMNS) if _read_as(c)}
        lookup = {_norm_header(k): v for k, v in header_map((*REGISTRY_COLUMNS, *FACT_COLUMNS)).items()}
        overrides = {
            h: read_as[lookup[_norm_header(h)]] for h in header if lookup.get(_norm_header(h)) in read_as
        }
        if not overrides or len(set(header)) != len(header):
            return None
        df = pl.read_csv(p, infer_schema=False, schema_overrides=overrides, separator=sep)
    except (OSError, pl.exceptions.PolarsError):
        return None
    try:
        return check_limits(df, p.name)
    except TableReadError:
        return None  # read_table reads it again and reports the cell


def _upper_codes(s: pl.Series) -> pl.Series:
    return s.drop_nulls().str.strip_chars().str.to_uppercase()
