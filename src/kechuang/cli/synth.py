"""`kechuang synth enterprises --count N --years 2021-2024 --seed S --out DIR [--dirty]`.

Writes a synthetic Dongguan enterprise population (registry.csv, facts.csv and Parquet copies, in the
contract's English columns) and prints the counts scaled to the city, which are calibrated to the
published 高企 (10,200) and 规上工业高企 (5,769) counts. --dirty adds the errors real department files
have, for import tests.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import polars as pl
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kechuang.cli.common import console, err_console

NAME = "synth"
app = typer.Typer(help="生成合成数据")


@app.callback()
def _group() -> None:
    """生成合成数据。"""  # a callback keeps `synth` a command group with a single sub-command


def parse_years(text: str) -> list[int]:
    """ "2021-2024" → [2021, 2022, 2023, 2024]; "2022,2024" → [2022, 2024]; "2024" → [2024]."""
    years: set[int] = set()
    try:
        for part in text.replace("，", ",").split(","):
            part = part.strip()
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                years.update(range(min(a, b), max(a, b) + 1))
            elif part:
                years.add(int(part))
    except ValueError as exc:
        raise typer.BadParameter(f"年份写法不对：{text}（例如 2021-2024 或 2022,2024）") from exc
    if not years or min(years) < 2000 or max(years) > 2100:
        raise typer.BadParameter(f"年份应在 2000–2100 之间：{text}")
    return sorted(years)


def _check_years(text: str) -> str:
    parse_years(text)  # a BadParameter raised here names --years in the usage error
    return text


def load_towns() -> pl.DataFrame:
    path = resources.files("kechuang.data").joinpath("dongguan-towns.csv")
    return pl.read_csv(path.read_bytes(), schema_overrides={"code": pl.Utf8})


@app.command("enterprises")
def enterprises(
    count: int = typer.Option(
        20_000, "--count", "-n", min=1, help="企业数（演示约 20000；基准测试 1000000）"
    ),
    years: str = typer.Option(
        "2021-2024", "--years", callback=_check_years, help="年度，如 2021-2024 或 2022,2024"
    ),
    seed: int = typer.Option(0, "--seed", help="随机种子：同一种子生成同样的数据"),
    out: Path = typer.Option(..., "--out", help="输出目录（写入 registry.csv、facts.csv 及 Parquet 副本）"),
    dirty: bool = typer.Option(False, "--dirty", help="加入真实部门文件常见的错误（用于测试导入检查）"),
) -> None:
    """生成合成企业名录与年度数据（按东莞实际规模校准）。"""
    from kechuang.engine.synth import (
        ABOVE_SCALE_INDUSTRIAL_ASSUMED,
        DONGGUAN_POPULATION,
        HIGHTECH_COUNT,
        INDUSTRIAL_HIGHTECH_COUNT,
        city_estimates,
        synthesize,
        write_population,
    )
    from kechuang.engine.synth_dirty import make_dirty

    year_list = parse_years(years)
    started = time.perf_counter()
    columns = (SpinnerColumn(), TextColumn("[progress.description]{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"生成 {count:,} 家企业 × {len(year_list)} 年…", total=None)
        registry, facts = synthesize(count, year_list, seed, load_towns())
        progress.update(task, description=f"已生成 {registry.height:,} 家企业、{facts.height:,} 条年度数据")
        progress.stop_task(task)
        estimates = city_estimates(registry, facts)
        if dirty:
            task = progress.add_task("加入常见错误…", total=None)
            registry, facts = make_dirty(registry, facts, seed=seed)
            progress.update(
                task, description=f"已加入错误：名录 {registry.height:,} 行，年度数据 {facts.height:,} 行"
            )
            progress.stop_task(task)
        task = progress.add_task(f"写出到 {out} …", total=None)
        try:
            paths = write_population(registry, facts, out)
        except OSError as exc:
            err_console.print(f"[red]无法写入 {out}：{exc}[/red]")
            raise typer.Exit(1) from exc
        progress.update(task, description=f"已写出 {len(paths)} 个文件到 {out}")
        progress.stop_task(task)

    table = Table(
        title=f"{estimates['year']} 年：样本与按东莞规模换算（每家样本代表 {estimates['scale_factor']:.4g} 家）"
    )
    table.add_column("指标")
    table.add_column("样本", justify="right")
    table.add_column("换算到东莞", justify="right")
    table.add_column("校准目标 / 参考", justify="right")
    table.add_row("企业", f"{estimates['enterprises']:,}", f"{DONGGUAN_POPULATION:,}", "跟踪企业总体（设定）")
    rows = (
        ("高新技术企业（证书在 12 月 31 日有效）", "gaoqi", f"{HIGHTECH_COUNT:,}"),
        ("规上工业高新技术企业", "guishang_gaoqi", f"{INDUSTRIAL_HIGHTECH_COUNT:,}"),
        (
            "规上工业企业（主营业务收入 ≥ 2000 万元）",
            "guishang_industrial",
            f"约 {ABOVE_SCALE_INDUSTRIAL_ASSUMED:,}（参考）",
        ),
        ("当年入库科技型中小企业", "kexiao", "—"),
    )
    for label, key, target in rows:
        table.add_row(label, f"{estimates[key]:,}", f"{estimates[key + '_city']:,.0f}", target)
    console.print(table)
    note = "（含人为加入的错误，供导入检查测试）" if dirty else ""
    console.print(
        f"名录 {registry.height:,} 行、年度数据 {facts.height:,} 行{note}，"
        f"用时 {time.perf_counter() - started:.1f} 秒 → {out}"
    )
