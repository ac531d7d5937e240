"""Reading an achievements file (职务科技成果, CSV or XLSX) in the columns of
shared/contracts/transfer-data.md, with the English column names or the Chinese headers.

``read_achievements(path)`` → (frame, errors): the frame has every contract column (absent optional
columns are empty), trl as Int64, asking_price as Float64 (万元; empty or 面议 → null), field as one
of the eight canonical names; errors are kechuang.engine.tables.RowError (spreadsheet row, Chinese
header, value, reason in Chinese). All or nothing: when there is any error the frame is empty.
Checked: the required columns 成果编号 and 成果名称 and their cells, duplicate 成果编号, 技术就绪水平 an
integer 1–9, 技术领域 one of the eight 国家重点支持的高新技术领域, 状态, 权属, 转化方式 and 意向价格.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kechuang.engine.tables import RowError, RowErrors, TableReadError, quote, read_table
from kechuang.engine.transfer.fields import FIELD_ALIASES, FIELDS

COLUMNS: dict[str, str] = {
    "code": "成果编号",
    "institution": "完成单位",
    "title": "成果名称",
    "abstract": "成果简介",
    "field": "技术领域",
    "keywords": "关键词",
    "inventors": "完成人",
    "patents": "专利号",
    "trl": "技术就绪水平",
    "ownership": "权属",
    "modes": "转化方式",
    "asking_price": "意向价格",
    "status": "状态",
}
REQUIRED = ("code", "title")
STATUSES: tuple[str, ...] = ("可转化", "洽谈中", "已转化", "已撤回")
PUBLISHED = "可转化"
OWNERSHIPS: tuple[str, ...] = ("单位所有", "赋予科研人员所有权", "赋予科研人员长期使用权")
MODES: tuple[str, ...] = ("转让", "许可", "作价投资", "先用后转")
LIST_SEPARATORS = r"[；;，,、]"
NEGOTIABLE = ("面议", "议价", "")
MAX_ERRORS = 1000


def _header_key(header: str) -> str | None:
    text = "".join(str(header).split()).lstrip("\ufeff")
    text = text.split("（")[0].split("(")[0]  # 意向价格（万元）
    if text.lower() in COLUMNS:
        return text.lower()
    for key, zh in COLUMNS.items():
        if text == zh:
            return key
    return None


def empty_frame() -> pl.DataFrame:
    schema = {c: pl.String for c in COLUMNS} | {"trl": pl.Int64, "asking_price": pl.Float64}
    return pl.DataFrame(schema=schema)


def read_achievements(path: str | Path) -> tuple[pl.DataFrame, RowErrors]:
    """The file's achievements, or the errors (a file that cannot be read is one error on row 0)."""
    try:
        raw = read_table(path)
    except TableReadError as exc:
        return empty_frame(), RowErrors([RowError(0, "", "", str(exc))])
    return check_achievements(raw)


def check_achievements(raw: pl.DataFrame) -> tuple[pl.DataFrame, RowErrors]:
    """raw: the file's cells as text (header = row 1). Returns (clean, errors); all or nothing."""
    errors: list[RowError] = []
    renamed: dict[str, str] = {}
    for header in raw.columns:
        key = _header_key(header)
        if key is None:
            continue  # other columns are ignored
        if key in renamed.values():
            errors.append(RowError(1, COLUMNS[key], header, f"列「{COLUMNS[key]}」重复"))
            continue
        renamed[header] = key
    missing = [COLUMNS[c] for c in REQUIRED if c not in renamed.values()]
    if missing:
        errors.append(
            RowError(1, "", "", f"缺少必填列：{'、'.join(missing)}（可用中文表头或英文列名 code、title）")
        )
    if errors:
        return empty_frame(), RowErrors(errors)
    df = (
        raw.select(list(renamed))
        .rename(renamed)
        .with_columns(pl.all().cast(pl.String).str.strip_chars())
        .with_columns(pl.when(pl.all() == "").then(None).otherwise(pl.all()).name.keep())
    )
    df = df.with_columns(pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in df.columns)
    aliases = pl.DataFrame(
        {"given": [*FIELDS, *FIELD_ALIASES], "canonical": [*FIELDS, *FIELD_ALIASES.values()]}
    )
    df = (
        df.with_row_index("row", offset=2)
        .with_columns(field_key=pl.col("field").str.replace_all(r"\s", ""))
        .join(aliases, left_on="field_key", right_on="given", how="left", maintain_order="left")
        .with_columns(
            trl_num=pl.col("trl").str.replace(r"^(\d+)\.0+$", "${1}").cast(pl.Int64, strict=False),
            price_num=pl.when(pl.col("asking_price").is_in(NEGOTIABLE))
            .then(None)
            .otherwise(pl.col("asking_price").str.replace_all(",", "").cast(pl.Float64, strict=False)),
            bad_modes=pl.col("modes")
            .str.replace_all(LIST_SEPARATORS, "、")
            .str.split("、")
            .list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter((pl.element() != "") & ~pl.element().is_in(MODES)))
            .list.join("、"),
            dup=pl.col("code").is_duplicated() & pl.col("code").is_not_null(),
        )
    )
    checks = [
        (pl.col("code").is_null(), "code", "成果编号为空"),
        (pl.col("dup"), "code", "成果编号「{code}」重复（第 {rows} 行）"),
        (pl.col("title").is_null(), "title", "成果名称为空"),
        (
            pl.col("trl").is_not_null() & ~pl.col("trl_num").is_between(1, 9).fill_null(False),
            "trl",
            "技术就绪水平「{trl}」应为 1–9 的整数",
        ),
        (
            pl.col("field").is_not_null() & pl.col("canonical").is_null(),
            "field",
            "技术领域「{field}」不是八大国家重点支持的高新技术领域之一（" + "、".join(FIELDS) + "）",
        ),
        (
            pl.col("status").is_not_null() & ~pl.col("status").is_in(STATUSES),
            "status",
            "状态「{status}」应为 " + " / ".join(STATUSES),
        ),
        (
            pl.col("ownership").is_not_null() & ~pl.col("ownership").is_in(OWNERSHIPS),
            "ownership",
            "权属「{ownership}」应为 " + " / ".join(OWNERSHIPS),
        ),
        (
            pl.col("bad_modes").is_not_null() & (pl.col("bad_modes") != ""),
            "modes",
            "转化方式「{bad_modes}」应为 " + "、".join(MODES) + " 中的一种或几种",
        ),
        (
            pl.col("asking_price").is_not_null()
            & ~pl.col("asking_price").is_in(NEGOTIABLE)
            & ~(pl.col("price_num").is_finite() & (pl.col("price_num") >= 0)).fill_null(False),
            "asking_price",
            "意向价格「{asking_price}」应为不小于 0 的数（万元），或留空、写“面议”",
        ),
    ]
    rows_of = (
        df.filter("dup")
        .group_by("code")
        .agg(pl.col("row").sort().cast(pl.String).str.join("、").alias("rows"))
    )
    df = df.join(rows_of, on="code", how="left", maintain_order="left")
    total = 0
    for condition, column, template in checks:
        bad = df.filter(condition.fill_null(False))
        total += bad.height
        for rec in bad.head(MAX_ERRORS).iter_rows(named=True):
            shown = {k: quote(v) for k, v in rec.items()}
            errors.append(RowError(rec["row"], COLUMNS[column], rec[column] or "", template.format(**shown)))
    if errors:
        errors.sort(key=lambda e: (e.row, list(COLUMNS.values()).index(e.column)))
        return empty_frame(), RowErrors(errors[:MAX_ERRORS], total)
    clean = df.with_columns(
        field=pl.col("canonical"), trl=pl.col("trl_num"), asking_price=pl.col("price_num")
    ).select(list(COLUMNS))
    return clean, RowErrors()


def published(frame: pl.DataFrame) -> pl.DataFrame:
    """The achievements an enterprise may see: status 可转化, or no status given."""
    return frame.filter(pl.col("status").is_null() | (pl.col("status") == PUBLISHED))
