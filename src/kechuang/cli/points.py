"""`kechuang points score` and `kechuang points load` (创新积分).

``kechuang points score --year Y [--model FILE] [--input DIR] [--output F.csv|F.parquet]
[--engine polars|spark]`` scores every enterprise of the registry with a points model and writes one
row per enterprise, in registry order, with the columns ``credit_code, stage, excluded, points, rank,
cohort_size, top_share, tier`` and ``<indicator>_points`` for each indicator. With --input, DIR holds
registry.csv and facts.csv (or .xlsx), read and checked exactly as an upload (the same reader as
``kechuang qualify --input``); without it the registry comes from the database. Without --model the
active model of the database is used, or the shipped sample when none has been loaded (it says so).

``kechuang points load FILE [--check]`` validates a model file and stores it as a new version when its
content changed (--check: validate only, nothing written).

``kechuang points run --year Y [--version ID]`` scores the database's registry and stores the run and
every enterprise's row (what the pages, the API and kechuang.points.services.scores_frame read), as a
job with the same lock as the web's 「计算积分」.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path

import polars as pl
import typer
from rich.table import Table

from kechuang.cli.common import (
    as_command,
    console,
    err_console,
    fail,
    require_file,
    setup_django,
    write_frame,
)
from kechuang.cli.enterprises import print_errors
from kechuang.cli.qualify import InputError, read_input

NAME = "points"
app = typer.Typer(
    help="创新积分：积分模型的校验与加载，按模型为企业计算积分、排名与层级。", no_args_is_help=True
)


class Engine(enum.StrEnum):
    polars = "polars"
    spark = "spark"


def _model_from_file(path: Path):
    from kechuang.engine.points import load_model

    require_file(path, "--model")
    return load_model(path), f"模型文件 {path}"


def _active_model(database: bool):
    """(model, where it came from): the database's active model, or the shipped sample."""
    from kechuang.engine.points import load_model, sample_model_path

    if database:
        from kechuang.points.services import active_model

        found = active_model()
        return found.model, found.source
    path = sample_model_path()
    return load_model(path), f"内置示例模型 {path.name}（未指定 --model，且数据库尚未建立）"


def _database_ready() -> bool:
    """Whether the database exists and is migrated (for --input without --model)."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        if "django_migrations" not in connection.introspection.table_names():
            return False
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


def _from_database(year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    from kechuang.enterprises.qualification import qualification_frames

    registry, facts = qualification_frames(year)
    return registry.sort("enterprise_id").drop("enterprise_id"), facts


def _run(engine: Engine, registry: pl.DataFrame, facts: pl.DataFrame, year: int, model) -> pl.DataFrame:
    if engine is Engine.polars:
        from kechuang.engine.points import score

        return score(registry, facts, year, model)
    import tempfile

    from kechuang.engine.points.spark import score_spark
    from kechuang.engine.rules.derive import ROW
    from kechuang.engine.rules.spark import local_session, to_polars, to_spark

    spark = local_session("kechuang-points")
    try:
        with tempfile.TemporaryDirectory(prefix="kechuang-spark-") as tmp:
            reg_sdf, facts_sdf = to_spark(spark, registry, tmp), to_spark(spark, facts, tmp)
            got = to_polars(score_spark(reg_sdf, facts_sdf, year, model))
    finally:
        spark.stop()
    order = registry.select(pl.col("credit_code").cast(pl.Utf8)).with_row_index(ROW)
    return order.join(got, on="credit_code", how="left").sort(ROW).drop(ROW).select(model.output_columns())


def summary_table(result: pl.DataFrame, model) -> Table:
    table = Table(title=f"{model.name}：各阶段积分结果（企业数）")
    table.add_column("阶段")
    table.add_column("参评", justify="right")
    for t in model.tiers:
        table.add_column(t.name, justify="right")
    table.add_column("积分中位数", justify="right")
    scored = result.filter(pl.col("excluded").is_null() & pl.col("stage").is_not_null())
    for s in model.stages:
        rows = scored.filter(pl.col("stage") == s.code)
        tiers = dict(rows.group_by("tier").len().iter_rows())
        median = rows["points"].median()
        table.add_row(
            f"{s.name}（{s.code}）",
            f"{rows.height:,}",
            *[f"{tiers.get(t.code, 0):,}" for t in model.tiers],
            "" if median is None else f"{median:.1f}",
        )
    return table


@app.command()
def score(
    year: int = typer.Option(..., "--year", help="评价年度 Y（用 Y 年数据及 Y−1、Y−2 年的派生字段）"),
    model_file: Path | None = typer.Option(
        None, "--model", help="积分模型 YAML 文件；省略则用数据库中的当前模型（未加载时用内置示例模型）"
    ),
    input_dir: Path | None = typer.Option(
        None, "--input", help="含 registry.csv 与 facts.csv（或 .xlsx）的目录；省略则读数据库"
    ),
    output: Path | None = typer.Option(None, "--output", help="结果文件：.csv 或 .parquet"),
    engine: Engine = typer.Option(Engine.polars, "--engine", help="计算引擎：polars（默认）或 spark"),
) -> None:
    """按积分模型为每家企业计算创新积分、阶段内排名与层级。"""
    from kechuang.engine.points import PointsModelError
    from kechuang.engine.rules import DataError

    if output is not None and output.suffix.lower() not in (".csv", ".parquet"):
        fail(f"输出文件须为 .csv 或 .parquet：{output}", 2)
    started = time.perf_counter()
    try:
        if model_file is not None:
            model, source = _model_from_file(model_file)
            if input_dir is None:
                setup_django()
        elif input_dir is None:
            setup_django()
            model, source = _active_model(True)
        else:
            setup_django(require_database=False)
            model, source = _active_model(_database_ready())
        registry, facts = read_input(input_dir) if input_dir else _from_database(year)
        result = _run(engine, registry, facts, year, model)
    except (PointsModelError, InputError, DataError) as exc:
        err_console.print(f"[red]积分计算失败：{exc}[/]", soft_wrap=True)
        print_errors(getattr(exc, "errors", {}))
        raise typer.Exit(1) from exc
    if output is not None:
        write_frame(result, output)
    console.print(f"积分模型：{model.name}（{model.code}）—— {source}")
    if model.is_sample:
        console.print(
            "[yellow]［示例］该模型为示例模型，指标与权重未经市科技局确认，须加载正式模型后使用。[/]"
        )
    console.print(summary_table(result, model))
    excluded = dict(result.group_by("excluded").len().drop_nulls("excluded").iter_rows())
    if excluded:
        names = {e.code: e.name for e in model.exclusions} | {"no_facts": f"无 {year} 年度数据"}
        parts = [f"{names.get(code, code)} {n:,}" for code, n in sorted(excluded.items())]
        console.print("未参评：" + "；".join(parts))
    where = f"，结果已写入 {output}" if output else ""
    console.print(
        f"{year} 年度，{result.height:,} 家企业，用时 {time.perf_counter() - started:.1f} 秒{where}"
    )


@app.command()
def load(
    file: Path = typer.Argument(..., help="积分模型 YAML 文件"),
    check: bool = typer.Option(False, "--check", help="只校验，不写入数据库"),
    note: str = typer.Option("", "--note", help="版本说明"),
) -> None:
    """校验并加载积分模型。内容有变化时生成新版本（旧版本保留），并设为当前模型。"""
    from kechuang.engine.points import PointsModelError, load_model

    require_file(file)
    try:
        model = load_model(file)
    except PointsModelError as exc:
        fail(f"积分模型未通过校验，未加载：{exc}")
    sample = "（示例模型）" if model.is_sample else "（正式模型）"
    console.print(
        f"校验通过：{model.name}（{model.code}）{sample}，{len(model.stages)} 个阶段，"
        f"{len(model.indicators)} 项指标，{len(model.exclusions)} 项排除条件，{len(model.tiers)} 个层级"
    )
    if check:
        return
    setup_django()
    from kechuang.points.services import load_points_model

    with as_command("points load"):
        result = load_points_model(file, loaded_by="cli", note=note)
    if result.new_version:
        console.print(f"已加载为 {result.model.code} 第 {result.version.number} 版，并设为当前模型")
    else:
        console.print(f"内容未变化，仍为 {result.model.code} 第 {result.version.number} 版（已设为当前模型）")


@app.command()
def run(
    year: int = typer.Option(..., "--year", help="评价年度 Y"),
    version: int | None = typer.Option(
        None,
        "--version",
        help="模型版本编号（数据库中的 id）；省略则用当前模型的最新版本（未加载时先加载内置示例）",
    ),
) -> None:
    """为数据库中的全部企业计算某年度的创新积分并保存（网页的积分查询、画像与榜单用保存的结果）。"""
    setup_django()
    from kechuang.jobs.services import JobBusy, JobFailed, run_inline
    from kechuang.points.models import PointsModelVersion, PointsRun
    from kechuang.points.services import JOB_KIND, RUN_LOCK, ensure_active_version, run_title, store_run

    if version is not None and not PointsModelVersion.objects.filter(pk=version).exists():
        fail(f"没有编号为 {version} 的积分模型版本（用 kechuang points load 加载模型）")
    from kechuang.enterprises.models import Fact

    if not Fact.objects.filter(year=year).exists():
        fail(f"数据库中没有 {year} 年度的企业数据，未计算（先用 kechuang enterprises import 导入）")
    chosen = PointsModelVersion.objects.get(pk=version) if version else ensure_active_version("cli")
    name = "cli:points run"
    title = run_title(year, chosen)
    try:
        job = run_inline(
            JOB_KIND,
            RUN_LOCK,
            title,
            {"year": year, "version": chosen.pk},
            lambda job, reporter: {"run": store_run(year, chosen, name, job.pk, reporter).pk},
            name=name,
        )
    except JobBusy as exc:
        fail(str(exc))
    except JobFailed as exc:
        fail(f"积分计算失败：{exc}")
    stored = PointsRun.objects.get(pk=job.result["run"])
    if chosen.model.is_sample:
        console.print("[yellow]［示例］该模型为示例模型，指标与权重未经市科技局确认。[/]")
    console.print(
        f"已保存 {year} 年度积分：{chosen.model.name} 第 {chosen.number} 版，{stored.enterprises:,} 家企业，"
        f"参评 {stored.scored:,}，排除 {stored.excluded:,}，无当年数据 {stored.no_facts:,}（批次 #{stored.pk}）"
    )
