"""`kechuang projects rank` (重大科技项目：评审排序与资助线).

``kechuang projects rank --applications FILE --scores FILE [--conflicts FILE] --budget AMOUNT
[--pass-mark 60] [--format json|table]`` reads three CSV files — ``application, requested`` (万元),
``application, expert, score`` and ``expert, application`` (declared conflicts) — and prints one
record per application in ranking order: ``application, score, experts, rank, funded, amount``. It
needs no database. The contract is kechuang.engine.projects.ranking's.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from kechuang.cli.common import console, err_console, fail, require_file

NAME = "projects"
app = typer.Typer(help="重大科技项目：评审排序与资助线。", no_args_is_help=True)


class Format(enum.StrEnum):
    json = "json"
    table = "table"


def _table(result, budget: float, pass_mark: float) -> Table:
    table = Table(title=f"评审排序与资助线（预算 {budget:g} 万元，及格线 {pass_mark:g} 分）")
    for name, justify in (("排名", "right"), ("申请编号", "left"), ("得分", "right"), ("计分专家数", "right"),
                          ("申请金额（万元）", "right"), ("是否资助", "center"), ("资助金额（万元）", "right")):  # fmt: skip
        table.add_column(name, justify=justify)
    for row in result.iter_rows(named=True):
        table.add_row(
            str(row["rank"]),
            row["application"],
            "—" if row["score"] is None else f"{row['score']:.6g}",
            str(row["experts"]),
            f"{row['requested']:g}",
            "资助" if row["funded"] else "—",
            f"{row['amount']:g}",
        )
    return table


@app.command()
def rank(
    applications: Path = typer.Option(..., "--applications", help="申请 CSV：application, requested（万元）"),
    scores: Path = typer.Option(..., "--scores", help="评分 CSV：application, expert, score（0–100）"),
    conflicts: Path | None = typer.Option(
        None, "--conflicts", help="回避声明 CSV：expert, application（这些专家对该申请的评分不计）"
    ),
    budget: str = typer.Option(..., "--budget", help="可用预算（万元，不能为负数）"),
    pass_mark: str = typer.Option("60", "--pass-mark", help="及格线：得分达到该分数才可资助（默认 60）"),
    output_format: Format = typer.Option(
        Format.json, "--format", help="输出格式：json（默认，每项申请一条记录）或 table（表格）"
    ),
) -> None:
    """按评审规则计算每项申请的得分、排名与是否资助（不需要数据库）。

    回避专家的评分不计；剩余评分不少于 5 个时去掉一个最高分和一个最低分后取平均；得分相差不超过
    1e-9 的并列同一名次（1、2、2、4）；无评分的申请得分为 null，并列最后且不资助。按排名（同分时
    申请金额小者在前，再按申请编号）依次资助达到及格线且不超过剩余预算的申请，放不下的跳过。
    默认输出 JSON：[{"application", "score", "experts", "rank", "funded", "amount"}]。
    """
    from kechuang.engine.projects.ranking import (
        RankingInputError,
        as_records,
        check_amount,
        rank_applications,
        read_rank_inputs,
    )

    require_file(applications, "--applications")
    require_file(scores, "--scores")
    if conflicts is not None:
        require_file(conflicts, "--conflicts")
    budget_value, problem = check_amount(budget, "--budget")
    if problem:
        fail(problem)
    mark_value, problem = check_amount(pass_mark, "--pass-mark")
    if problem:
        fail(problem)
    try:
        apps, marks, declared = read_rank_inputs(applications, scores, conflicts)
    except RankingInputError as exc:
        err_console.print(f"[red]输入文件有 {len(exc.errors)} 处错误，未计算：[/]", soft_wrap=True)
        for line in exc.errors:
            err_console.print(f"  {line}", style="red", soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(1) from exc
    result = rank_applications(apps, marks, declared, budget_value, mark_value)
    if output_format is Format.json:
        sys.stdout.write(json.dumps(as_records(result), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(_table(result, budget_value, mark_value))
    funded = result.filter(result["funded"])
    console.print(
        f"共 {result.height} 项申请，资助 {funded.height} 项，合计 {funded['amount'].sum():g} 万元，"
        f"预算余额 {budget_value - funded['amount'].sum():g} 万元"
    )
