"""`kechuang plan load FILE` and `kechuang plan versions`."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, err_console, plan_or_exit, setup_django

NAME = "plan"
app = typer.Typer(help="规划文件：校验、加载、版本")


def print_plan_errors(exc) -> None:
    err_console.print(f"[red]规划文件有 {len(exc.errors)} 处错误，未加载：[/]")
    for e in exc.errors:
        where = f"第 {e.line} 行 " if e.line else ""
        err_console.print(f"  {where}[bold]{e.path or '(文件)'}[/]：{e.message}")


@app.command()
def load(
    file: Path = typer.Argument(None, help="规划 YAML 文件；省略时加载内置的东莞规划"),
    check: bool = typer.Option(False, "--check", help="只校验，不写入数据库"),
    note: str = typer.Option("", help="版本说明"),
) -> None:
    """校验并加载规划文件。内容有变化时生成新版本，旧版本保留。"""
    from kechuang.plans.schema import PlanFileError, default_plan_path

    path = file or default_plan_path()
    setup_django(require_database=not check)  # --check reads no table: it works before any set-up
    from kechuang.plans import services

    try:
        plan_file = services.parse_plan(path)
    except PlanFileError as exc:
        print_plan_errors(exc)
        raise typer.Exit(1) from exc
    console.print(f"校验通过：{len(plan_file.indicators)} 项指标，{len(plan_file.tasks)} 项重点任务")
    if check:
        return
    with as_command("plan load"):
        result = services.load_plan(plan_file, source_file=str(path), loaded_by="cli", note=note)
    if not result.new_version:
        console.print(f"内容未变化，仍为第 {result.version.number} 版")
        return
    console.print(f"已加载为第 {result.version.number} 版")
    for change in result.changes:
        console.print(f"  · {change.describe()}")


@app.command()
def versions(code: str = typer.Option(None, "--plan", help="规划代码")) -> None:
    """列出规划的各个版本。"""
    setup_django()
    from rich.table import Table

    plan = plan_or_exit(code)
    table = Table(title=plan.name)
    for col in ("版本", "加载时间", "加载人", "来源文件", "说明"):
        table.add_column(col)
    for v in plan.versions.all():
        table.add_row(
            str(v.number), v.loaded_at.strftime("%Y-%m-%d %H:%M"), v.loaded_by, v.source_file, v.note
        )
    console.print(table)


@app.command()
def remind(
    year: int = typer.Option(..., "--year", help="数据年份（如 2025：次年截止报送的年度数据）"),
    on: str = typer.Option(None, "--on", help="按该日期判断是否逾期（YYYY-MM-DD，默认今天）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将发送的提醒，不发送邮件"),
    code: str = typer.Option(None, "--plan", help="规划代码"),
) -> None:
    """向尚未报送完整的市直部门和镇街发送指标数据报送提醒，并向重点任务进展逾期或未报的部门发送任务报送提醒（邮件经 Django 邮件后端发送）。"""
    import datetime as dt

    if not 2000 <= year <= 2100:
        err_console.print(f"[red]年份无效：{year}（应在 2000–2100 之间）[/]")
        raise typer.Exit(2)
    try:
        today = dt.date.fromisoformat(on) if on else None
    except ValueError as exc:
        err_console.print(f"[red]日期无效：{on}（应为 YYYY-MM-DD）[/]")
        raise typer.Exit(2) from exc
    setup_django()
    from django.utils import timezone

    from kechuang.plans.discipline import services, task_reporting

    plan = plan_or_exit(code)
    today = today or timezone.localdate()
    indicator_items = services.reminders(plan, year, today)
    task_items = task_reporting.task_reminders(plan, today)
    items = indicator_items + task_items
    if not indicator_items:
        console.print(f"{year} 年度指标数据已全部报送，无需提醒")
    if not task_items:
        console.print(f"截至 {today:%Y-%m-%d}，重点任务进展均已按期报送，无需提醒")
    if not items:
        return
    for what, group in (("指标数据", indicator_items), ("重点任务进展", task_items)):
        for r in group:
            to = "、".join(r.recipients) if r.recipients else "（无邮箱，未发送）"
            console.print(
                f"{r.owner.name}（{what}）：{r.owner.status_name}，未报 {len(r.owner.missing)} 项 → {to}"
            )
    if dry_run:
        console.print(f"共 {len(items)} 个单位需提醒（试运行，未发送邮件）")
        return
    sent = services.send_reminders(items)
    console.print(f"已发送 {sent} 封提醒邮件（共 {len(items)} 个单位需提醒）")
