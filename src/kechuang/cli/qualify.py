"""`kechuang qualify --year Y [--input DIR] [--output FILE] [--engine polars|spark]`.

Qualifies every enterprise against the rule sets (科小, 高企, 规上, 瞪羚, 科技领军) and prints a
summary. With --input, DIR holds registry.csv and facts.csv in the contract's columns (English or
Chinese headers); without it the registry comes from the database.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path

import polars as pl
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kechuang.cli.common import console, err_console

NAME = "qualify"
app = typer.Typer(help="按规则集评估企业资格（科小、高企、规上、瞪羚、科技领军）并给出梯度层级。")

TRUE_TEXT = {"true", "1", "是", "t", "y", "yes"}
FALSE_TEXT = {"false", "0", "否", "f", "n", "no"}
ELIGIBILITY_ZH = {"yes": "符合", "possible": "可能符合", "unknown": "数据不全", "no": "不符合"}
TIER_ZH = {
    "lingjun": "科技领军企业",
    "guishang_gaoqi": "规上高新技术企业",
    "gaoqi": "高新技术企业",
    "kexiao": "科技型中小企业",
    "none": "未进入梯度",
}


class Engine(enum.StrEnum):
    polars = "polars"
    spark = "spark"


class InputError(ValueError):
    pass


def _convert(df: pl.DataFrame, path: Path, columns: tuple) -> pl.DataFrame:
    """Text columns → vocabulary types; every unreadable value is reported by row, in Chinese."""
    exprs, problems = [], []
    for col in columns:
        if col.name not in df.columns:
            continue
        raw = pl.col(col.name).str.strip_chars()
        raw = pl.when(raw == "").then(None).otherwise(raw)
        if col.dtype == pl.Utf8:
            conv = raw
        elif col.dtype == pl.Date:
            conv = raw.str.replace_all("/", "-").str.to_date("%Y-%m-%d", strict=False)
        elif col.dtype == pl.Boolean:
            low = raw.str.to_lowercase()
            conv = (
                pl.when(low.is_in(list(TRUE_TEXT))).then(True).when(low.is_in(list(FALSE_TEXT))).then(False)
            )
        else:
            conv = raw.cast(pl.Float64, strict=False)
            if col.dtype != pl.Float64:
                conv = pl.when(conv == conv.round(0)).then(conv).cast(col.dtype, strict=False)
        exprs.append(conv.alias(col.name))
        bad = df.with_row_index("_row").filter(raw.is_not_null() & conv.is_null())
        if bad.height:
            rows = "、".join(str(r + 2) for r in bad["_row"].head(5).to_list())
            more = f" 等 {bad.height} 行" if bad.height > 5 else ""
            problems.append(f"{path.name} 列 {col.name}（{col.header_zh}）无法读取：第 {rows} 行{more}")
    if problems:
        raise InputError("；".join(problems))
    return df.with_columns(exprs)


def read_contract_csv(path: Path, columns: tuple) -> pl.DataFrame:
    """A department CSV in contract columns (English or Chinese headers), typed by the vocabulary."""
    from kechuang.engine.vocabulary import header_map

    if not path.exists():
        raise InputError(f"找不到文件 {path}")
    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    headers = header_map(columns)
    renamed = {c: headers[c.strip()] for c in df.columns if c.strip() in headers}
    unknown = [c for c in df.columns if c.strip() not in headers]
    if unknown:
        err_console.print(f"[yellow]提示：{path.name} 中以下列不在字段表中，已忽略：{'、'.join(unknown)}[/]")
    df = df.select([pl.col(k).alias(v) for k, v in renamed.items()])
    if "credit_code" not in df.columns:
        raise InputError(f"{path.name} 缺少 credit_code（统一社会信用代码）列")
    return _convert(df, path, columns)


def read_input(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS

    registry = read_contract_csv(folder / "registry.csv", REGISTRY_COLUMNS)
    facts = read_contract_csv(folder / "facts.csv", FACT_COLUMNS)
    if "year" not in facts.columns:
        raise InputError("facts.csv 缺少 year（年度）列")
    return registry, facts


def _from_database(year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    from kechuang.cli.common import setup_django

    setup_django()
    from kechuang.enterprises.services import qualification_frames

    return qualification_frames(year)


def _run(
    engine: Engine, registry: pl.DataFrame, facts: pl.DataFrame, year: int, rulesets: list
) -> pl.DataFrame:
    if engine is Engine.polars:
        from kechuang.engine.rules import qualify

        return qualify(registry, facts, year, rulesets)
    import tempfile

    from kechuang.engine.rules.spark import local_session, qualify_spark, to_polars, to_spark

    spark = local_session()
    try:
        with tempfile.TemporaryDirectory(prefix="kechuang-spark-") as tmp:
            reg_sdf, facts_sdf = to_spark(spark, registry, tmp), to_spark(spark, facts, tmp)
            return to_polars(qualify_spark(spark, reg_sdf, facts_sdf, year, rulesets)).sort("credit_code")
    finally:
        spark.stop()


def summary_tables(result: pl.DataFrame, rulesets: list) -> tuple[Table, Table]:
    rules = Table(title="各规则集评估结果（企业数）")
    rules.add_column("规则集")
    for label in ELIGIBILITY_ZH.values():
        rules.add_column(label, justify="right")
    for rs in rulesets:
        counts = dict(result.group_by(f"{rs.code}_eligible").len().iter_rows())
        name = f"{rs.name}（{rs.code}）" + ("［示例规则］" if rs.sample else "")
        rules.add_row(name, *[f"{counts.get(k, 0):,}" for k in ELIGIBILITY_ZH])
    tiers = Table(title="梯度层级（当前持有）")
    tiers.add_column("层级")
    tiers.add_column("企业数", justify="right")
    counts = dict(result.group_by("tier").len().iter_rows())
    for code, label in TIER_ZH.items():
        tiers.add_row(f"{label}（{code}）", f"{counts.get(code, 0):,}")
    return rules, tiers


@app.callback(invoke_without_command=True)
def qualify_command(
    year: int = typer.Option(..., "--year", help="评价年度 Y（科小用 Y 年数据，高企用 Y−2..Y）"),
    input_dir: Path | None = typer.Option(
        None, "--input", help="含 registry.csv 与 facts.csv 的目录；省略则读数据库"
    ),
    output: Path | None = typer.Option(None, "--output", help="结果文件：.csv 或 .parquet"),
    engine: Engine = typer.Option(Engine.polars, "--engine", help="计算引擎：polars（默认）或 spark"),
    rules_dir: Path | None = typer.Option(None, "--rules", help="规则集目录（默认使用内置规则集）"),
) -> None:
    """评估每家企业的资格、得分区间、未满足条件和梯度层级。"""
    from kechuang.engine.rules import RulesetError, load_rulesets

    if output is not None and output.suffix.lower() not in (".csv", ".parquet"):
        err_console.print(f"[red]输出文件须为 .csv 或 .parquet：{output}[/]")
        raise typer.Exit(2)
    started = time.perf_counter()
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task("读取规则集", total=4)
        try:
            rulesets = load_rulesets(rules_dir)
            progress.update(task, advance=1, description="读取企业数据")
            registry, facts = read_input(input_dir) if input_dir else _from_database(year)
            progress.update(task, advance=1, description=f"评估 {registry.height:,} 家企业（{engine.value}）")
            result = _run(engine, registry, facts, year, rulesets)
            progress.update(task, advance=1, description="写出结果")
            if output is not None:
                output.parent.mkdir(parents=True, exist_ok=True)
                if output.suffix.lower() == ".csv":
                    result.write_csv(output)
                else:
                    result.write_parquet(output)
            progress.update(task, advance=1, description="完成")
        except (InputError, RulesetError, ValueError) as exc:
            progress.stop()
            err_console.print(f"[red]评估失败：{exc}[/]")
            raise typer.Exit(1) from exc
    rules_table, tier_table = summary_tables(result, rulesets)
    console.print(rules_table)
    console.print(tier_table)
    samples = [rs.name for rs in rulesets if rs.sample]
    if samples:
        console.print(f"[yellow]注意：{'、'.join(samples)} 为示例规则，须经市科技局确认后使用。[/]")
    where = f"，结果已写入 {output}" if output else ""
    console.print(
        f"{year} 年度，{result.height:,} 家企业，用时 {time.perf_counter() - started:.1f} 秒{where}"
    )
