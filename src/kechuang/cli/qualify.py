"""`kechuang qualify --year Y [--input DIR] [--output FILE] [--engine polars|spark]`.

Qualifies every enterprise against the rule sets (科小, 高企, 规上, 瞪羚, 科技领军) and prints a
summary. With --input, DIR holds registry.csv and facts.csv (or .xlsx) in the contract's columns,
read and checked by the same code as an upload (kechuang.engine.enterprise_import.check_upload: the
same encodings, headers, date and yes/no forms, and the same row report); without it the registry
comes from the database.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path

import polars as pl
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kechuang.cli.common import console, err_console, write_frame
from kechuang.cli.enterprises import print_errors
from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS, TIER_LABELS

NAME = "qualify"
app = typer.Typer(help="按规则集评估企业资格（科小、高企、规上、瞪羚、科技领军）并给出梯度层级。")


class Engine(enum.StrEnum):
    polars = "polars"
    spark = "spark"


INPUT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods", ".tsv", ".txt")


class InputError(ValueError):
    """The input folder cannot be used; ``errors`` lists every bad row by file (as an import does)."""

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


def input_files(folder: Path) -> list[Path]:
    """registry.<csv|xlsx|…> and facts.<csv|xlsx|…> in ``folder``."""
    if not folder.is_dir():
        raise InputError(f"找不到目录 {folder}")
    found = []
    for stem, zh in (("registry", "企业名录"), ("facts", "企业年度数据")):
        files = [folder / f"{stem}{s}" for s in INPUT_SUFFIXES if (folder / f"{stem}{s}").is_file()]
        if not files:
            raise InputError(f"{folder} 中没有{zh}文件 {stem}.csv（或 {stem}.xlsx）")
        if len(files) > 1:
            raise InputError(f"{folder} 中有多个{zh}文件（{'、'.join(f.name for f in files)}），只能保留一个")
        found += files
    return found


def read_input(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registry and the yearly facts of ``folder``, read and checked exactly as an upload is (the
    engine's one reader): a file with any bad row stops the evaluation with every row named."""
    from kechuang.engine.enterprise_import import check_upload
    from kechuang.regions import region_lookup

    checked, errors = check_upload(input_files(folder), region_lookup=region_lookup(), known_codes=())
    if errors:
        total = sum(e.total for e in errors.values())
        raise InputError(f"输入数据发现 {total} 处错误，未评估", errors)
    kinds = {item.kind: item.clean for item in checked}
    for kind, stem in (("registry", "registry"), ("facts", "facts")):
        if kind not in kinds or sum(item.kind == kind for item in checked) > 1:
            raise InputError(
                f"{stem} 文件的表头不像{'企业名录' if kind == 'registry' else '企业年度数据'}（请检查列名）"
            )
    return kinds["registry"], kinds["facts"]


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
    for label in ELIGIBILITY_LABELS.values():
        rules.add_column(label, justify="right")
    for rs in rulesets:
        counts = dict(result.group_by(f"{rs.code}_eligible").len().iter_rows())
        name = f"{rs.name}（{rs.code}）" + ("［示例规则］" if rs.sample else "")
        rules.add_row(name, *[f"{counts.get(k, 0):,}" for k in ELIGIBILITY_LABELS])
    tiers = Table(title="梯度层级（当前持有）")
    tiers.add_column("层级")
    tiers.add_column("企业数", justify="right")
    counts = dict(result.group_by("tier").len().iter_rows())
    for code, label in TIER_LABELS.items():
        tiers.add_row(f"{label}（{code}）", f"{counts.get(code, 0):,}")
    return rules, tiers


@app.callback(invoke_without_command=True)
def qualify_command(
    year: int = typer.Option(..., "--year", help="评价年度 Y（科小用 Y 年数据，高企用 Y−2..Y）"),
    input_dir: Path | None = typer.Option(
        None, "--input", help="含 registry.csv 与 facts.csv（或 .xlsx）的目录；省略则读数据库"
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
                write_frame(result, output)
            progress.update(task, advance=1, description="完成")
        except (InputError, RulesetError, ValueError) as exc:
            progress.stop()
            err_console.print(f"[red]评估失败：{exc}[/]", soft_wrap=True)
            print_errors(getattr(exc, "errors", {}))
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
