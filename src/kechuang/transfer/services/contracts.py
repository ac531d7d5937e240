"""The technology-contract registry (技术合同认定登记): all-or-nothing import of the registry's Excel
exports, and the plan indicator 技术合同成交额 (tech_contract_turnover, 亿元) computed from it.

The indicator for a year and a region is the sum of ``amount`` (万元) of the contracts registered in
that year whose seller is in that region (the city: all), divided by 10,000 (contracts/transfer-data.md).
It is written as plan observations whose source names the registry, as kechuang.enterprises.plan_feed
does for the enterprise registry: a value equal to the latest one from an earlier feed is not written
again; a cell whose latest value is an official figure (not simulated, not from the registry) is left
alone unless ``replace_official``; years with simulated (模拟) contracts are written as simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.tables import (
    TableReadError,
    bad_chars_expr,
    blank_rows,
    empty_file_message,
    read_table,
)
from kechuang.engine.transfer.fields import canonical_field
from kechuang.plans.texts import CONTRACTS_BATCH, CONTRACTS_NOTE, CONTRACTS_SOURCE, prefix
from kechuang.regions import CITY_CODE, region_lookup, town_rows
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import TechContract

INDICATOR = "tech_contract_turnover"
SOURCE_PREFIX = prefix(CONTRACTS_SOURCE)
HEADER_TO_NAME = {**{h: n for n, h in v.CONTRACT_HEADERS.items()}, **{n: n for n in v.CONTRACT_HEADERS}}
REQUIRED = tuple(c for c in v.CONTRACT_HEADERS if c not in ("seller_code", "buyer_region", "field"))


def source_text(day: date) -> str:
    return CONTRACTS_SOURCE.format(day.isoformat())


class ContractImportError(Exception):
    def __init__(self, errors: pl.DataFrame):
        self.errors = errors  # row, column, value, message
        super().__init__(f"{errors.height} errors")

    @property
    def rows(self) -> list[dict]:
        return self.errors.to_dicts()


def _err(frame: pl.DataFrame, mask: pl.Expr, column: str, message: str) -> pl.DataFrame:
    """The failing rows; a cell holding an invisible character (control, full-width space…) names it."""
    return frame.filter(mask).select(
        pl.col("_row").alias("row"),
        pl.lit(v.CONTRACT_HEADERS[column]).alias("column"),
        pl.col(column).cast(pl.Utf8).fill_null("").str.slice(0, 50).alias("value"),
        pl.concat_str([bad_chars_expr(pl.col(column).cast(pl.Utf8)), pl.lit(message)]).alias("message"),
    )


# A registry export may carry a title (and a date or unit line) above its header: the header is the
# first of the first rows that holds every required column.
MAX_TITLE_ROWS = 10


def _column_key(header: object) -> str | None:
    """The contract's column name for a header as an export writes it (spaces and a （单位） ignored)."""
    return HEADER_TO_NAME.get("".join(str(header or "").split()).split("（")[0])


def _find_header(raw: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """(the table with its real header, the header's spreadsheet row). A sheet whose first row is the
    header is returned as read; else the first of the next MAX_TITLE_ROWS rows holding every required
    column becomes the header and the rows above it go. No such row: the sheet as read (its header
    problems are then reported as they are)."""
    required = set(REQUIRED)
    if required <= {_column_key(h) for h in raw.columns}:
        return raw, 1
    for i, values in enumerate(raw.head(MAX_TITLE_ROWS).iter_rows()):
        if not required <= {_column_key(x) for x in values}:
            continue
        body = raw.slice(i + 1)
        # a column with no header and nothing in it (the title's width) is not a column of the table
        keep, seen = [], set()
        for j, (c, x) in enumerate(zip(raw.columns, values, strict=True)):
            text = "" if x is None else str(x).strip()
            if not text and not body[c].drop_nulls().len():
                continue
            label = text if text and text not in seen else f"{text}_第{j + 1}列"
            seen.add(label)
            keep.append((c, label))
        return body.select(pl.col(c).alias(n) for c, n in keep), i + 2
    return raw, 1


def check_file(path: Path, name: str = "") -> pl.DataFrame:
    """The contracts of a registry export, typed (amounts in 万元, seller_region a code); raises
    ContractImportError with every bad row (row as in the spreadsheet, Chinese header, reason)."""
    name = name or path.name
    schema = {"row": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "message": pl.Utf8}
    try:
        raw = read_table(path)
    except TableReadError as exc:
        raise ContractImportError(
            pl.DataFrame([(0, "", "", str(exc))], schema=schema, orient="row")
        ) from None
    raw, header_row = _find_header(raw)
    header_errors = []
    rename = {}
    for h in raw.columns:
        key = _column_key(h)
        if key is None:
            header_errors.append(
                (header_row, h, h, "未知的列：请使用登记系统导出的中文表头（如 登记编号、合同成交额）")
            )
        else:
            rename[h] = key
    for c in REQUIRED:
        if c not in rename.values():
            header_errors.append((header_row, v.CONTRACT_HEADERS[c], "", "缺少必需的列"))
    if header_errors:
        raise ContractImportError(pl.DataFrame(header_errors, schema=schema, orient="row"))
    # Rows are numbered as in the spreadsheet first; then its empty rows (trailing or in between) go.
    blank = raw.select(blank_rows(raw).alias("blank"))["blank"]
    f = (
        raw.rename(rename)
        .with_row_index("_row", offset=header_row + 1)
        .with_columns(pl.col("_row").cast(pl.Int64))
        .filter(~blank)
    )
    if not f.height:
        message = empty_file_message(name, header_only=True)
        raise ContractImportError(pl.DataFrame([(0, "", "", message)], schema=schema, orient="row"))
    for c in v.CONTRACT_HEADERS:
        if c not in f.columns:
            f = f.with_columns(pl.lit(None, pl.Utf8).alias(c))
    f = f.with_columns(pl.col(c).str.strip_chars() for c in v.CONTRACT_HEADERS)
    regions = region_lookup()
    types = [t.value for t in v.ContractType]
    f = f.with_columns(
        _on=pl.col("registered_on")
        .str.slice(0, 10)
        .str.replace_all("/", "-")
        .str.to_date("%Y-%m-%d", strict=False),
        _amount=pl.col("amount").cast(pl.Float64, strict=False),
        _tech=pl.col("tech_amount").cast(pl.Float64, strict=False),
        _region=pl.col("seller_region").replace_strict(regions, default=None, return_dtype=pl.Utf8),
        _field=pl.col("field").map_elements(lambda x: canonical_field(x) or "?", return_dtype=pl.Utf8),
    )
    dup_db = set(
        TechContract.objects.filter(
            registration_no__in=f["registration_no"].drop_nulls().to_list()
        ).values_list("registration_no", flat=True)
    )
    missing = [_err(f, pl.col(c).is_null() | (pl.col(c) == ""), c, "必须填写") for c in REQUIRED]
    present = lambda c: pl.col(c).is_not_null() & (pl.col(c) != "")  # noqa: E731
    errors = pl.concat(
        [
            *missing,
            _err(
                f,
                present("registration_no") & pl.col("registration_no").is_duplicated(),
                "registration_no",
                "登记编号在文件中重复",
            ),
            _err(
                f,
                pl.col("registration_no").is_in(list(dup_db)),
                "registration_no",
                "登记编号已在技术合同库中，未覆盖",
            ),
            _err(
                f, present("registered_on") & pl.col("_on").is_null(), "registered_on", "应为日期 YYYY-MM-DD"
            ),
            _err(
                f,
                present("type") & ~pl.col("type").is_in(types),
                "type",
                "应为 技术开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务",
            ),
            _err(
                f,
                present("seller_region") & pl.col("_region").is_null(),
                "seller_region",
                "未知镇街：请用镇街名称或区划代码",
            ),
            _err(
                f,
                present("amount")
                & (pl.col("_amount").is_null() | ~pl.col("_amount").is_finite() | (pl.col("_amount") < 0)),
                "amount",
                "应为不小于 0 的数值（万元）",
            ),
            _err(
                f,
                present("tech_amount")
                & (pl.col("_tech").is_null() | ~pl.col("_tech").is_finite() | (pl.col("_tech") < 0)),
                "tech_amount",
                "应为不小于 0 的数值（万元）",
            ),
            _err(
                f, (pl.col("_tech") > pl.col("_amount") + 1e-9), "tech_amount", "技术交易额不能大于合同成交额"
            ),
            _err(f, present("field") & (pl.col("_field") == "?"), "field", "不是八大高新技术领域之一"),
            _err(f, pl.col("seller").str.len_chars() > 200, "seller", "过长（最多 200 个字符）"),
            _err(f, pl.col("buyer").str.len_chars() > 200, "buyer", "过长（最多 200 个字符）"),
            _err(
                f, pl.col("registration_no").str.len_chars() > 40, "registration_no", "过长（最多 40 个字符）"
            ),
        ]
    ).sort("row")
    if errors.height:
        raise ContractImportError(errors)
    return f.select(
        "registration_no",
        pl.col("_on").alias("registered_on"),
        "type",
        "seller",
        pl.col("seller_code").fill_null(""),
        pl.col("_region").alias("seller_region"),
        "buyer",
        pl.col("buyer_region").fill_null(""),
        pl.col("_amount").alias("amount"),
        pl.col("_tech").alias("tech_amount"),
        pl.col("_field").replace("?", "").fill_null("").alias("field"),
    )


@transaction.atomic
def import_contracts(frame: pl.DataFrame, source: str, simulated: bool = False) -> int:
    """Write checked contracts (one audit record for the whole file)."""
    TechContract.objects.bulk_create(
        [TechContract(**row, source=source, simulated=simulated) for row in frame.iter_rows(named=True)],
        batch_size=2000,
    )
    record(
        Action.IMPORT,
        object_type="transfer.techcontract",
        object_id=source[:64],
        object_repr=f"{source}（{frame.height} 份技术合同）",
        after={"file": source, "rows": frame.height, "simulated": simulated},
    )
    return frame.height


# ---------------------------------------------------------------------------------------------
# The indicator
# ---------------------------------------------------------------------------------------------


def contract_frame(queryset=None) -> pl.DataFrame:
    rows = (queryset if queryset is not None else TechContract.objects.all()).values_list(
        "registered_on", "type", "seller_region", "amount", "field", "simulated"
    )
    schema = {
        "registered_on": pl.Date,
        "type": pl.Utf8,
        "seller_region": pl.Utf8,
        "amount": pl.Float64,
        "field": pl.Utf8,
        "simulated": pl.Boolean,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row").with_columns(
        year=pl.col("registered_on").dt.year().cast(pl.Int32)
    )


def turnover(frame: pl.DataFrame) -> pl.DataFrame:
    """year, region_code, value (亿元), contracts, simulated — the city and every town, each year with
    contracts (a town without contracts that year: 0)."""
    if frame.is_empty():
        return pl.DataFrame(
            schema={
                "year": pl.Int32,
                "region_code": pl.Utf8,
                "value": pl.Float64,
                "contracts": pl.UInt32,
                "simulated": pl.Boolean,
            }
        )
    towns = pl.DataFrame({"region_code": [r["code"] for r in town_rows() if r["code"] != CITY_CODE]})
    years = frame.group_by("year").agg(pl.col("simulated").any())
    by_town = frame.group_by("year", pl.col("seller_region").alias("region_code")).agg(
        (pl.col("amount").sum() / 10_000).alias("value"), pl.len().alias("contracts")
    )
    grid = (
        years.join(towns, how="cross")
        .join(by_town, on=["year", "region_code"], how="left")
        .with_columns(pl.col("value").fill_null(0.0), pl.col("contracts").fill_null(0))
    )
    city = frame.group_by("year").agg(
        pl.lit(CITY_CODE).alias("region_code"),
        (pl.col("amount").sum() / 10_000).alias("value"),
        pl.len().alias("contracts"),
        pl.col("simulated").any(),
    )
    out = pl.concat([city.select(grid.columns), grid.select(grid.columns)])
    return out.with_columns(pl.col("value").round(4)).sort("year", "region_code")


@dataclass
class FeedResult:
    rows: pl.DataFrame
    created: int = 0
    revised: int = 0
    skipped_same: int = 0
    skipped_official: int = 0
    years: list[int] = field(default_factory=list)


@transaction.atomic
def feed_turnover(
    plan=None, replace_official: bool = False, today: date | None = None, user=None
) -> FeedResult:
    """Write the indicator from the registry as observations (see the module docstring)."""
    from kechuang.plans.models import Observation
    from kechuang.plans.observations import store_observations
    from kechuang.plans.services import default_plan

    plan = plan or default_plan()
    values = turnover(contract_frame())
    years = sorted(set(values["year"].to_list()))
    old = pl.DataFrame(
        list(
            Observation.objects.filter(
                indicator__plan=plan, indicator__code=INDICATOR, is_latest=True, year__in=years
            ).values_list("region_code", "year", "value", "source", "simulated")
        ),
        schema={
            "region_code": pl.Utf8,
            "year": pl.Int32,
            "old_value": pl.Float64,
            "old_source": pl.Utf8,
            "old_simulated": pl.Boolean,
        },
        orient="row",
    )
    from_registry = pl.col("old_source").str.starts_with(SOURCE_PREFIX)
    official = (
        pl.col("old_value").is_not_null()
        & ~from_registry.fill_null(False)
        & ~pl.col("old_simulated").fill_null(False)
    )
    if replace_official:
        official = pl.lit(False)
    rows = values.join(old, on=["region_code", "year"], how="left").with_columns(
        pl.when(from_registry & (pl.col("old_value") == pl.col("value")))
        .then(pl.lit("same"))
        .when(official)
        .then(pl.lit("official"))
        .otherwise(pl.lit("write"))
        .alias("action")
    )
    result = FeedResult(
        rows=rows,
        skipped_same=rows.filter(pl.col("action") == "same").height,
        skipped_official=rows.filter(pl.col("action") == "official").height,
        years=years,
    )
    source = source_text(today or date.today())
    for simulated in (False, True):
        todo = rows.filter((pl.col("action") == "write") & (pl.col("simulated") == simulated))
        if todo.is_empty():
            continue
        clean = todo.with_row_index("row", offset=2).select(
            "row",
            pl.lit(INDICATOR).alias("indicator"),
            "region_code",
            "year",
            "value",
            pl.lit(source).alias("source"),
            pl.format(CONTRACTS_NOTE, pl.col("contracts")).alias("note"),
        )
        stored = store_observations(
            plan,
            clean,
            user=user,
            file_name=CONTRACTS_BATCH.format(min(years), max(years)),
            default_source=source,
            simulated=simulated,
        )
        result.created += stored.created
        result.revised += stored.revised
    return result


def breakdown(frame: pl.DataFrame, year: int, by: str) -> pl.DataFrame:
    """Turnover (亿元) of one year by type, field or seller_region, largest first."""
    return (
        frame.filter(pl.col("year") == year)
        .group_by(pl.col(by).alias("key"))
        .agg((pl.col("amount").sum() / 10_000).round(2).alias("value"), pl.len().alias("contracts"))
        .sort("value", descending=True)
    )
