"""`kechuang observations import FILE`: CSV or XLSX, all or nothing."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, err_console, plan_or_exit, require_file, setup_django

NAME = "observations"
app = typer.Typer(help="指标观测值：导入")


def print_row_errors(errors, limit: int = 200) -> None:
    err_console.print(f"[red]发现 {len(errors)} 处错误，整个文件未导入（没有写入任何数据）：[/]")
    for e in errors[:limit]:
        err_console.print(f"  {e}")
    if len(errors) > limit:
        err_console.print(f"  …… 另有 {len(errors) - limit} 处")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV 或 XLSX：指标,地区,年份,数值[,来源,备注]"),
    plan_code: str = typer.Option(None, "--plan", help="规划代码"),
    source: str = typer.Option("", help="来源（文件中没有“来源”列时使用）"),
) -> None:
    """导入观测值文件。有任何一行出错则整个文件不导入，并列出每一行的错误。"""
    require_file(file)
    setup_django()
    from kechuang.plans.observations import ObservationImportError, import_file

    plan = plan_or_exit(plan_code)
    try:
        with as_command("observations import"):
            result = import_file(file, plan, user=None, default_source=source)
    except ObservationImportError as exc:
        print_row_errors(exc.errors)
        raise typer.Exit(1) from exc
    console.print(f"已导入：新增 {result.created} 条，修订 {result.revised} 条，未变 {result.unchanged} 条")
