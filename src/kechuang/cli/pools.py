"""`kechuang pools feed-plan --from 2023 --to 2025` and `kechuang pools list KIND [--out FILE.xlsx]`."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import (
    as_command,
    console,
    err_console,
    fail,
    plan_or_exit,
    region_or_exit,
    setup_django,
    year_or_exit,
)
from kechuang.engine.regions import CITY_CODE

NAME = "pools"
app = typer.Typer(help="培育库与梯度培育：后备库名单、企业库数据写入规划指标")


@app.command("feed-plan")
def feed_plan(
    year_from: int = typer.Option(..., "--from", help="起始年度"),
    year_to: int = typer.Option(..., "--to", help="终止年度"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只计算，不写入"),
    replace_official: bool = typer.Option(
        False, "--replace-official", help="覆盖已有的官方统计值（以新修订写入，旧值保留）"
    ),
) -> None:
    """由企业库梯队记录计算“规模以上工业高新技术企业数”（全市及各镇街），写入规划监测观测值。"""
    setup_django()
    from rich.table import Table

    from kechuang.enterprises.plan_feed import feed_industrial_hightech
    from kechuang.regions import region_names

    if year_to < year_from:
        err_console.print("[red]--to 不能早于 --from[/]")
        raise typer.Exit(2)
    plan = plan_or_exit(None)
    with as_command("pools feed-plan"):
        result = feed_industrial_hightech(
            year_from, year_to, plan=plan, dry_run=dry_run, replace_official=replace_official
        )
    if not result.years:
        err_console.print(
            f"[yellow]{year_from}–{year_to} 年没有梯队记录：请先运行 kechuang enterprises tiers[/]"
        )
        raise typer.Exit(1)
    names = region_names()
    table = Table(title="规模以上工业高新技术企业数（企业库测算）")
    for col in ("年度", "地区", "样本数", "写入值", "原值", "处理"):
        table.add_column(col, justify="right" if col in ("样本数", "写入值", "原值") else "left")
    actions = {"write": "写入", "same": "未变", "official": "保留官方数据"}
    for row in result.rows.filter(result.rows["region_code"] == CITY_CODE).iter_rows(named=True):
        old = "—" if row["old_value"] is None else f"{row['old_value']:g}"
        table.add_row(
            str(row["year"]),
            names.get(row["region_code"], row["region_code"]),
            str(row["sample"]),
            f"{row['value']:g}",
            old,
            actions[row["action"]],
        )
    console.print(table)
    if result.scale.synthetic:
        console.print(f"[magenta]{result.scale.note}[/]，标注“模拟”")
    verb = "将" if dry_run else "已"
    console.print(
        f"{verb}新增 {result.created}、修订 {result.revised} 条（全市及 {result.rows['region_code'].n_unique() - 1} 个镇街）；"
        f"未变 {result.skipped_same}、保留官方数据 {result.skipped_official} 条"
    )


@app.command("list")
def list_pool(
    kind: str = typer.Argument(..., help="gaoqi_reserve | kexiao_reserve | guishang_candidates"),
    year: int = typer.Option(0, "--year", help="评价年度（默认最新）"),
    region: str = typer.Option("", "--region", help="镇街名称或代码"),
    out: Path = typer.Option(None, "--out", help="导出 Excel 文件（.xlsx）"),
    limit: int = typer.Option(20, "--limit", help="屏幕上显示的行数"),
) -> None:
    """列出培育库名单（全市），可导出 Excel。"""
    setup_django()
    from rich.table import Table

    from kechuang.enterprises import ladder, pools
    from kechuang.enterprises.pools_config import KINDS, Filters, definition
    from kechuang.enterprises.pools_export import write_xlsx
    from kechuang.enterprises.qualification import latest_year

    year_or_exit(year or None)
    if kind not in KINDS:
        err_console.print(f"[red]未知的培育库 {kind}：可选 {', '.join(KINDS)}[/]")
        raise typer.Exit(2)
    year = year or latest_year()
    filters = Filters(region=region_or_exit(region) if region else "")
    members = filters.apply(pools.pool(kind, year))
    table = Table(title=f"{KINDS[kind]}（{year} 年度，{members.height} 家）")
    for col in ("企业名称", "镇街", "状态", "差距"):
        table.add_column(col)
    for r in members.head(limit).iter_rows(named=True):
        table.add_row(r["name"], r["region_name"], r["status_label"], r["gap_text"])
    console.print(table)
    if out:
        body = write_xlsx(members, kind, year, filters, definition(kind), ladder.registry_scale().note)
        try:
            out.write_bytes(body)
        except OSError as exc:
            fail(f"无法写入 {out}：{exc.strerror or exc}")
        console.print(f"已导出 {out}")
