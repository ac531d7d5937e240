"""Checking an observations file (indicator, region, year, value [, source, note]) — all or nothing.

Pure: takes the file's cells as text plus what the caller knows (the indicators and their units, the
regions), returns the clean rows and every problem found, each naming the spreadsheet row, the
column and why, in Chinese. Nothing here writes anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from kechuang.engine.tables import RowError, bad_chars, blank_rows, quote

COLUMNS = {
    "indicator": "指标",
    "region": "地区",
    "year": "年份",
    "value": "数值",
    "source": "来源",
    "note": "备注",
}
REQUIRED = ("indicator", "region", "year", "value")
_HEADER_UNIT = re.compile(r"^(?P<name>[^（(]+)[（(](?P<unit>[^）)]+)[）)]$")
COUNT_UNITS = {"家", "件", "人", "人年", "项", "个"}
# The longest text a column may hold (plans.models.Observation's column sizes; SQLite does not check).
MAX_LENGTHS = {"source": 500, "note": 500}


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    unit: str


def _normalise_header(header: str) -> tuple[str, str | None]:
    text = header.strip().replace("（", "(").replace("）", ")")
    unit = None
    match = _HEADER_UNIT.match(text)
    if match:
        text, unit = match.group("name").strip(), match.group("unit").strip()
    reverse = {zh: en for en, zh in COLUMNS.items()}
    return reverse.get(text, text.lower()), unit


def check_observations(
    raw: pl.DataFrame, indicators: dict[str, IndicatorInfo], regions: dict[str, str]
) -> tuple[pl.DataFrame, list[RowError]]:
    """raw: every cell as text, columns as in the file. indicators: code AND Chinese name → info.
    regions: every accepted region name or code → division code.

    Returns (clean, errors); clean has indicator, region_code, year, value, source, note and is
    empty whenever errors is not (all or nothing).
    """
    errors: list[RowError] = []
    renamed: dict[str, str] = {}
    header_units: dict[str, str] = {}
    for header in raw.columns:
        name, unit = _normalise_header(header)
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1, header, header, f"无法识别的列「{header}」；可用列：指标、地区、年份、数值、来源、备注"
                )
            )
            continue
        if name in renamed.values():
            errors.append(RowError(1, header, header, f"列「{COLUMNS[name]}」重复"))
            continue
        renamed[header] = name
        if unit:
            header_units[name] = unit
    missing = [c for c in REQUIRED if c not in renamed.values()]
    if missing:
        errors.append(RowError(1, "", "", f"缺少必填列：{'、'.join(COLUMNS[c] for c in missing)}"))
    # The rows are checked too, over the columns the file does have, so that one look at the report
    # shows every problem (a header error alone does not hide the rows' errors).
    df = raw.select(renamed.keys()).rename(renamed).with_columns(pl.all().cast(pl.Utf8).str.strip_chars())
    for absent in COLUMNS:
        if absent not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Utf8).alias(absent))
    blank = (
        raw.select(blank_rows(raw).alias("blank"))["blank"] if raw.width else pl.Series([], dtype=pl.Boolean)
    )
    df = df.with_row_index("row", offset=2).filter(~blank)  # a sheet's trailing empty rows are no data

    info = pl.DataFrame(
        {
            "key": list(indicators),
            "indicator_code": [i.code for i in indicators.values()],
            "unit": [i.unit for i in indicators.values()],
        }
    )
    region_frame = pl.DataFrame({"region_key": list(regions), "region_code": list(regions.values())})
    df = (
        df.join(info, left_on="indicator", right_on="key", how="left")
        .join(region_frame, left_on="region", right_on="region_key", how="left")
        .with_columns(
            year_num=pl.col("year").str.replace(r"\.0$", "").cast(pl.Int32, strict=False),
            value_num=pl.col("value").str.replace_all(",", "").cast(pl.Float64, strict=False),
        )
        .sort("row")
    )

    checks = [
        (pl.col("indicator").is_null() | (pl.col("indicator") == ""), "indicator", "指标为空"),
        (
            pl.col("indicator_code").is_null() & pl.col("indicator").is_not_null(),
            "indicator",
            "未知指标「{indicator}」",
        ),
        (pl.col("region").is_null() | (pl.col("region") == ""), "region", "地区为空"),
        (
            pl.col("region_code").is_null() & pl.col("region").is_not_null(),
            "region",
            "未知地区「{region}」（请用镇街名称或区划代码）",
        ),
        (pl.col("year_num").is_null(), "year", "年份「{year}」不是整数"),
        (~pl.col("year_num").is_between(2000, 2100), "year", "年份 {year} 超出 2000–2100"),
        (pl.col("value_num").is_null(), "value", "数值「{value}」不是数字"),
        (
            pl.col("value_num").is_not_null() & ~pl.col("value_num").is_finite(),
            "value",
            "数值「{value}」不是有限的数字（不接受 inf、Infinity、NaN 或超出范围的数，如 1e999）",
        ),
        (
            pl.col("unit").is_in(list(COUNT_UNITS)) & (pl.col("value_num") < 0),
            "value",
            "数值 {value} 为负数，计数类指标不能为负",
        ),
    ]
    for condition, column, template in checks:
        if column in missing:
            continue  # reported once, as the missing column
        bad = df.filter(condition.fill_null(False))
        for rec in bad.select("row", "indicator", "region", "year", "value").iter_rows(named=True):
            shown = {k: quote(v) for k, v in rec.items()}
            message = template.format(**shown)
            hidden = bad_chars(rec[column])  # only the bad rows: a handful
            if hidden:
                message = f"{message}：{hidden}"
            errors.append(RowError(rec["row"], COLUMNS[column], rec[column] or "", message))
    for column, limit in MAX_LENGTHS.items():
        long = df.filter(pl.col(column).str.len_chars() > limit)
        for row, text in long.select("row", column).iter_rows():
            errors.append(
                RowError(
                    row,
                    COLUMNS[column],
                    text,
                    f"{COLUMNS[column]}有 {len(text):,} 个字符，超过 {limit} 个字符的上限",
                )
            )

    # A unit in the value header must be the indicator's own unit.
    if "value" in header_units:
        wrong = df.filter(pl.col("unit").is_not_null() & (pl.col("unit") != header_units["value"]))
        for rec in wrong.select("row", "indicator", "unit").iter_rows(named=True):
            errors.append(
                RowError(
                    rec["row"],
                    "数值",
                    header_units["value"],
                    f"表头单位是「{header_units['value']}」，指标「{rec['indicator']}」的单位是「{rec['unit']}」",
                )
            )

    # Two different values for the same indicator, region and year.
    keyed = df.filter(pl.col("indicator_code").is_not_null() & pl.col("region_code").is_not_null())
    conflicts = (
        keyed.group_by("indicator_code", "region_code", "year_num")
        .agg(pl.col("value_num").n_unique().alias("values"), pl.col("row"))
        .filter(pl.col("values") > 1)
        .explode("row")
        .sort("row")
    )
    for rec in conflicts.iter_rows(named=True):
        others = keyed.filter(
            (pl.col("indicator_code") == rec["indicator_code"])
            & (pl.col("region_code") == rec["region_code"])
            & (pl.col("year_num") == rec["year_num"])
            & (pl.col("row") != rec["row"])
        )["row"].to_list()
        errors.append(
            RowError(
                rec["row"], "数值", "", f"与第 {'、'.join(map(str, others))} 行的同一指标、地区、年份数值不同"
            )
        )

    if errors:
        return _empty(), sorted(errors, key=lambda e: (e.row, e.column))
    clean = df.unique(
        ["indicator_code", "region_code", "year_num"], keep="first", maintain_order=True
    ).select(
        pl.col("row"),
        pl.col("indicator_code").alias("indicator"),
        pl.col("region_code"),
        pl.col("year_num").alias("year"),
        pl.col("value_num").alias("value"),
        pl.col("source"),
        pl.col("note"),
    )
    return clean, []


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "row": pl.UInt32,
            "indicator": pl.Utf8,
            "region_code": pl.Utf8,
            "year": pl.Int32,
            "value": pl.Float64,
            "source": pl.Utf8,
            "note": pl.Utf8,
        }
    )
