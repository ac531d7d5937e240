"""`kechuang monitor`: the plan's evaluation as a coloured Chinese table or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kechuang.cli.common import (
    console,
    fail,
    plan_or_exit,
    region_or_exit,
    require_file,
    setup_django,
    year_or_exit,
)
from kechuang.engine.regions import CITY_CODE

FORMATS = ("table", "json")

COLOURS = {"green": "green", "yellow": "yellow", "red": "red"}


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def monitor(
    plan_code: str = typer.Option(None, "--plan", help="规划代码（默认：东莞规划）"),
    as_of: int = typer.Option(
        None, "--as-of", help="评估年份（默认：最近有正式数据的年份；用文件时为文件中最近的年份）"
    ),
    region: str = typer.Option(CITY_CODE, "--region", help="地区名称或代码"),
    observations: Path = typer.Option(None, "--observations", help="评估该文件而不是数据库"),
    plan_file: Path = typer.Option(None, "--plan-file", help="与 --observations 同用：规划文件"),
    fmt: str = typer.Option("table", "--format", help="table 或 json"),
) -> None:
    """评估规划指标的实施进展（序时进度、趋势、预警、达标概率、Open SDG 进展）。"""
    from kechuang.engine.plan_labels import OPENSDG_LABELS, TREND_LABELS, WARNING_LABELS
    from kechuang.regions import region_names

    if fmt not in FORMATS:
        fail(f"未知格式「{fmt}」：请用 table 或 json", 2)
    region_code = region_or_exit(region)
    year_or_exit(as_of, "--as-of")
    if plan_file is not None and observations is None:
        fail("--plan-file 只能与 --observations 同用", 2)
    if observations is not None:
        require_file(observations, "--observations")
        if plan_file is not None:
            require_file(plan_file, "--plan-file")
        from kechuang.plans.monitoring.payload import (
            ObservationsFileError,
            evaluate_file,
            indicators_from_file,
            payload,
        )
        from kechuang.plans.schema import PlanFileError, default_plan_path, load_plan_file

        try:
            pf = load_plan_file(plan_file or default_plan_path())
        except PlanFileError as exc:
            from kechuang.cli.plan import print_plan_errors

            print_plan_errors(exc)
            raise typer.Exit(1) from exc
        year = as_of or _latest_year(observations) or pf.plan.start_year
        try:
            results = evaluate_file(pf, observations, year)
        except ObservationsFileError as exc:
            from kechuang.cli.observations import print_row_errors

            print_row_errors(exc.errors)
            raise typer.Exit(1) from exc
        data = payload(pf.plan.code, year, region_code, results, indicators_from_file(pf))
        plan_name = pf.plan.name
    else:
        setup_django()
        plan = plan_or_exit(plan_code)
        from kechuang.plans.evaluation import monitor as evaluate_monitor  # SciPy: only when needed

        data = evaluate_monitor(plan, as_of, region_code)
        plan_name = plan.name
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    index = data["index"]
    table = Table(
        title=f"{plan_name} · {region_names().get(region_code, region_code)} · 评估年份 {data['as_of']}"
        f"{'（模拟）' if data.get('as_of_simulated') else ''}"
        f" · 规划指数 {_fmt(index, 1)}"
    )
    for col in (
        "指标",
        "单位",
        "基期",
        "最新",
        "目标",
        "进度",
        "序时",
        "趋势",
        "达标概率",
        "预警",
        "Open SDG",
    ):
        table.add_column(col)
    for item in data["indicators"]:
        colour = COLOURS.get(item["warning"] or "", "dim")
        table.add_row(
            item["name"],
            item["unit"],
            f"{_fmt(item['baseline_value'])} ({item['baseline_year'] or '—'})",
            f"{_fmt(item['latest_value'])} ({item['latest_year'] or '—'})",
            _fmt(item["target_value"]),
            "—" if item["progress"] is None else f"{item['progress']:.0%}",
            "—" if item["time_elapsed"] is None else ("达到" if item["on_schedule"] else "未达到"),
            TREND_LABELS.get(item["trend"], item["trend"]),
            "—" if item["probability"] is None else f"{item['probability']:.0%}",
            f"[{colour}]{WARNING_LABELS.get(item['warning'], '—')}{'（数据陈旧）' if item['stale'] else ''}[/]",
            OPENSDG_LABELS.get(item["opensdg"]["status"], "—"),
        )
    console.print(table)


def _latest_year(path: Path) -> int | None:
    """The file's latest year, or None when it has none (the file check then names what is wrong)."""
    from kechuang.engine.tables import TableReadError, read_table

    try:
        df = read_table(path)
    except TableReadError:
        return None
    col = next((c for c in ("year", "年份") if c in df.columns), None)
    if col is None:
        return None
    latest = df[col].str.strip_chars().cast(int, strict=False).max()
    return None if latest is None else int(latest)
