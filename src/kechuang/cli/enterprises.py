"""`kechuang enterprises import FILE…` and `kechuang enterprises tiers --year Y`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kechuang.cli.common import console, err_console, setup_django

if TYPE_CHECKING:
    from rich.progress import Task

NAME = "enterprises"
app = typer.Typer(help="企业库：导入部门数据、计算梯队")


def counts(task: Task) -> str:
    """「done/total」for a progress bar, or just「done」while the total is not known yet."""
    if task.total is None:
        return f"{int(task.completed):,}"
    return f"{int(task.completed):,}/{int(task.total):,}"


def print_errors(errors) -> None:
    """Every bad row of every file on stderr (the first 100 of each): row, column, value, why."""
    for name, found in errors.items():
        err_console.print(f"[bold]{name}[/]：{found.summary()}", soft_wrap=True)
        for e in found[:100]:
            # The cell checks' messages already start with「第 N 行「column」= value」.
            line = e.message if e.message.startswith(f"第 {e.row} 行") else str(e)
            err_console.print(f"  {line}", soft_wrap=True, markup=False, highlight=False)
        if found.total > 100:
            err_console.print(f"  …… 另有 {found.total - 100} 处")


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV 或 XLSX（企业名录、企业年度数据）"
    ),
    department: str = typer.Option("kjj", help="报送部门代码（如 scjgj、tjj）"),
    check: bool = typer.Option(False, "--check", help="只检查，不写入"),
) -> None:
    """导入部门报送的企业数据。整批全部正确才写入；有错误时列出每一行、每个字段的问题。"""
    setup_django()
    from dataclasses import asdict

    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from kechuang.enterprises.importing import STAGE_CHECK
    from kechuang.enterprises.services import (
        IMPORT_LOCK,
        EnterpriseImportError,
        check_files,
        error_report,
        import_files,
    )
    from kechuang.jobs.services import JobBusy, JobCancelled, JobFailed, run_inline

    class Counts(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(counts(task))

    try:
        if check:
            with console.status("检查中 …"):
                checked = check_files(files)
            for item in checked:
                console.print(f"{item.name}：{item.clean.height:,} 行，检查通过（未写入）")
            return
        with Progress(
            TextColumn("{task.description}"), BarColumn(), Counts(), TimeElapsedColumn(), console=console
        ) as progress:
            tasks: dict[str, int] = {}
            checking = progress.add_task(STAGE_CHECK, total=None)

            def step(stage: str, done: int, total: int) -> None:
                if stage == STAGE_CHECK:
                    return
                progress.update(checking, visible=False)
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done)

            found = []

            def run(job, reporter) -> dict:
                try:
                    found.append(import_files(files, department=department, progress=reporter))
                except EnterpriseImportError as exc:
                    raise JobFailed(str(exc), errors=error_report(exc.errors)) from exc
                return asdict(found[0])

            # The same job record, lock and progress callbacks as an upload in the web (kechuang.jobs).
            name = "cli:enterprises import"
            title = "企业数据导入：" + "、".join(f.name for f in files)
            params = {"paths": [str(f) for f in files], "department": department}
            run_inline("enterprise_import", IMPORT_LOCK, title[:200], params, run, name=name, echo=step)
            summary = found[0]
    except JobBusy as exc:
        err_console.print(f"[red]{exc}[/]", soft_wrap=True)
        raise typer.Exit(1) from exc
    except JobCancelled as exc:
        err_console.print("[red]导入已按要求取消，没有写入任何数据。[/]", soft_wrap=True)
        raise typer.Exit(1) from exc
    except (EnterpriseImportError, JobFailed) as exc:
        cause = exc if isinstance(exc, EnterpriseImportError) else exc.__cause__
        err_console.print(f"[red]{exc}[/]", soft_wrap=True)
        if isinstance(cause, EnterpriseImportError):
            print_errors(cause.errors)
        raise typer.Exit(1) from exc
    console.print(
        f"已导入：企业名录新增 {summary.registry_created:,}、更新 {summary.registry_changed:,}；"
        f"年度数据新增 {summary.facts_created:,}、更新 {summary.facts_changed:,}、"
        f"未变 {summary.facts_unchanged:,}",
        soft_wrap=True,
    )


@app.command()
def tiers(year: int = typer.Option(..., "--year", help="年度")) -> None:
    """按资格规则计算每家企业在该年度的梯队并保存（用于梯队漏斗与历史）。"""
    setup_django()
    from kechuang.enterprises.qualification import TIER_LABELS
    from kechuang.enterprises.services import recompute_tiers

    with console.status(f"计算 {year} 年度梯队 …"):
        results = recompute_tiers(year)
    for tier, n in results.group_by("tier").len().sort("len", descending=True).iter_rows():
        console.print(f"{TIER_LABELS.get(tier, tier)}：{n:,}")
